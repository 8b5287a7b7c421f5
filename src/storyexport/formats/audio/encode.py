"""Encoding without ffmpeg: MP3 48 kbps mono (lameenc) and Opus 24 kbps mono (PyAV's libopus).

Both come out byte-identical for the same PCM (LAME is deterministic; the Ogg muxer runs in
bit-exact mode, which fixes the stream serial number) and both decode to exactly the PCM's
length and start: the MP3 carries a LAME Info frame with its encoder delay and padding
(lametag.py), the Opus stream its pre-skip and final granule position.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .lametag import with_info_frame

MP3_KBPS = 48
OPUS_BPS = 28000  # the encoder's nominal bitrate: in OPUS_OPTIONS' mode the files average 23.6 to 24.5 kbps
# libopus's general ("audio") mode, wideband (speech up to 8 kHz), constrained VBR: the one mode
# measured (on the test stories and the sample, eSpeak NG, Piper and Kokoro) without glitches in
# synthetic speech and near 24 kbps on average. In CBR, libopus put brief spikes into some stories
# (decoded true peaks up to +4.7 dBTP from PCM limited at -4, at 24 or 48 kHz, wideband or not);
# its speech ("voip") mode peaked at -0.3 dBTP; unlimited bandwidth in constrained VBR at -1.25.
OPUS_OPTIONS = {"application": "audio", "vbr": "constrained", "cutoff": "8000"}
CHUNK = 1 << 20  # samples handed to an encoder at a time (44 s at 24 kHz)


def _go_on() -> None:
    """The default `between` of the encoders: nothing stops them."""


def mp3(pcm: np.ndarray, rate: int, between: Callable[[], None] = _go_on) -> bytes:
    """16-bit mono PCM as a constant-bitrate MP3 (MPEG-2 Layer III at 24 kHz); `between` is called
    before each piece (it raises to stop: an hour of audio takes a while)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(2)  # LAME -q 2: high quality
    frames = bytearray()
    for start in range(0, len(pcm), CHUNK):  # a piece at a time: an audiobook needs no copy of itself
        between()
        frames += encoder.encode(pcm[start:start + CHUNK].astype(np.int16).tobytes())
    frames += encoder.flush()
    return with_info_frame(bytes(frames), len(pcm))


def opus(pcm: np.ndarray, rate: int, between: Callable[[], None] = _go_on) -> bytes:
    """16-bit mono PCM as Ogg Opus averaging 24 kbps (OPUS_BPS, OPUS_OPTIONS); `between` as for
    mp3(). Constrained VBR spends less on the pauses: asked for 24 kbps, narrations with many short
    sentences averaged 20.5 to 21.5, so it is asked for 28."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg", options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream("libopus", rate=rate, options=OPUS_OPTIONS)
        stream.bit_rate, stream.layout = OPUS_BPS, "mono"
        for start in range(0, len(pcm), CHUNK):
            between()
            piece = pcm[start:start + CHUNK].astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(piece, format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def decoded_chunks(path: Path | str | bytes) -> tuple[int, Iterator[np.ndarray]]:
    """A file's (or the bytes of one's) first audio stream as FFmpeg decodes it: its rate, and mono
    float32 chunks (an audiobook is never held in memory whole)."""
    import av

    def opened():
        return av.open(io.BytesIO(path) if isinstance(path, bytes) else str(path))

    with opened() as container:
        rate = container.streams.audio[0].codec_context.sample_rate

    def chunks() -> Iterator[np.ndarray]:
        with opened() as container:
            stream = container.streams.audio[0]
            to_mono = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in _frames(container, stream):
                for converted in to_mono.resample(frame):
                    yield converted.to_ndarray().reshape(-1)
    return rate, chunks()


def _frames(container, stream):
    yield from container.decode(stream)
    yield None  # flushes the resampler


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """Any audio file's first stream as mono float32 samples, as FFmpeg (and so players) decode it."""
    import av

    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        to_mono = av.AudioResampler(format="flt", layout="mono", rate=rate)
        frames = [converted for frame in [*container.decode(stream), None]
                  for converted in to_mono.resample(frame)]
    samples = [frame.to_ndarray().reshape(-1) for frame in frames]
    return (np.concatenate(samples) if samples else np.zeros(0, np.float32)), rate
