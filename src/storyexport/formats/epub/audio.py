"""The narration a book can carry: the audio builder's timings for this exact text, and its MP3."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ...model import Story
from ...text.narration_plan import NarrationPlan
from ...text.timings import NarrationTimings, load_timings, timings_path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedNarration:
    timings: NarrationTimings
    audio_name: str  # the MP3's file name in the output folder
    audio: bytes

    @property
    def narrator(self) -> str:
        return f"{self.timings.engine_name} {self.timings.voice}".strip()


def find_narration(folder: Path, story: Story, plan: NarrationPlan) -> RecordedNarration | None:
    """The narration in `folder` made for exactly this plan, or None (the book is then text-only)."""
    path = timings_path(folder, story.slug, plan.lang)
    timings = load_timings(path)
    if timings is None:
        log.info("%s: no %s narration timings (%s); the EPUB will be text-only", story.slug, plan.lang, path.name)
        return None
    if not timings.matches(plan):
        log.warning("%s: %s was made for another version of the %s text; the EPUB will be text-only "
                    "until the audio is rebuilt (storyexport audio)", story.slug, path.name, plan.lang)
        return None
    name = next((n for n in timings.audio if n.lower().endswith(".mp3")), None)
    if name is None or Path(name).name != name or not (folder / name).is_file():
        log.warning("%s: the %s narration MP3 named in %s is missing; the EPUB will be text-only",
                    story.slug, plan.lang, path.name)
        return None
    return RecordedNarration(timings, name, (folder / name).read_bytes())
