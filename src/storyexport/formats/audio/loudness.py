"""Loudness for spoken word: every narration at -18 LUFS integrated with true peaks at most
-1.5 dBTP, measured as players decode the MP3 and Opus (ITU-R BS.1770-4).

Everything here works on a stream of chunks, so an hour of narration never needs to be in
memory at once: `measure` reads chunks once; `limited` applies the gain and a look-ahead
true-peak limiter chunk by chunk. Gain alone cannot reach the target: synthetic speech peaks
about 20 dB above its loudness, and -18 LUFS with -1.5 dBTP leaves room for 16.5 dB, so the
few peaks above the limiter's ceiling are turned down (a few dB; the ceiling sits below -1.5 dBTP
because the codecs raise peaks, and the PCM is aimed a little above -18 LUFS because they lower loudness).

The K-weighting filters are pyloudnorm's (its coefficients for any sample rate); pyloudnorm
measures a whole array only, so the filtering (with state carried between chunks) and the
gating of its 400 ms blocks are done here, in the same way. True peak is the largest sample of
the signal oversampled four times with a 49-tap interpolation filter (BS.1770-4 Annex 2); the
limiter and the meter use the same one, so what the limiter holds is what the report measures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

TARGET_LUFS = -18.0  # spoken word: AES TD1004 suggests -18 to -16; EBU R 128 speech -23 is for broadcast
CEILING_DBTP = -1.5  # the largest true peak allowed in the files
LIMIT_DBTP = -4.0  # the limiter's ceiling: lossy codecs raise peaks, Opus by up to about 1.8 dB (measured)
AIM_LUFS = TARGET_LUFS + 0.5  # what the PCM is levelled to: the codecs take 0.3 to 1 LU away (measured, decoded)
BLOCK, STEP = 0.4, 0.1  # seconds: BS.1770 gating blocks, overlapping by 75 %
ABSOLUTE_GATE, RELATIVE_GATE = -70.0, -10.0
LOOKAHEAD = 0.005  # seconds the limiter sees a peak coming
RELEASE_DB_PER_SECOND = 40.0  # how fast the limiter lets go after a peak
OVERSAMPLING = 4
TAPS = 49  # the interpolation filter: 12 input samples per output, as BS.1770-4 Annex 2's
CONTEXT = 8  # samples on each side that a sample's oversampled peak depends on (TAPS / 2 / OVERSAMPLING, up)
ENVELOPE_BLOCK = 1 << 16  # samples oversampled at a time (_peak_envelope)
PCM_CHUNK = 1 << 20  # 16-bit samples measured or limited at a time (44 s at 24 kHz)


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float

    def within(self, target: float = TARGET_LUFS, tolerance: float = 1.0, ceiling: float = CEILING_DBTP) -> bool:
        return abs(self.integrated_lufs - target) <= tolerance and self.true_peak_dbtp <= ceiling


class LoudnessMeter:
    """BS.1770-4 integrated loudness and true peak of mono audio given chunk by chunk."""

    def __init__(self, rate: int, true_peak: bool = True):
        import pyloudnorm
        import scipy.signal

        self.rate = rate
        stages = pyloudnorm.Meter(rate)._filters.values()  # K-weighting: high shelf, then high pass
        self._filters = [(s.b, s.a, s.passband_gain, scipy.signal.lfilter_zi(s.b, s.a) * 0.0) for s in stages]
        self._step = round(STEP * rate)
        self._partial = 0.0  # sum of squares of the step being filled
        self._filled = 0  # samples in it
        self._steps: list[float] = []  # sum of squares per completed step
        self._peak = 0.0
        self._true_peak = true_peak
        # the last 2 * CONTEXT samples given: the last CONTEXT of them wait for the next chunk (the
        # context after them) before their peaks count; the ones before are their context
        self._tail = np.zeros(2 * CONTEXT)

    def add(self, samples: np.ndarray) -> None:
        import scipy.signal

        x = np.asarray(samples, np.float64)
        if x.size == 0:
            return
        if self._true_peak:  # the peaks of the samples whose context on both sides is known by now
            window = np.concatenate([self._tail, x])
            self._peak = max(self._peak, float(_peak_envelope(window)[CONTEXT:-CONTEXT].max()))
            self._tail = window[-2 * CONTEXT:]
        filtered = x
        for index, (b, a, gain, state) in enumerate(self._filters):
            filtered, state = scipy.signal.lfilter(b, a, filtered, zi=state)
            self._filters[index] = (b, a, gain, state)
            filtered = filtered * gain
        self._add_energy(np.square(filtered))

    def _add_energy(self, squares: np.ndarray) -> None:
        position = 0
        while position < len(squares):
            take = min(self._step - self._filled, len(squares) - position)
            self._partial += float(squares[position:position + take].sum())
            self._filled += take
            position += take
            if self._filled == self._step:
                self._steps.append(self._partial)
                self._partial, self._filled = 0.0, 0

    def result(self) -> Loudness:
        """Integrated loudness (LUFS) and true peak (dBTP; -inf when not measured or silent)."""
        if self._true_peak:  # the last samples' peaks, with silence after them
            window = np.concatenate([self._tail, np.zeros(2 * CONTEXT)])
            self._peak = max(self._peak, float(_peak_envelope(window)[CONTEXT:-CONTEXT].max()))
        peak = self._peak
        return Loudness(self._integrated(), float(20 * np.log10(peak)) if peak > 0 else -np.inf)

    def _integrated(self) -> float:
        steps = np.array(self._steps + ([self._partial] if self._filled else []))
        per_block = round(BLOCK / STEP)
        samples = len(self._steps) * self._step + self._filled
        count = int(np.round((samples / self.rate - BLOCK) / STEP)) + 1
        if count < 1 or steps.size == 0:
            return -np.inf
        energy = np.array([steps[j:j + per_block].sum() for j in range(count)]) / (BLOCK * self.rate)
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(energy)
        gated = energy[loudness >= ABSOLUTE_GATE]
        if gated.size == 0:
            return -np.inf
        relative = -0.691 + 10 * np.log10(gated.mean()) + RELATIVE_GATE
        kept = energy[(loudness > relative) & (loudness > ABSOLUTE_GATE)]
        return float(-0.691 + 10 * np.log10(kept.mean())) if kept.size else -np.inf


def measure(chunks: Iterable[np.ndarray], rate: int, true_peak: bool = True) -> Loudness:
    """The loudness of audio given as chunks of float samples in [-1, 1]."""
    meter = LoudnessMeter(rate, true_peak)
    for chunk in chunks:
        meter.add(chunk)
    return meter.result()


class Limiter:
    """Gain, then a look-ahead true-peak limiter, chunk by chunk; the output has the input's length
    and timing (the look-ahead is internal, nothing is delayed)."""

    def __init__(self, rate: int, gain_db: float, ceiling_dbtp: float = LIMIT_DBTP):
        self.gain = 10 ** (gain_db / 20)
        self.ceiling = ceiling_dbtp
        self.lookahead = max(1, round(LOOKAHEAD * rate))
        self.pad = self.lookahead + CONTEXT
        self.decay = RELEASE_DB_PER_SECOND / rate  # dB per sample
        self._before = np.zeros(self.pad)  # input already given out, as context for what follows
        self._pending = np.zeros(0)
        self._release = 0.0  # the gain reduction (dB) at the last sample given out

    def process(self, chunk: np.ndarray) -> np.ndarray:
        self._pending = np.concatenate([self._pending, np.asarray(chunk, np.float64) * self.gain])
        return self._limit(len(self._pending) - self.pad)

    def flush(self) -> np.ndarray:
        length = len(self._pending)
        self._pending = np.concatenate([self._pending, np.zeros(self.pad)])
        return self._limit(length)

    def _limit(self, count: int) -> np.ndarray:
        if count <= 0:
            return np.zeros(0)
        window = np.concatenate([self._before, self._pending[:count + self.pad]])
        reduction = np.maximum(0.0, 20 * np.log10(np.maximum(_peak_envelope(window), 1e-12)) - self.ceiling)
        smoothed = _attack(reduction, self.lookahead)[self.pad:self.pad + count]
        held = self._released(smoothed)
        out = window[self.pad:self.pad + count] * 10 ** (-held / 20)
        self._before = window[count:count + self.pad]
        self._pending = self._pending[count:]
        return out

    def _released(self, reduction: np.ndarray) -> np.ndarray:
        """The reduction never falls faster than the release: y[i] = max(x[i], y[i-1] - decay)."""
        index = np.arange(len(reduction))
        rising = np.maximum.accumulate(reduction + self.decay * index) - self.decay * index
        held = np.maximum(rising, self._release - self.decay * (index + 1))
        self._release = float(held[-1])
        return held


def _attack(reduction: np.ndarray, length: int) -> np.ndarray:
    """A reduction that starts `length` samples before each peak and is at least the peak's there:
    the largest reduction over the next `length` samples, averaged over the last `length`."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    ahead = maximum_filter1d(reduction, length, origin=-(length // 2), mode="nearest")
    return uniform_filter1d(ahead, length, origin=(length - 1) // 2, mode="nearest")


@lru_cache(maxsize=1)
def _interpolation_filter() -> np.ndarray:
    """A windowed-sinc low-pass at the original Nyquist frequency, for 4x oversampling."""
    from scipy.signal import firwin

    return firwin(TAPS, 1 / OVERSAMPLING) * OVERSAMPLING


def _peak_envelope(samples: np.ndarray) -> np.ndarray:
    """Each sample's true peak: the largest magnitude of it and the three points oversampling puts
    after it (the first and last CONTEXT samples lack the context on one side). Worked out
    ENVELOPE_BLOCK samples at a time, each with CONTEXT samples of its neighbours: the same values
    as in one go (each is the same sum of the same products), without four times the chunk's
    length of oversampled samples in memory."""
    if len(samples) <= ENVELOPE_BLOCK:
        return _block_envelope(samples)
    envelope = np.empty(len(samples))
    for start in range(0, len(samples), ENVELOPE_BLOCK):
        low, end = max(0, start - CONTEXT), min(len(samples), start + ENVELOPE_BLOCK)
        envelope[start:end] = _block_envelope(samples[low:min(len(samples), end + CONTEXT)])[start - low:end - low]
    return envelope


def _block_envelope(samples: np.ndarray) -> np.ndarray:
    from scipy.signal import upfirdn

    delay = (TAPS - 1) // 2  # upsampled samples
    upsampled = upfirdn(_interpolation_filter(), samples, OVERSAMPLING)[delay:delay + OVERSAMPLING * len(samples)]
    return np.abs(upsampled).reshape(-1, OVERSAMPLING).max(axis=1)


def limited(chunks: Iterable[np.ndarray], rate: int, gain_db: float,
            ceiling_dbtp: float = LIMIT_DBTP) -> Iterator[np.ndarray]:
    """The chunks with the gain applied and their true peaks held under `ceiling_dbtp`."""
    limiter = Limiter(rate, gain_db, ceiling_dbtp)
    for chunk in chunks:
        if (out := limiter.process(chunk)).size:
            yield out
    yield limiter.flush()


def pcm_chunks(pcm: np.ndarray) -> Iterator[np.ndarray]:
    """16-bit PCM as float chunks in [-1, 1), PCM_CHUNK samples at a time."""
    return (pcm[i:i + PCM_CHUNK].astype(np.float64) / 32768 for i in range(0, len(pcm), PCM_CHUNK))


def limited_pcm(pcm: np.ndarray, rate: int, gain_db: float, ceiling_dbtp: float = LIMIT_DBTP) -> np.ndarray:
    """16-bit PCM with the gain applied and its true peaks held under `ceiling_dbtp`, a piece at a time."""
    out, position = np.empty_like(pcm), 0
    for piece in limited(pcm_chunks(pcm), rate, gain_db, ceiling_dbtp):
        out[position:position + len(piece)] = np.clip(np.round(piece * 32767), -32768, 32767)
        position += len(piece)
    return out


def loudness_gain(chunks: Callable[[], Iterable[np.ndarray]], rate: int, tries: int = 5) -> float:
    """The gain (dB) that brings the audio to AIM_LUFS once limited: measured, then tried and
    corrected along the secant of the last two tries (the limiter takes loudness away, more the more
    it has to do: a peaky voice gains only about half of each added dB)."""
    before = measure(chunks(), rate, true_peak=False).integrated_lufs
    if not np.isfinite(before):
        return 0.0  # silence stays silence
    tried = [(0.0, before)]
    gain = AIM_LUFS - before
    for _ in range(tries):
        after = measure(limited(chunks(), rate, gain), rate, true_peak=False).integrated_lufs
        if abs(after - AIM_LUFS) < 0.1:
            break
        (last_gain, last_loudness), slope = tried[-1], 1.0
        if gain != last_gain and after != last_loudness:
            slope = min(1.0, max(0.2, (after - last_loudness) / (gain - last_gain)))
        tried.append((gain, after))
        gain += (AIM_LUFS - after) / slope
    return gain
