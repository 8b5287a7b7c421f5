"""One language's narration as a stream: timed from its clips' lengths, read back from the cache.

The clips are joined with fixed pauses chosen by the plan (sentence, paragraph, section), so each
sentence's begin and end are sample counts: exact, whatever the engine. No array ever holds more
than one sentence, so memory stays the same however long the story is: `pieces()` reads the
clips from the sentence cache each time it is iterated. The narration's level is set in two
passes over that stream, here and nowhere else: `narration_gain` measures the whole narration,
then `levelled` applies the gain piece by piece, once for each encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ...errors import BuildError
from ...store.cache import Cache
from ...text.narration_plan import NarrationPlan
from ...text.timings import ChapterTiming, SentenceTiming

RATE = 24000
PAUSES = {"none": 0.3, "sentence": 0.35, "paragraph": 0.75, "section": 1.25}  # seconds of silence before
TAIL = 0.6  # seconds of silence after the last sentence
PEAK = 0.89  # the whole narration is scaled to peak at -1 dBFS


@dataclass(frozen=True)
class NarrationAudio:
    """One language's narration: where each sentence lies, and its 16-bit mono PCM at `rate`."""

    rate: int
    samples: int  # the whole narration
    sentences: tuple[SentenceTiming, ...]
    chapters: tuple[ChapterTiming, ...]
    clips: tuple[str, ...]  # each sentence's cache key, in the order of `sentences`
    cache: Cache

    def pieces(self) -> Iterator[np.ndarray]:
        """The PCM as it plays, as read from the cache now: a pause, a sentence, ..., the tail."""
        position = 0
        for timing, key in zip(self.sentences, self.clips):
            yield np.zeros(timing.begin - position, np.int16)
            yield self._clip(key, timing.end - timing.begin)
            position = timing.end
        yield np.zeros(self.samples - position, np.int16)

    def _clip(self, key: str, length: int) -> np.ndarray:
        hit = self.cache.get(key, kind="sentence", counted_as="narration")  # not a synthesis lookup
        if hit is None or len(hit[0]) != 2 * length:  # the output folder's lock keeps other runs out
            raise BuildError("a sentence's audio disappeared from the cache while the narration was being "
                             "written; run storyexport again")
        return np.frombuffer(hit[0], np.int16)


def narration(plan: NarrationPlan, keys: Mapping[str, str], lengths: Mapping[str, int], cache: Cache) -> NarrationAudio:
    """The plan's clips (`keys`: cache key by sentence id; `lengths`: samples by cache key) joined
    by the plan's pauses; timings are the running sample count."""
    sentences, chapter_starts, position = [], [], 0
    for sentence in plan.sentences:
        if sentence.chapter:
            chapter_starts.append((sentence.chapter, 0 if not sentences else position))
        position += round(PAUSES[sentence.pause] * RATE)
        length = lengths[keys[sentence.id]]
        sentences.append(SentenceTiming(sentence.id, sentence.text, position, position + length))
        position += length
    samples = position + round(TAIL * RATE)
    ends = [begin for _, begin in chapter_starts[1:]] + [samples]
    chapters = tuple(ChapterTiming(title, begin, end) for (title, begin), end in zip(chapter_starts, ends))
    return NarrationAudio(RATE, samples, tuple(sentences), chapters,
                          tuple(keys[sentence.id] for sentence in plan.sentences), cache)


def narration_gain(pieces: Callable[[], Iterable[np.ndarray]]) -> float:
    """The first pass over the narration: the gain that brings its peak to PEAK (1 for silence)."""
    peak = max((int(np.abs(piece.astype(np.int32)).max()) for piece in pieces() if piece.size), default=0)
    return PEAK * 32767 / peak if peak else 1.0


def levelled(pieces: Iterable[np.ndarray], gain: float) -> Iterator[np.ndarray]:
    """The second pass: each piece with the gain applied, as 16-bit PCM."""
    for piece in pieces:
        yield np.clip(np.round(piece.astype(np.float64) * gain), -32768, 32767).astype(np.int16)
