"""Encoding without ffmpeg: MP3 48 kbps mono (lameenc) and Opus 24 kbps mono (PyAV's libopus).

Both take the narration as a stream of 16-bit PCM pieces and write as they go, so an audiobook
is never in memory. Both come out byte-identical for the same PCM (LAME is deterministic; the
Ogg muxer runs in bit-exact mode, which fixes the stream serial number) and both decode to
exactly the PCM's length and start: the MP3 carries a LAME Info frame with its encoder delay and
padding (lametag.py), the Opus stream its pre-skip and final granule position.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .lametag import FrameCounter, info_frame

MP3_KBPS = 48
DECODED_CHUNK = 1 << 16  # samples a decoded chunk holds (2.7 s at 24 kHz)
OPUS_BPS = 28000  # the encoder's nominal bitrate: in OPUS_OPTIONS' mode the files average 23.6 to 24.5 kbps
# libopus's general ("audio") mode, wideband (speech up to 8 kHz), constrained VBR: the one mode
# measured (on the test stories and the sample, eSpeak NG, Piper and Kokoro) without glitches in
# synthetic speech and near 24 kbps on average. In CBR, libopus put brief spikes into some stories
# (decoded true peaks up to +4.7 dBTP from PCM limited at -4, at 24 or 48 kHz, wideband or not);
# its speech ("voip") mode peaked at -0.3 dBTP; unlimited bandwidth in constrained VBR at -1.25.
OPUS_OPTIONS = {"application": "audio", "vbr": "constrained", "cutoff": "8000"}


def _go_on() -> None:
    """The default `between` of the encoders: nothing stops them."""


@contextlib.contextmanager
def mp3_writer(out: BinaryIO, rate: int) -> Iterator[Callable[[np.ndarray], None]]:
    """A function that encodes 16-bit mono PCM, piece by piece, as a constant-bitrate MP3 (MPEG-2
    Layer III at 24 kHz) written from `out`'s position: the Info frame (its place kept, filled in
    once every frame is counted when the block ends), then the frames."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(2)  # LAME -q 2: high quality
    start, samples, counted = out.tell(), 0, FrameCounter()

    def frames(data: bytes) -> None:
        first = counted.first is None
        counted.feed(data)
        if first and counted.first is not None:
            out.write(bytes(counted.info_length))
        out.write(data)

    def write(piece: np.ndarray) -> None:
        nonlocal samples
        samples += len(piece)
        frames(encoder.encode(piece.astype(np.int16).tobytes()))

    yield write
    frames(encoder.flush())
    end = out.tell()
    out.seek(start)
    out.write(info_frame(counted, samples))
    out.seek(end)


@contextlib.contextmanager
def opus_writer(out: BinaryIO, rate: int) -> Iterator[Callable[[np.ndarray], None]]:
    """A function that encodes 16-bit mono PCM, piece by piece, as Ogg Opus averaging 24 kbps
    (OPUS_BPS, OPUS_OPTIONS) into `out`, finished when the block ends. Constrained VBR spends less on
    the pauses: asked for 24 kbps, narrations with many short sentences averaged 20.5 to 21.5, so it
    is asked for 28."""
    import av

    with av.open(out, "w", format="ogg", options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream("libopus", rate=rate, options=OPUS_OPTIONS)
        stream.bit_rate, stream.layout = OPUS_BPS, "mono"
        position = 0

        def write(piece: np.ndarray) -> None:
            nonlocal position
            if not piece.size:
                return
            frame = av.AudioFrame.from_ndarray(piece.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, position
            position += len(piece)
            for packet in stream.encode(frame):
                container.mux(packet)

        yield write
        for packet in stream.encode(None):
            container.mux(packet)


def write_mp3(pieces: Iterable[np.ndarray], rate: int, out: BinaryIO, between: Callable[[], None] = _go_on) -> None:
    """The PCM `pieces` as an MP3 (mp3_writer) into `out`; `between` is called before each piece
    (it raises to stop: an hour of audio takes a while)."""
    with mp3_writer(out, rate) as write:
        for piece in pieces:
            between()
            write(piece)


def write_opus(pieces: Iterable[np.ndarray], rate: int, out: BinaryIO, between: Callable[[], None] = _go_on) -> None:
    """The PCM `pieces` as Ogg Opus (opus_writer) into `out`; `between` as for write_mp3()."""
    with opus_writer(out, rate) as write:
        for piece in pieces:
            between()
            write(piece)


def decoded_chunks(path: Path | str | bytes | BinaryIO) -> tuple[int, Iterator[np.ndarray]]:
    """A file's (or the bytes of one's, or an open file's) first audio stream as FFmpeg decodes it:
    its rate, and mono float32 chunks of DECODED_CHUNK samples, the last one shorter (an audiobook
    is never held in memory whole; a codec's frames, a thousand samples or so, are joined: measured
    one by one they cost three times the processor time)."""
    import av

    from .stream import rechunked

    if isinstance(path, bytes):
        container = av.open(io.BytesIO(path))
    elif hasattr(path, "read"):
        path.seek(0)
        container = av.open(path)
    else:
        container = av.open(str(path))
    stream = container.streams.audio[0]
    rate = stream.codec_context.sample_rate

    def frames() -> Iterator[np.ndarray]:
        with container:  # closed once read (or, never read, when it is let go)
            to_mono = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in _frames(container, stream):
                for converted in to_mono.resample(frame):
                    yield converted.to_ndarray().reshape(-1)
    return rate, rechunked(frames(), DECODED_CHUNK)


def _frames(container, stream):
    yield from container.decode(stream)
    yield None  # flushes the resampler


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """Any audio file's first stream as mono float32 samples, as FFmpeg (and so players) decode it."""
    rate, chunks = decoded_chunks(data)
    samples = list(chunks)
    return (np.concatenate(samples) if samples else np.zeros(0, np.float32)), rate
