"""How sizes and durations are written everywhere (pages, books, captions, tags, the console)."""

from __future__ import annotations

from .labels import label


def decimal(value: float, lang: str, places: int = 1) -> str:
    """A number with the language's decimal mark: 1.2 / 1,2."""
    return f"{value:.{places}f}".replace(".", label(lang, "decimal_mark"))


def file_size(size: int, lang: str = "en") -> str:
    """Decimal units with the language's decimal mark: "340 KB", "1.2 MB" (es: "1,2 MB")."""
    if size >= 1_000_000:
        return f"{decimal(size / 1_000_000, lang)} MB"
    return f"{max(1, round(size / 1000))} KB"


def clock(ms: float, hour_digits: int = 0, millis: bool = False) -> str:
    """A duration as a clock reading.

    hour_digits=0 shows hours only when there are some, for people: "4:05", "1:02:03". With 1 or 2
    the hours are always there with at least that many digits: "0:01:02.345" is a SMIL clock
    value, "00:01:02.345" a WebVTT timestamp. Without `millis` the time is rounded to the second.
    """
    whole_ms = round(ms) if millis else round(ms / 1000) * 1000
    seconds, fraction = divmod(whole_ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    tail = f".{fraction:03d}" if millis else ""
    if hour_digits == 0 and hours == 0:
        return f"{minutes}:{seconds:02d}{tail}"
    return f"{hours:0{max(hour_digits, 1)}d}:{minutes:02d}:{seconds:02d}{tail}"


def minutes_and_seconds(ms: float) -> str:
    """A duration in words' stead, the same in English and Spanish: "4 min 12 s", "45 s"."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
