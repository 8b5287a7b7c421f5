"""Loudness: the streaming BS.1770-4 meter agrees with pyloudnorm, and the limiter holds the true
peak under its ceiling without moving a sample in time, whatever the chunks."""

from __future__ import annotations

import numpy as np
import pytest

from storyexport.formats.audio.loudness import (
    AIM_LUFS,
    ENVELOPE_BLOCK,
    LIMIT_DBTP,
    Limiter,
    _block_envelope,
    _peak_envelope,
    limited,
    loudness_gain,
    measure,
)

RATE = 24000


@pytest.fixture(scope="module")
def speechlike() -> np.ndarray:
    """Twenty seconds of syllable-like bursts of harmonics with pauses, peaking far above their loudness."""
    rng = np.random.default_rng(12)
    t = np.arange(RATE * 20) / RATE
    pitch = 120 + 30 * np.sin(2 * np.pi * 0.3 * t)
    voice = sum(np.sin(2 * np.pi * k * np.cumsum(pitch) / RATE) / k for k in range(1, 12))
    envelope = (np.sin(2 * np.pi * 4 * t) > 0.2) * (np.sin(2 * np.pi * 0.25 * t) > -0.6)
    clicks = (rng.random(t.size) > 0.9995) * rng.normal(0, 3, t.size)  # plosive-like peaks
    signal = (voice * envelope + clicks) * 0.05
    return signal / np.abs(signal).max() * 0.9


def chunks(signal: np.ndarray, size: int):
    return (signal[i:i + size] for i in range(0, len(signal), size))


@pytest.mark.parametrize("size", [1000, 2400, 65536, 10 ** 7])
def test_the_meter_agrees_with_pyloudnorm_in_any_chunks(speechlike, size):
    import pyloudnorm

    expected = pyloudnorm.Meter(RATE).integrated_loudness(speechlike)
    assert measure(chunks(speechlike, size), RATE).integrated_lufs == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("size", [960, 1152, 4099, 65536])
def test_the_true_peak_does_not_depend_on_the_chunks(size):
    """A codec's frames, given one by one: the peaks at their edges are those of the whole signal,
    not of each frame cut off by silence (the interpolation rings above a cut-off crest)."""
    t = np.arange(RATE * 5) / RATE
    hum = 0.5 * np.sin(2 * np.pi * 110 * t)  # true peak 0.5: -6.02 dBTP
    whole = measure([hum], RATE).true_peak_dbtp
    assert whole == pytest.approx(-6.02, abs=0.05)  # the interpolation filter's ripple
    assert measure(chunks(hum, size), RATE).true_peak_dbtp == pytest.approx(whole, abs=1e-9)


def test_true_peak_sees_between_the_samples():
    t = np.arange(RATE) / RATE
    tone = np.sin(2 * np.pi * RATE / 4 * t + np.pi / 4)  # a quarter-rate tone sampled at ±0.707 only
    assert np.abs(tone).max() == pytest.approx(0.7071, abs=1e-3)
    assert measure([tone], RATE).true_peak_dbtp == pytest.approx(0.0, abs=0.2)  # BS.1770-4: within 0.2 dB


def test_the_limiter_keeps_every_true_peak_under_its_ceiling_and_the_timing(speechlike):
    gain = 8.0  # more than the peaks allow
    out = np.concatenate(list(limited(chunks(speechlike, 7777), RATE, gain)))
    assert len(out) == len(speechlike)
    assert measure([out], RATE).true_peak_dbtp <= LIMIT_DBTP + 0.05
    quiet = np.abs(speechlike) * 10 ** (gain / 20) < 10 ** ((LIMIT_DBTP - 6) / 20)
    gained = speechlike * 10 ** (gain / 20)
    correlation = np.corrcoef(out, gained)[0, 1]
    assert correlation > 0.95  # the same signal, in the same place, only its peaks turned down
    assert np.abs(out[quiet]).max() <= np.abs(gained[quiet]).max()


def test_the_limiter_does_not_depend_on_the_chunks(speechlike):
    whole = np.concatenate(list(limited([speechlike], RATE, 9.0)))
    pieces = np.concatenate(list(limited(chunks(speechlike, 1234), RATE, 9.0)))
    assert np.allclose(whole, pieces, atol=1e-12)


def test_below_the_ceiling_nothing_is_changed(speechlike):
    quiet = speechlike * 0.3
    limiter = Limiter(RATE, 0.0)
    out = np.concatenate([limiter.process(quiet), limiter.flush()])
    assert np.array_equal(out, quiet)


def test_the_gain_brings_the_limited_audio_to_the_target(speechlike):
    gain = loudness_gain(lambda: chunks(speechlike, 50000), RATE)
    result = measure(limited(chunks(speechlike, 50000), RATE, gain), RATE)
    assert result.integrated_lufs == pytest.approx(AIM_LUFS, abs=0.3)
    assert result.true_peak_dbtp <= LIMIT_DBTP + 0.05


@pytest.mark.parametrize("length", [5, ENVELOPE_BLOCK, ENVELOPE_BLOCK + 1, 3 * ENVELOPE_BLOCK + 9])
def test_the_true_peak_envelope_worked_out_in_blocks_is_the_one_made_in_one_go(length):
    """A chunk's envelope is made a block at a time (memory): each value must be exactly the same."""
    samples = np.random.default_rng(length).standard_normal(length) * 0.3
    assert np.array_equal(_peak_envelope(samples), _block_envelope(samples))
