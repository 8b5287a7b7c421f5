"""The narration player's data: the audio files, captions and sentence times of one language.

The audio builder writes `<slug>.<lang>.timings.json` (see timings.py) beside the audio and the
WebVTT captions; the page offers them only when those timings were made for exactly the
current narration plan, so a page never highlights the wrong sentence.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from ...model import Story
from ...text.labels import decimal
from ...text.narration_plan import NarrationPlan
from ...text.timings import load_timings, timings_path

log = logging.getLogger(__name__)
AUDIO_FOLDER = "audio"
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
class Narration:
    lang: str
    files: tuple[AudioFile, ...]  # smallest first, as the player should try them
    captions: str | None  # the WebVTT file name, if there is one
    duration: float  # seconds
    engine: str
    sentences: str  # JSON: [[sentence id, begin, end], ...] in seconds, for the highlighting script

    def copies(self) -> tuple[str, ...]:
        """The files the page links to, which html/audio/ must hold."""
        return tuple(f.name for f in self.files) + ((self.captions,) if self.captions else ())


def find_narration(story: Story, lang: str, plan: NarrationPlan, folder: Path) -> Narration | None:
    """The narration of `lang` in `folder`, or None when there is none or it is out of date."""
    timings = load_timings(timings_path(folder, story.slug, lang))
    if timings is None:
        return None
    if not timings.matches(plan):
        log.warning("the %s narration was made for an older version of the text; the %s page has no "
                    "player until `storyexport audio` is run again", lang, lang)
        return None
    files = [_audio_file(folder, name) for name in timings.audio]
    files = sorted((f for f in files if f), key=lambda f: list(AUDIO_TYPES).index(Path(f.name).suffix))
    if not files:
        return None
    captions = f"{story.slug}.{lang}.vtt"
    cues = [[s.id, round(timings.seconds(s.begin), 3), round(timings.seconds(s.end), 3)]
            for s in timings.sentences]
    return Narration(lang, tuple(files), captions if (folder / captions).is_file() else None,
                     timings.duration, timings.engine_name, json.dumps(cues, separators=(",", ":")))


def _audio_file(folder: Path, name: str) -> AudioFile | None:
    """The audio file `name` of the output folder; None for another kind of file or a path."""
    path = folder / name
    if Path(name).name != name or name.startswith(".") or path.suffix not in AUDIO_TYPES or not path.is_file():
        return None
    media_type, kind = AUDIO_TYPES[path.suffix]
    return AudioFile(name, media_type, kind, path.stat().st_size)


def file_size(size: int, lang: str) -> str:
    """"1.2 MB", "340 KB"; with the language's decimal mark."""
    if size >= 1_000_000:
        return f"{decimal(size / 1_000_000, lang)} MB"
    return f"{max(1, round(size / 1000))} KB"


def clock_time(seconds: float) -> str:
    """"4:05" for a duration; hours when needed ("1:02:03")."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
