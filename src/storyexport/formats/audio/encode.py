"""Encoding without ffmpeg: MP3 48 kbps mono (lameenc) and Opus 24 kbps mono (PyAV's libopus).

Both take the narration as a stream of 16-bit PCM pieces and write as they go, so an audiobook
is never in memory. Both come out byte-identical for the same PCM (LAME is deterministic; the
Ogg muxer runs in bit-exact mode, which fixes the stream serial number) and both decode to
exactly the PCM's length and start: the MP3 carries a LAME Info frame with its encoder delay and
padding (lametag.py), the Opus stream its pre-skip and final granule position.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

import numpy as np

from .lametag import FrameCounter, info_frame

MP3_KBPS = 48
OPUS_BPS = 24000


def _go_on() -> None:
    """The default `between` of the encoders: nothing stops them."""


def write_mp3(pieces: Iterable[np.ndarray], rate: int, out: BinaryIO, between: Callable[[], None] = _go_on) -> None:
    """16-bit mono PCM as a constant-bitrate MP3 (MPEG-2 Layer III at 24 kHz), written from `out`'s
    position: the Info frame (its place kept, filled in once every frame is counted), then the frames.
    `between` is called before each piece (it raises to stop: an hour of audio takes a while)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(2)  # LAME -q 2: high quality
    start, samples, counted = out.tell(), 0, FrameCounter()

    def write(frames: bytes) -> None:
        first = counted.first is None
        counted.feed(frames)
        if first and counted.first is not None:
            out.write(bytes(counted.info_length))
        out.write(frames)

    for piece in pieces:
        between()
        samples += len(piece)
        write(encoder.encode(piece.astype(np.int16).tobytes()))
    write(encoder.flush())
    end = out.tell()
    out.seek(start)
    out.write(info_frame(counted, samples))
    out.seek(end)


def write_opus(pieces: Iterable[np.ndarray], rate: int, out: BinaryIO, between: Callable[[], None] = _go_on) -> None:
    """16-bit mono PCM as Ogg Opus at a constant 24 kbps, tuned for speech; `between` as for write_mp3().

    Constant, not variable: with VBR, libopus spends so little on the pauses that a story with
    many short sentences averaged 20 kbps, below the bitrate the product promises.
    """
    import av

    with av.open(out, "w", format="ogg", options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream("libopus", rate=rate, options={"application": "voip", "vbr": "off"})
        stream.bit_rate, stream.layout = OPUS_BPS, "mono"
        position = 0
        for piece in pieces:
            between()
            if not piece.size:
                continue
            frame = av.AudioFrame.from_ndarray(piece.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, position
            position += len(piece)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


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
