"""The narration a book can carry: the audio builder's timings for this exact text, and its MP3."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ...model import Story
from ...store.layout import TIMINGS
from ...text.narration_plan import NarrationPlan
from ...text.timings import NarrationTimings, recorded_timings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedNarration:
    timings: NarrationTimings
    audio: Path  # the MP3, in the output folder (copied into the book when it is written)

    @property
    def narrator(self) -> str:
        return f"{self.timings.engine_name} {self.timings.voice}".strip()


def book_narration(folder: Path, story: Story, plan: NarrationPlan) -> RecordedNarration | None:
    """The narration in `folder` made for exactly this plan, or None (the book is then text-only)."""
    consequence = f"the {plan.lang} EPUB will be text-only"
    timings = recorded_timings(folder, story.slug, plan, consequence)
    if timings is None:
        return None
    name = next((n for n in timings.audio if n.lower().endswith(".mp3")), None)
    if name is None or Path(name).name != name or not (folder / name).is_file():
        log.warning("%s: the %s narration MP3 named in %s is missing; %s", story.slug, plan.lang,
                    TIMINGS.name(story.slug, plan.lang), consequence)
        return None
    return RecordedNarration(timings, folder / name)
