"""Checks of the narration files: they decode, last as long as their timings say, captions fit."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..formats.audio.vtt import MAX_LINE, MAX_SECONDS
from ..text.timings import load_timings
from .checks import Check, failed, passed, warned

CUE_TIMING = re.compile(r"^(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})")
TOLERANCE_SECONDS = 0.1  # an encoder's padding at the end, at most


def _decoded_seconds(path: Path) -> float:
    import soundfile

    info = soundfile.info(str(path))
    return info.frames / info.samplerate


def check_audio(path: Path, timings_file: Path) -> list[Check]:
    """An MP3 or Opus file: it decodes, and matches the timings written beside it."""
    name = f"audio.{path.suffix[1:]}"
    try:
        seconds = _decoded_seconds(path)
    except Exception as exc:  # soundfile raises its own error types per codec
        return [failed(name, f"does not decode: {exc}")]
    checks = [passed(name, f"decodes: {seconds:.1f} s")]
    timings = load_timings(timings_file)
    if timings is None:
        return checks + [warned(f"{name}.timings", "no timings file beside the audio")]
    difference = seconds - timings.duration
    if abs(difference) > TOLERANCE_SECONDS:
        checks.append(failed(f"{name}.timings", f"lasts {seconds:.3f} s but the timings say "
                             f"{timings.duration:.3f} s: captions and read-aloud would drift"))
    else:
        checks.append(passed(f"{name}.timings", f"{len(timings.sentences)} sentences timed exactly "
                             f"({timings.engine_name}, voice {timings.voice})"))
    checks += [warned(f"{name}.engine", note) for note in timings.notes]
    return checks + [check_loudness(path, name)]


def check_loudness(path: Path, name: str) -> Check:
    """Integrated loudness and true peak of the file as players decode it (BS.1770-4)."""
    from ..formats.audio.encode import decoded_chunks
    from ..formats.audio.loudness import CEILING_DBTP, TARGET_LUFS, measure

    rate, chunks = decoded_chunks(path)
    measured = measure(chunks, rate)
    figures = {"integrated_lufs": round(float(measured.integrated_lufs), 2),
               "true_peak_dbtp": round(float(measured.true_peak_dbtp), 2)}
    said = (f"{measured.integrated_lufs:.1f} LUFS integrated, true peak {measured.true_peak_dbtp:.1f} dBTP "
            f"(spoken word: {TARGET_LUFS:.0f} ± 1 LU, at most {CEILING_DBTP} dBTP)")
    if measured.within():
        return passed(f"{name}.loudness", said, figures)
    return failed(f"{name}.loudness", said + ": listeners would turn it up and down, or hear it clip", figures)


def check_captions(path: Path, timings_file: Path) -> list[Check]:
    """A WebVTT file: well formed, cues in order, none past the end of the narration, each one
    readable (at most two lines of MAX_LINE characters, at most MAX_SECONDS)."""
    lines = path.read_text("utf-8").splitlines()
    if not lines or not lines[0].startswith("WEBVTT"):
        return [failed("captions", "not a WebVTT file (no WEBVTT header)")]
    cues, previous_end = _cues(lines), 0.0
    for number, (start, end, text) in enumerate(cues, start=1):
        if end <= start or start < previous_end - 0.0005:
            return [failed("captions", f"cue {number} is out of order or empty")]
        if len(text) > 2 or any(len(line) > MAX_LINE for line in text) or end - start > MAX_SECONDS + 0.0005:
            return [failed("captions", f"cue {number} is too long to read: {len(text)} lines, the longest of "
                            f"{max(map(len, text), default=0)} characters, {end - start:.1f} s")]
        previous_end = end
    timings = load_timings(timings_file)
    if timings and previous_end > timings.duration + 0.0005:
        return [failed("captions", f"the last cue ends at {previous_end:.3f} s, after the audio")]
    if timings and len(cues) < len(timings.sentences):
        return [failed("captions", f"{len(cues)} cues for {len(timings.sentences)} narrated sentences")]
    return [passed("captions", f"{len(cues)} cues, in order, within the audio, each at most 2 lines of "
                   f"{MAX_LINE} characters and {MAX_SECONDS:g} s")]


def _cues(lines: list[str]) -> list[tuple[float, float, list[str]]]:
    """Each cue's start and end in seconds and its lines of text as shown (up to the blank line that
    ends it; "&lt;" is one character on screen)."""
    cues: list[tuple[float, float, list[str]]] = []
    in_text = False
    for line in lines:
        if match := CUE_TIMING.match(line):
            h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
            cues.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, []))
            in_text = True
        elif not line.strip():
            in_text = False
        elif in_text:
            cues[-1][2].append(html.unescape(line))
    return cues
