"""Pieces of one sentence said separately (an engine that speaks one language per request) joined
into one clip without clicks: silences trimmed, each piece faded in and out over a few
milliseconds, a short breath between them. The sentence stays one clip, so it keeps one timing."""

from __future__ import annotations

import numpy as np

from .synthesis import resample, trim
from .tts import SpeechClip

GAP = 0.06  # seconds between two pieces: a word boundary, not a pause
FADE = 0.005  # seconds of raised-cosine fade at each end of a piece


def joined(clips: list[SpeechClip]) -> SpeechClip:
    """The clips as one, at the first clip's rate."""
    rate = clips[0].rate
    gap = np.zeros(round(GAP * rate), np.float32)
    parts: list[np.ndarray] = []
    for index, clip in enumerate(clips):
        trimmed, _ = trim(np.asarray(clip.samples, np.float32), clip.rate)
        samples = resample(trimmed, clip.rate, rate)
        parts += ([gap] if index else []) + [faded(samples, rate)]
    return SpeechClip(np.concatenate(parts), rate)


def faded(samples: np.ndarray, rate: int) -> np.ndarray:
    """The samples with a short fade in and out, so the join has no step (a click)."""
    length = min(round(FADE * rate), len(samples) // 2)
    if length == 0:
        return samples
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, length))).astype(np.float32)
    out = samples.copy()
    out[:length] *= ramp
    out[-length:] *= ramp[::-1]
    return out
