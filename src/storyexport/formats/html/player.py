"""The narration player's data: the audio files, captions and sentence times of one language.

The page offers the narration only when the audio builder's timings were made for exactly the
current narration plan (text.timings.recorded_timings), so a page never highlights the wrong
sentence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...model import Story
from ...store.layout import CAPTIONS
from ...text.narration_plan import NarrationPlan
from ...text.timings import NarrationTimings, recorded_timings

AUDIO_TYPES = {  # extension: (media type, name shown on the download link); the player tries them in order
    ".opus": ("audio/ogg; codecs=opus", "Opus"),
    ".ogg": ("audio/ogg", "Ogg"),
    ".m4a": ("audio/mp4", "M4A"),
    ".mp3": ("audio/mpeg", "MP3"),
}


@dataclass(frozen=True)
class AudioFile:
    name: str  # file name, in the story's output folder and under html/audio/
    media_type: str
    kind: str  # "MP3", "Opus"
    size: int  # bytes


@dataclass(frozen=True)
class PageNarration:
    """What one language's page plays: its audio files, captions and sentence times."""

    lang: str
    files: tuple[AudioFile, ...]  # smallest first, as the player should try them
    captions: str | None  # the WebVTT file name, if there is one
    duration: float  # seconds
    engine: str
    sentences: str  # JSON: [[sentence id, begin, end, [[word begin, word end], ...]], ...] in seconds:
    # word K (from 1) of a sentence is the element "<id>wK" (text.words), for the read-along script

    @property
    def shows_captions(self) -> bool:
        """The page shows captions: its captions panel plays the WebVTT file's cues (an <audio>
        element's own track is never displayed, so a track alone would not count)."""
        return self.captions is not None

    def copies(self) -> tuple[str, ...]:
        """The files the page links to, which html/audio/ must hold."""
        return tuple(f.name for f in self.files) + ((self.captions,) if self.captions else ())


def page_narration(story: Story, plan: NarrationPlan, folder: Path) -> PageNarration | None:
    """The narration of the plan's language in `folder`, or None when there is none or it is out of date."""
    lang = plan.lang
    timings = recorded_timings(folder, story.slug, plan, f"the {lang} page has no player")
    if timings is None:
        return None
    files = [_audio_file(folder, name) for name in timings.audio]
    files = sorted((f for f in files if f), key=lambda f: list(AUDIO_TYPES).index(Path(f.name).suffix))
    if not files:
        return None
    captions = CAPTIONS.name(story.slug, lang)
    cues = [[s.id, _seconds(timings, s.begin), _seconds(timings, s.end),
             [[_seconds(timings, w.begin), _seconds(timings, w.end)] for w in s.words]] for s in timings.sentences]
    return PageNarration(lang, tuple(files), captions if (folder / captions).is_file() else None,
                         timings.duration, timings.engine_name, json.dumps(cues, separators=(",", ":")))


def _seconds(timings: NarrationTimings, samples: int) -> float:
    return round(timings.seconds(samples), 3)


def _audio_file(folder: Path, name: str) -> AudioFile | None:
    """The audio file `name` of the output folder; None for another kind of file or a path."""
    path = folder / name
    if Path(name).name != name or name.startswith(".") or path.suffix not in AUDIO_TYPES or not path.is_file():
        return None
    media_type, kind = AUDIO_TYPES[path.suffix]
    return AudioFile(name, media_type, kind, path.stat().st_size)
