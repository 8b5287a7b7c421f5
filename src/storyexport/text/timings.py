"""Narration timings: where each sentence lies in a language's audio, shared by audio, EPUB and HTML.

The audio builder writes `<slug>.<lang>.timings.json` beside the audio; the EPUB's media
overlays, the HTML player's highlighting, the WebVTT captions and the ID3 chapters all read
these same numbers. Positions are sample counts in the decoded audio, so they are exact.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from ..formats.audio.tts import ENGINES
from ..store.layout import TIMINGS
from ..store.output import write_text
from .narration_plan import NarrationPlan

log = logging.getLogger(__name__)

ENGINE_WORDS = "engine"  # each word's time as the engine spoke it
ESTIMATED_WORDS = "estimated"  # the engine gives no word times: shared out by phonemes inside each sentence


@dataclass(frozen=True)
class WordTiming:
    """When one word of a sentence (text.words) is spoken."""

    chars: tuple[int, int]  # the word's characters in its sentence's text: [start, end)
    begin: int  # first sample, in the whole narration
    end: int  # one past the last sample


@dataclass(frozen=True)
class SentenceTiming:
    id: str  # the narration plan's sentence id (and the element id in the renders)
    text: str
    begin: int  # first sample
    end: int  # one past the last sample
    words: tuple[WordTiming, ...] = ()  # every word of the text, in order, inside [begin, end)


@dataclass(frozen=True)
class ChapterTiming:
    title: str
    begin: int
    end: int


@dataclass(frozen=True)
class NarrationTimings:
    lang: str
    sample_rate: int
    samples: int  # the whole audio
    engine: str
    voice: str
    audio: tuple[str, ...]  # the audio files these timings describe, e.g. ("x.en.mp3", "x.en.opus")
    sentences: tuple[SentenceTiming, ...]
    chapters: tuple[ChapterTiming, ...]
    notes: tuple[str, ...] = ()  # what went wrong on the way, e.g. an engine that failed mid-way
    word_timing: str = ENGINE_WORDS  # where the word times come from: ENGINE_WORDS or ESTIMATED_WORDS

    @property
    def engine_name(self) -> str:
        """The engine as readers should see it: "eSpeak NG", not "espeak"."""
        return ENGINES.get(self.engine, self.engine)

    def seconds(self, samples: int) -> float:
        return samples / self.sample_rate

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate

    def matches(self, plan: NarrationPlan) -> bool:
        """True when these timings were made for exactly this plan (same ids, same words)."""
        return [(s.id, s.text) for s in self.sentences] == [(s.id, s.text) for s in plan.sentences]


def save_timings(path: Path, timings: NarrationTimings) -> Path:
    return write_text(path, json.dumps(asdict(timings), indent=1, ensure_ascii=False) + "\n")


def load_timings(path: Path) -> NarrationTimings | None:
    """The timings at `path`, or None when there are none or they cannot be read."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return NarrationTimings(
            lang=data["lang"], sample_rate=int(data["sample_rate"]), samples=int(data["samples"]),
            engine=data["engine"], voice=data["voice"], audio=tuple(data["audio"]),
            sentences=tuple(_sentence(s) for s in data["sentences"]),
            chapters=tuple(ChapterTiming(**c) for c in data["chapters"]), notes=tuple(data.get("notes", ())),
            word_timing=data.get("word_timing", ESTIMATED_WORDS))  # older files have no words
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _sentence(data: dict) -> SentenceTiming:
    """One sentence as saved; timings written before words were timed read with no words."""
    words = tuple(WordTiming(tuple(w["chars"]), int(w["begin"]), int(w["end"])) for w in data.get("words", ()))
    return SentenceTiming(data["id"], data["text"], int(data["begin"]), int(data["end"]), words)


def recorded_timings(folder: Path, slug: str, plan: NarrationPlan, consequence: str) -> NarrationTimings | None:
    """The timings the audio builder wrote in `folder` for exactly this plan, or None.

    Every format that plays the narration (the page's player, the EPUB's media overlays) reads it
    through here. Timings made for another version of the text are not used: a warning says so,
    and what that means for the format asking (`consequence`, e.g. "the es page has no player").
    """
    timings = load_timings(TIMINGS.path(folder, slug, plan.lang))
    if timings is None:
        log.debug("%s: no %s narration timings; %s", slug, plan.lang, consequence)
        return None
    if not timings.matches(plan):
        log.warning("%s: the %s narration was made for an older version of the text; %s until "
                    "`storyexport audio` is run again", slug, plan.lang, consequence)
        return None
    return timings
