"""WebVTT captions: one cue per sentence, with the very timings of the audio."""

from __future__ import annotations

from ...text.timings import NarrationTimings
from ...text.units import clock


def webvtt(timings: NarrationTimings) -> str:
    """The captions of one language's narration (cue ids are the sentence ids)."""
    lines = ["WEBVTT", ""]
    for sentence in timings.sentences:
        lines += [sentence.id, f"{timestamp(sentence.begin, timings.sample_rate)} --> "
                  f"{timestamp(sentence.end, timings.sample_rate)}", _escape(sentence.text), ""]
    return "\n".join(lines)


def timestamp(samples: int, rate: int) -> str:
    """A sample position as HH:MM:SS.mmm (WebVTT, and Opus chapter comments)."""
    return clock(round(samples * 1000 / rate), hour_digits=2, millis=True)


def _escape(text: str) -> str:
    """Cue text with WebVTT's three special characters escaped (so "-->" cannot end up in it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
