"""The one timestamp every output carries: SOURCE_DATE_EPOCH, else the story's date."""

from __future__ import annotations

import datetime as dt
import os

from ..errors import UsageError
from ..model import Story

FALLBACK = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.timezone.utc)  # the last moment a ZIP (EPUB) can date


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a moment, None when unset; a value no output can carry is a UsageError
    (checked before anything is built: `load_stories` calls this)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
    if not 0 <= int(epoch) <= LATEST.timestamp():
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch} is {moment:%Y-%m-%d}: give a moment from 1970 to "
                         f"{LATEST.year}, the last year an EPUB (a ZIP file) can date its contents")
    return moment


def build_time(story: Story) -> dt.datetime:
    """When the outputs say they were made: reproducible, never the wall clock."""
    if (moment := source_date_epoch()) is not None:
        return moment
    if story.date:
        return dt.datetime.combine(story.date, dt.time(), tzinfo=dt.timezone.utc)
    return FALLBACK


def zip_time(story: Story) -> tuple[int, int, int, int, int, int]:
    """The build time as a ZIP entry date (which cannot be before 1980)."""
    moment = max(build_time(story), dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
