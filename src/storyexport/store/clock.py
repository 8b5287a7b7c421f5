"""The one timestamp every output carries: SOURCE_DATE_EPOCH, else the story's date."""

from __future__ import annotations

import datetime as dt
import os

from ..errors import UsageError
from ..model import Story

FALLBACK = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def build_time(story: Story) -> dt.datetime:
    """When the outputs say they were made: reproducible, never the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
    if story.date:
        return dt.datetime.combine(story.date, dt.time(), tzinfo=dt.timezone.utc)
    return FALLBACK


def zip_time(story: Story) -> tuple[int, int, int, int, int, int]:
    """The build time as a ZIP entry date (which cannot be before 1980)."""
    moment = max(build_time(story), dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
