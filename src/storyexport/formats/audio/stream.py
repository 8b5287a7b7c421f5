"""One language's narration as a stream: timed from its clips' lengths, read back from the cache.

The clips are joined with fixed pauses chosen by the plan (sentence, paragraph, section), so each
sentence's begin and end, and each word's, are sample counts: exact, whatever the engine. No
array ever holds more than one sentence or one chunk, so memory stays the same however long the
story is: `NarrationAudio.pieces()` reads the clips from the sentence cache each time it is
iterated, and `chunks()` cuts that stream into the fixed chunks the loudness code works on
(the same chunks as when the narration was one array, so the same bytes come out).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ...errors import BuildError
from ...store.cache import Cache
from ...text.narration_plan import NarrationPlan
from ...text.timings import ChapterTiming, SentenceTiming, WordTiming
from ...text.words import words
from .loudness import PCM_CHUNK
from .words import Span

RATE = 24000
PAUSES = {"none": 0.3, "sentence": 0.35, "paragraph": 0.75, "section": 1.25}  # seconds of silence before
TAIL = 0.6  # seconds of silence after the last sentence


@dataclass(frozen=True)
class SpokenClip:
    """A spoken sentence as the narration keeps it: where its sound is in the cache, not the sound."""

    key: str  # the sentence cache's key (synthesis.sentence_key)
    samples: int
    words: tuple[Span, ...]  # per word of the sentence's text (text.words): samples [begin, end) in the clip
    estimated: bool = False  # the engine gave no word times: they are shared out by phonemes


@dataclass(frozen=True)
class NarrationAudio:
    """One language's narration: where each sentence lies, and its 16-bit mono PCM at `rate` as a
    stream read from the sentence cache."""

    rate: int
    samples: int  # the whole narration
    sentences: tuple[SentenceTiming, ...]
    chapters: tuple[ChapterTiming, ...]
    clips: tuple[str, ...]  # each sentence's cache key, in the order of `sentences`
    estimated: int = 0  # sentences whose word times are estimated, not the engine's

    def pieces(self, cache: Cache) -> Iterator[np.ndarray]:
        """The PCM as it plays, as read from `cache` now: a pause, a sentence, ..., the tail."""
        position = 0
        for timing, key in zip(self.sentences, self.clips):
            yield np.zeros(timing.begin - position, np.int16)
            yield _clip(cache, key, timing.end - timing.begin)
            position = timing.end
        yield np.zeros(self.samples - position, np.int16)

    def chunks(self, cache: Cache) -> Iterator[np.ndarray]:
        """The PCM as float samples in [-1, 1), PCM_CHUNK at a time (the last one shorter)."""
        for chunk in rechunked(self.pieces(cache)):
            yield chunk.astype(np.float64) / 32768


def _clip(cache: Cache, key: str, length: int) -> np.ndarray:
    hit = cache.get(key, kind="sentence", counted_as="narration")  # not a synthesis lookup
    if hit is None or len(hit[0]) != 2 * length:  # the output folder's lock keeps other runs out
        raise BuildError("a sentence's audio disappeared from the cache while the narration was being "
                         "written; run storyexport again")
    return np.frombuffer(hit[0], np.int16)


def rechunked(pieces: Iterable[np.ndarray], size: int = PCM_CHUNK) -> Iterator[np.ndarray]:
    """The samples of `pieces`, in order, as arrays of `size` samples (the last one shorter)."""
    held: list[np.ndarray] = []
    count = 0
    for piece in pieces:
        while piece.size:
            take = piece[:size - count]
            held.append(take)
            count += take.size
            piece = piece[take.size:]
            if count == size:
                yield np.concatenate(held)
                held, count = [], 0
    if count:
        yield np.concatenate(held)


def narration(plan: NarrationPlan, clips: Mapping[str, SpokenClip]) -> NarrationAudio:
    """The plan's clips (by sentence id) joined by the plan's pauses; the sentences' and words'
    times are the running sample count."""
    sentences, chapter_starts, position, estimated = [], [], 0, 0
    for sentence in plan.sentences:
        if sentence.chapter:
            chapter_starts.append((sentence.chapter, 0 if not sentences else position))
        position += round(PAUSES[sentence.pause] * RATE)
        clip = clips[sentence.id]
        timed = tuple(WordTiming((word.start, word.end), position + begin, position + end)
                      for word, (begin, end) in zip(words(sentence.text), clip.words))
        sentences.append(SentenceTiming(sentence.id, sentence.text, position, position + clip.samples, timed))
        position += clip.samples
        estimated += clip.estimated
    samples = position + round(TAIL * RATE)
    ends = [begin for _, begin in chapter_starts[1:]] + [samples]
    chapters = tuple(ChapterTiming(title, begin, end) for (title, begin), end in zip(chapter_starts, ends))
    return NarrationAudio(RATE, samples, tuple(sentences), chapters,
                          tuple(clips[sentence.id].key for sentence in plan.sentences), estimated)
