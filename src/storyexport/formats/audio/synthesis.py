"""From a narration plan to one language's spoken sentences in the cache, one sentence at a time.

Each sentence is synthesized alone from its speech script (text/speech.py), its leading and
trailing silence trimmed, resampled to 24 kHz (the rate of every output, which Opus and MP3 both
take) and cached by what is said, with the times of the words said (the script's, as the engine
gives them, moved by the same trim and resampling). Only each clip's cache key, length and word
times stay in memory: stream.py joins the clips into one timed narration and reads their sound back
from the cache whenever the PCM is needed.

The times are put on the caption's words after the cache (two sentences can say the same words
under different captions: "IOM" and "eye oh em"): through the script's spans, a number said as
three words times the one word it is written as; an engine that gives no times (gTTS), or words
that cannot be matched, has the sentence shared out among the caption's words by their phonemes.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ...store.cache import Cache, cache_key
from ...text.narration_plan import NarrationPlan, Sentence
from ...text.speech import SpeechScript
from ...text.words import words
from .stream import RATE, SpokenClip
from .tts import Engine, SpeechClip, Voice, get_engine
from .words import Span, shared_out

if TYPE_CHECKING:
    from ...workers.task import Worker

log = logging.getLogger(__name__)

SYNTHESIS_VERSION = 7  # bump when trimming, resampling or word timing changes, so cached clips are remade
SILENCE = 0.01  # amplitude below which a clip's ends count as silence (-40 dBFS)
MARGINS = (0.03, 0.08)  # seconds kept before the first and after the last sound (soft consonants)


@dataclass(frozen=True)
class SaidSentence:
    """One sentence as a worker speaks it and the cache keeps it: 16-bit mono PCM at RATE, trimmed,
    and the times of the words said."""

    pcm: np.ndarray
    said: tuple[Span, ...] | None  # per word of the script's text (text.words); None: the engine gave none


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence spoken under its caption: 16-bit mono PCM at RATE, trimmed, and its words' times."""

    pcm: np.ndarray
    words: tuple[Span, ...]  # per word of the sentence's text (text.words): samples [begin, end) in pcm
    estimated: bool = False  # the engine gave no word times: they are shared out by phonemes


def sentence_key(script: SpeechScript, voice: Voice) -> str:
    """What one sentence's sound is made from: what is said (not where it is in the captions), who says
    it, and the code that turns a script into the engine's input."""
    said = [(t.text, t.lang, t.phonemes, t.joined) for t in script.tokens]
    return cache_key("sentence", SYNTHESIS_VERSION, RATE, script.lang, said, voice.engine, voice.name,
                     voice.lang, voice.version, voice.settings, engine_code(voice.engine))


@lru_cache(maxsize=8)
def engine_code(engine: str) -> str:
    """A digest of storyexport's own code for one engine (its module, the IPA conversion and its
    corpora, the word timing): a change there re-synthesizes that engine's sentences, and only those."""
    from importlib import resources

    package = resources.files("storyexport")
    files = [package / "formats/audio/tts" / f"{engine}.py", package / "formats/audio/tts/phonemes.py",
             package / "formats/audio/words.py",
             *sorted(package.joinpath("assets/phonemes").iterdir(), key=lambda f: f.name)]
    return cache_key(*[f.read_bytes() for f in files])


def spoken_clips(plan: NarrationPlan, scripts: dict[str, SpeechScript], voice: Voice, cache: Cache,
                 speak: Callable[[Sentence], Future], progress: Callable[[str, int, int], None],
                 ) -> dict[str, SpokenClip]:
    """Every sentence of `plan` spoken by `voice` from its script (by sentence id) and in the cache,
    from an earlier run or now; `speak(sentence)` starts speaking one (speak_sentence, as a task).
    Only each clip's key, length and word times are kept: its sound stays in the cache.

    A sentence said twice (a repeated credit line) is synthesized once.
    """
    keys = {sentence.id: sentence_key(scripts[sentence.id], voice) for sentence in plan.sentences}
    clips: dict[str, tuple[int, tuple[Span, ...] | None]] = {}  # by cache key: samples, the words said
    missing: dict[str, Sentence] = {}
    for sentence in plan.sentences:
        key = keys[sentence.id]
        if key in clips or key in missing:
            continue
        if (hit := cache.get(key, kind="sentence")) and "said" in hit[1]:
            said = hit[1]["said"]
            clips[key] = (len(hit[0]) // 2, tuple(map(tuple, said)) if said is not None else None)
        else:
            missing[key] = sentence
    task, total = f"narration {plan.lang} ({voice.engine})", len(set(keys.values()))
    progress(task, len(clips), total)
    if missing:
        log.info("narration %s: synthesizing %d of %d sentences with %s", plan.lang, len(missing), total,
                 voice.engine)
    speaking = {key: speak(sentence) for key, sentence in missing.items()}  # all at once, in order
    for key in missing:
        spoken = speaking.pop(key).result()  # let go of each sentence's sound once it is cached
        said = [list(w) for w in spoken.said] if spoken.said is not None else None
        cache.put(key, spoken.pcm.tobytes(), {"id": missing[key].id, "said": said}, kind="sentence")
        clips[key] = (len(spoken.pcm), spoken.said)
        progress(task, len(clips), total)  # raises KeyboardInterrupt when the run is interrupted
    spoken: dict[str, SpokenClip] = {}
    for sentence in plan.sentences:
        length, said = clips[keys[sentence.id]]
        words_said = caption_words(scripts[sentence.id], sentence.text, voice.lang, length, said)
        spoken[sentence.id] = SpokenClip(keys[sentence.id], length, *words_said)
    return spoken


def speak_sentence(worker: Worker, voice: Voice, offline: bool, script: SpeechScript) -> SaidSentence:
    """A task: one sentence spoken by `voice` from its script, trimmed and resampled to 16-bit PCM at
    RATE, with the times of the words said."""
    return say(get_engine(voice.engine, offline, worker.engines), voice, script)


def say(engine: Engine, voice: Voice, script: SpeechScript) -> SaidSentence:
    """`script` spoken by `engine` in `voice`: trimmed, resampled to RATE, its words' times moved along."""
    clip = engine.synthesize(script, voice)
    trimmed, cut = trim(np.asarray(clip.samples, np.float32), clip.rate)
    samples = resample(trimmed, clip.rate, RATE)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
    matched = clip.words is not None and len(clip.words) == len(words(script.text))
    return SaidSentence(pcm, moved(clip, cut, len(pcm)) if matched else None)


def speak(engine: Engine, voice: Voice, script: SpeechScript, text: str) -> SpokenSentence:
    """`script` spoken by `engine` in `voice` (`say`), its words' times put on the words of `text`, the caption."""
    said = say(engine, voice, script)
    return SpokenSentence(said.pcm, *caption_words(script, text, voice.lang, len(said.pcm), said.said))


def caption_words(script: SpeechScript, text: str, lang: str, length: int,
                  said: tuple[Span, ...] | None) -> tuple[tuple[Span, ...], bool]:
    """The times of the words of `text` (the caption) in a clip of `length` samples, from the times
    of the words `said` (None: the engine gave none) through the script's spans; and whether they
    are estimated instead (shared out by phonemes)."""
    shown = script.caption_word_spans(text, said) if said is not None else None
    if shown is None:
        return estimated_words(text, lang, length), True
    return shown, False


def moved(clip: SpeechClip, cut: int, length: int) -> tuple[Span, ...]:
    """The clip's word times after `cut` samples were trimmed off its start and it was resampled
    to RATE (`length` samples): in order, inside the clip."""
    def place(sample: int) -> int:
        return min(length, max(0, round((sample - cut) * RATE / clip.rate)))

    spans, floor = [], 0
    for begin, end in clip.words or ():
        begin = max(floor, place(begin))
        floor = max(begin, place(end))
        spans.append((begin, floor))
    return tuple(spans)


def estimated_words(text: str, lang: str, length: int) -> tuple[Span, ...]:
    """The clip shared out among the words of `text` in proportion to their phonemes (as eSpeak NG
    would say them; their letters when eSpeak NG is missing)."""
    found = words(text)
    tokens = [text[w.token_start:w.token_end] for w in found]
    try:
        said = get_engine("espeak").phonemes(tokens, lang)  # type: ignore[attr-defined]
        weights = [sum(unicodedata.category(c) in ("Ll", "Lu", "Lo") for c in ipa) or 1 for ipa in said]
    except (ImportError, OSError, RuntimeError, ValueError):
        weights = [sum(c.isalnum() for c in token) or 1 for token in tokens]
    return tuple(shared_out(weights, 0, length))


def trim(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """The clip without its leading and trailing silence (but a short margin kept each side), and
    how many samples were cut from its start."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size == 0:  # nothing audible: keep a moment of silence so the sentence has a place
        return np.zeros(int(0.1 * rate), np.float32), 0
    start = max(0, loud[0] - int(MARGINS[0] * rate))
    end = min(len(samples), loud[-1] + 1 + int(MARGINS[1] * rate))
    return samples[start:end], int(start)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or samples.size == 0:
        return samples
    import soxr

    return soxr.resample(samples, rate, target, quality="HQ").astype(np.float32)

