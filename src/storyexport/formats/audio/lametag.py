"""The LAME "Info" frame: tells MP3 decoders the encoder delay and padding, so they are skipped.

lameenc writes bare MPEG audio frames. Without this frame every decoder outputs 1,105 samples of
encoder and decoder delay before the first real sample (measured: 576 + 529), shifting every
sentence timing by about 46 ms at 24 kHz, and pads the end. With it, gapless-aware decoders
(FFmpeg, mpg123/libsndfile, browsers) output exactly the PCM that was encoded.
"""

from __future__ import annotations

import struct

LAME_DELAY = 576  # lame_get_encoder_delay() without resampling
DECODER_DELAY = 529  # what decoders add on their own (and remove again when told the delay)
BITRATES = {  # kbps by bitrate index, for MPEG-1 and MPEG-2/2.5 Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
TAG_BYTES = 120 + 36  # the Xing part (with its table of contents) and the LAME extension


class FrameHeader:
    """The fields of one MPEG Layer III frame header that size the frame."""

    def __init__(self, data: bytes, offset: int = 0):
        word = struct.unpack_from(">I", data, offset)[0]
        if word >> 21 != 0x7FF or (word >> 17) & 3 != 1:
            raise ValueError(f"no MPEG Layer III frame at byte {offset}")
        self.word = word
        self.version_bits = (word >> 19) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        self.mpeg1 = self.version_bits == 3
        self.rate = RATES[self.version_bits][(word >> 10) & 3]
        self.kbps = BITRATES[1 if self.mpeg1 else 2][(word >> 12) & 15]
        self.padding = (word >> 9) & 1
        self.mono = (word >> 6) & 3 == 3
        self.samples = 1152 if self.mpeg1 else 576

    @property
    def length(self) -> int:
        return (144 if self.mpeg1 else 72) * self.kbps * 1000 // self.rate + self.padding

    @property
    def side_info(self) -> int:
        return (17 if self.mono else 32) if self.mpeg1 else (9 if self.mono else 17)


class FrameCounter:
    """Counts the MPEG frames of a stream of bare frames given in pieces of any size."""

    def __init__(self) -> None:
        self.first: FrameHeader | None = None
        self.frames = 0
        self.length = 0  # bytes seen
        self._carry = b""  # the start of a frame whose header is not complete yet

    def feed(self, data: bytes) -> None:
        buffer, offset = self._carry + data, 0
        self.length += len(data)
        while len(buffer) - offset >= 4:
            header = FrameHeader(buffer, offset)
            self.first = self.first or header
            if offset + header.length > len(buffer):
                break
            offset += header.length
            self.frames += 1
        self._carry = buffer[offset:]

    @property
    def info_length(self) -> int:
        """The size of the Info frame that goes in front of these frames."""
        if self.first is None:
            raise ValueError("no MP3 frames")
        return _tag_bitrate(self.first)[1]


def info_frame(counted: FrameCounter, samples: int) -> bytes:
    """The LAME Info frame for the frames `counted` (from lameenc, `samples` PCM samples in)."""
    first, frames, length = counted.first, counted.frames, counted.length
    if first is None:
        raise ValueError("no MP3 frames")
    padding = frames * first.samples - samples - LAME_DELAY
    if not 0 <= padding < 4096:
        raise ValueError(f"unexpected MP3 padding of {padding} samples")
    index, frame_length = _tag_bitrate(first)
    header = (first.word & ~(0xF << 12) & ~(1 << 9) | (index << 12) | (1 << 16))  # no CRC, no padding
    frame = bytearray(frame_length)
    struct.pack_into(">I", frame, 0, header)
    at = 4 + first.side_info
    toc = bytes(i * 256 // 100 for i in range(100))
    struct.pack_into(">4sIII100sI", frame, at, b"Info", 0x0F, frames, length + frame_length, toc, 0)
    lame = at + 120
    struct.pack_into(">9sBB", frame, lame, b"LAME3.100", 0x01, 0)  # revision 0, CBR; lowpass unknown
    delays = (LAME_DELAY << 12) | padding
    struct.pack_into(">BBBB", frame, lame + 20, min(first.kbps, 255), delays >> 16, (delays >> 8) & 0xFF,
                     delays & 0xFF)
    struct.pack_into(">I", frame, lame + 28, length + frame_length)
    struct.pack_into(">H", frame, lame + 34, crc16(bytes(frame[:lame + 34])))
    return bytes(frame)


def _tag_bitrate(first: FrameHeader) -> tuple[int, int]:
    """The smallest bitrate index whose frame holds the tag (at the stream's sample rate)."""
    table = BITRATES[1 if first.mpeg1 else 2]
    for index in range(1, 15):
        length = (144 if first.mpeg1 else 72) * table[index] * 1000 // first.rate
        if length >= 4 + first.side_info + TAG_BYTES:
            return index, length
    raise ValueError("no MP3 frame size can hold the LAME tag")


def crc16(data: bytes) -> int:
    """CRC-16/ARC (reflected 0x8005), as the LAME tag uses."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
