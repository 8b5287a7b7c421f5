"""Tags of the narration files: ID3v2.3 for MP3 (with CHAP/CTOC chapters), Vorbis comments for Opus."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import BinaryIO

from ...text.timings import ChapterTiming
from .vtt import timestamp

STAND_IN = 128  # bytes of silence the ID3 tag is saved in front of (id3_tag)
GENRE = "Speech"  # ID3v1 genre 101, the one players file audiobooks and spoken word under


@dataclass(frozen=True)
class AudioTags:
    title: str  # also the album: the narration is one story
    subtitle: str  # may be empty
    artists: tuple[str, ...]  # the story's authors (the publisher when it names none)
    publisher: str
    language: str  # ISO 639-2 (TLAN): eng, spa
    year: str
    rights: str
    comment: str  # which engine and voice speak
    cover_jpeg: bytes | None  # square
    cover_size: tuple[int, int]
    chapters: tuple[ChapterTiming, ...]
    rate: int


def id3_tag(tags: AudioTags) -> bytes:
    """The ID3v2.3 tag that goes in front of the MP3's frames: title, album, artists, publisher,
    genre, language, cover, comment, chapters (without padding, so it is the same whatever follows it)."""
    from mutagen.id3 import (
        APIC,
        TIT3,
        CHAP,
        COMM,
        CTOC,
        ID3,
        TALB,
        TCON,
        TCOP,
        TIT2,
        TLAN,
        TPE1,
        TPUB,
        TYER,
        CTOCFlags,
    )

    frames = ID3()
    frames.add(TIT2(encoding=3, text=tags.title))
    frames.add(TALB(encoding=3, text=tags.title))
    if tags.subtitle:
        frames.add(TIT3(encoding=3, text=tags.subtitle))
    frames.add(TPE1(encoding=3, text=list(tags.artists)))
    if tags.publisher:
        frames.add(TPUB(encoding=3, text=tags.publisher))
    frames.add(TCON(encoding=3, text=GENRE))
    frames.add(TLAN(encoding=3, text=tags.language))
    frames.add(TYER(encoding=3, text=tags.year))
    if tags.rights:
        frames.add(TCOP(encoding=3, text=tags.rights))
    frames.add(COMM(encoding=3, lang=tags.language, desc="", text=tags.comment))
    if tags.cover_jpeg:
        frames.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=tags.cover_jpeg))
    ids = [f"ch{number}" for number in range(1, len(tags.chapters) + 1)]
    for element_id, chapter in zip(ids, tags.chapters):
        frames.add(CHAP(element_id=element_id, start_time=_ms(chapter.begin, tags.rate),
                        end_time=_ms(chapter.end, tags.rate),
                        sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    frames.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                    sub_frames=[TIT2(encoding=3, text=tags.title)]))
    # saved in front of stand-in audio: mutagen also reads a file's last 128 bytes for an ID3v1 tag,
    # and the end of a tag alone (a title in CTOC) could look like one
    buffer = io.BytesIO(bytes(STAND_IN))
    frames.save(buffer, v2_version=3, padding=lambda info: 0)
    return buffer.getvalue()[:-STAND_IN]


def tag_opus(opus: BinaryIO, tags: AudioTags) -> None:
    """Vorbis comments into the Ogg Opus file `opus`, in place: the same fields, chapters as
    CHAPTERnnn / CHAPTERnnnNAME."""
    from mutagen.oggopus import OggOpus

    opus.seek(0)
    stream = OggOpus(opus)
    stream.delete(opus)
    comments: dict[str, str | list[str]] = {
        "TITLE": tags.title, "ALBUM": tags.title, "ARTIST": list(tags.artists), "GENRE": GENRE,
        "LANGUAGE": tags.language, "DATE": tags.year, "COMMENT": tags.comment}
    if tags.publisher:
        comments["ORGANIZATION"] = tags.publisher  # Vorbis comments' name for the publisher
    if tags.rights:
        comments["COPYRIGHT"] = tags.rights
    if tags.subtitle:
        comments["SUBTITLE"] = tags.subtitle
    for number, chapter in enumerate(tags.chapters, 1):
        comments[f"CHAPTER{number:03d}"] = timestamp(chapter.begin, tags.rate)
        comments[f"CHAPTER{number:03d}NAME"] = chapter.title
    if tags.cover_jpeg:
        comments["METADATA_BLOCK_PICTURE"] = _flac_picture(tags.cover_jpeg, tags.cover_size)
    for key, value in comments.items():
        stream.tags[key] = value if isinstance(value, list) else [value]
    stream.save(opus, padding=lambda info: 0)


def _ms(samples: int, rate: int) -> int:
    return round(samples * 1000 / rate)


def _flac_picture(jpeg: bytes, size: tuple[int, int]) -> str:
    from mutagen.flac import Picture

    picture = Picture()
    picture.type, picture.mime, picture.desc = 3, "image/jpeg", "Cover"
    picture.width, picture.height, picture.depth = size[0], size[1], 24
    picture.data = jpeg
    return base64.b64encode(picture.write()).decode("ascii")
