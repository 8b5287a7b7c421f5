"""From a narration plan to one language's PCM and exact timings, one cached sentence at a time.

Each sentence is synthesized alone from its speech script (text/speech.py), its leading and
trailing silence trimmed, resampled to
24 kHz (the rate of every output, which Opus and MP3 both take) and cached by content. The clips
are joined with fixed pauses chosen by the plan (sentence, paragraph, section), so each
sentence's begin and end are sample counts: exact, whatever the engine. Each word's time
comes from the engine (formats/audio/words.py) for the words it says (the script's), moved by the
same trim and resampling, and put on the caption's words through the script's spans (a number said
as three words times the one word it is written as); an engine that gives none (gTTS), or words
that cannot be matched, has the sentence shared out among its words by their phonemes.
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
from ...text.timings import ChapterTiming, SentenceTiming, WordTiming
from ...text.words import words
from .tts import Engine, SpeechClip, Voice, get_engine
from .words import Span, shared_out

if TYPE_CHECKING:
    from ...workers.task import Worker

log = logging.getLogger(__name__)

RATE = 24000
SYNTHESIS_VERSION = 6  # bump when trimming, resampling or word timing changes, so cached clips are remade
PAUSES = {"none": 0.3, "sentence": 0.35, "paragraph": 0.75, "section": 1.25}  # seconds of silence before
TAIL = 0.6  # seconds of silence after the last sentence
SILENCE = 0.01  # amplitude below which a clip's ends count as silence (-40 dBFS)
MARGINS = (0.03, 0.08)  # seconds kept before the first and after the last sound (soft consonants)


@dataclass(frozen=True)
class SpokenSentence:
    """One sentence as the narration uses it: 16-bit mono PCM at RATE, trimmed, and its words' times."""

    pcm: np.ndarray
    words: tuple[Span, ...]  # per word of the sentence's text (text.words): samples [begin, end) in pcm
    estimated: bool = False  # the engine gave no word times: they are shared out by phonemes


@dataclass(frozen=True)
class NarrationAudio:
    """One language's narration: 16-bit mono PCM at RATE and where each sentence lies in it."""

    pcm: np.ndarray
    rate: int
    sentences: tuple[SentenceTiming, ...]
    chapters: tuple[ChapterTiming, ...]
    estimated: int = 0  # sentences whose word times are estimated, not the engine's


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
                 ) -> dict[str, SpokenSentence]:
    """Every sentence of `plan` spoken by `voice` from its script (by sentence id), from the cache
    when it was spoken before; `speak(sentence)` starts speaking one (speak_sentence, as a task).

    A sentence said twice (a repeated credit line) is synthesized once.
    """
    keys = {sentence.id: sentence_key(scripts[sentence.id], voice) for sentence in plan.sentences}
    clips: dict[str, SpokenSentence] = {}  # by cache key
    missing: dict[str, Sentence] = {}
    for sentence in plan.sentences:
        key = keys[sentence.id]
        if key in clips or key in missing:
            continue
        if (hit := cache.get(key, kind="sentence")) and "words" in hit[1]:
            clips[key] = SpokenSentence(np.frombuffer(hit[0], np.int16), tuple(map(tuple, hit[1]["words"])),
                                        bool(hit[1].get("estimated")))
        else:
            missing[key] = sentence
    task, total = f"narration {plan.lang} ({voice.engine})", len(set(keys.values()))
    progress(task, len(clips), total)
    if missing:
        log.info("narration %s: synthesizing %d of %d sentences with %s", plan.lang, len(missing), total,
                 voice.engine)
    speaking = {key: speak(sentence) for key, sentence in missing.items()}  # all at once, in order
    for key, spoken in speaking.items():
        clips[key] = clip = spoken.result()
        cache.put(key, clip.pcm.tobytes(), {"id": missing[key].id, "words": [list(w) for w in clip.words],
                                            "estimated": clip.estimated}, kind="sentence")
        progress(task, len(clips), total)  # raises KeyboardInterrupt when the run is interrupted
    return {sentence_id: clips[key] for sentence_id, key in keys.items()}


def speak_sentence(worker: Worker, voice: Voice, offline: bool, script: SpeechScript, text: str) -> SpokenSentence:
    """A task: one sentence spoken by `voice` from its script, trimmed and resampled to 16-bit PCM at
    RATE, with the times of its words (those of `text`, the caption)."""
    return speak(get_engine(voice.engine, offline, worker.engines), voice, script, text)


def speak(engine: Engine, voice: Voice, script: SpeechScript, text: str) -> SpokenSentence:
    """`script` spoken by `engine` in `voice`: trimmed, resampled to RATE, its words' times moved
    along and put on the words of `text` (the caption) through the script's spans."""
    clip = engine.synthesize(script, voice)
    trimmed, cut = trim(np.asarray(clip.samples, np.float32), clip.rate)
    samples = resample(trimmed, clip.rate, RATE)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
    shown = None
    if clip.words is not None and len(clip.words) == len(words(script.text)):
        shown = script.caption_word_spans(text, moved(clip, cut, len(pcm)))
    if shown is None:
        return SpokenSentence(pcm, estimated_words(text, voice.lang, len(pcm)), True)
    return SpokenSentence(pcm, shown)


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


def assemble(plan: NarrationPlan, clips: dict[str, SpokenSentence]) -> NarrationAudio:
    """The clips joined by the plan's pauses; timings are the running sample count."""
    parts, sentences, chapter_starts, position, estimated = [], [], [], 0, 0
    for sentence in plan.sentences:
        if sentence.chapter:
            chapter_starts.append((sentence.chapter, 0 if not sentences else position))
        gap = np.zeros(round(PAUSES[sentence.pause] * RATE), np.int16)
        clip = clips[sentence.id]
        parts += [gap, clip.pcm]
        position += len(gap)
        timed = tuple(WordTiming((word.start, word.end), position + begin, position + end)
                      for word, (begin, end) in zip(words(sentence.text), clip.words))
        sentences.append(SentenceTiming(sentence.id, sentence.text, position, position + len(clip.pcm), timed))
        position += len(clip.pcm)
        estimated += clip.estimated
    parts.append(np.zeros(round(TAIL * RATE), np.int16))
    pcm = _normalized(np.concatenate(parts))
    ends = [begin for _, begin in chapter_starts[1:]] + [len(pcm)]
    chapters = tuple(ChapterTiming(title, begin, end) for (title, begin), end in zip(chapter_starts, ends))
    return NarrationAudio(pcm, RATE, tuple(sentences), chapters, estimated)


def _normalized(pcm: np.ndarray) -> np.ndarray:
    """The narration at the spoken-word loudness, its true peaks limited (loudness.py), a piece at a time."""
    from .loudness import limited_pcm, loudness_gain, pcm_chunks

    return limited_pcm(pcm, RATE, loudness_gain(lambda: pcm_chunks(pcm), RATE))
