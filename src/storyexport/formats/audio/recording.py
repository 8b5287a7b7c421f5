"""One language's narration written into its MP3 and Opus files, levelled and encoded as a stream
read from the sentence cache (no copy of the whole narration is ever in memory), then tagged.

The level is set in two kinds of passes over that stream, in one place: `loudness_gain` reads it
(as often as it needs) to find the gain that brings it to the spoken-word loudness once limited,
then `levelled` applies the gain and the true-peak limiter chunk by chunk as the encoders take it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ...model import Story
from ...store.cache import Cache
from ...store.clock import build_time
from ...store.output import open_atomic
from .stream import NarrationAudio, rechunked
from .tags import AudioTags
from .tts import Voice

COVER_WIDTH = 600  # pixels: cover art in the tags stays small (and square, as players show it)


def record_narration(narration: NarrationAudio, cache: Cache, tags: AudioTags, mp3: Path, opus: Path,
                     between: Callable[[], None]) -> None:
    """Write `narration` (its clips read from `cache`) into the files `mp3` and `opus`, tagged;
    `between` is called before each chunk (it raises to stop: an hour of audio takes a while)."""
    from .encode import mp3_writer, opus_writer
    from .loudness import loudness_gain
    from .tags import id3_tag, tag_opus

    gain = loudness_gain(lambda: narration.chunks(cache), narration.rate)
    with open_atomic(mp3) as mp3_file, open_atomic(opus) as opus_file:
        mp3_file.write(id3_tag(tags))
        with mp3_writer(mp3_file, narration.rate) as to_mp3, opus_writer(opus_file, narration.rate) as to_opus:
            for chunk in levelled(narration, cache, gain):
                between()
                to_mp3(chunk)
                to_opus(chunk)
        tag_opus(opus_file, tags)


def levelled(narration: NarrationAudio, cache: Cache, gain_db: float) -> Iterator[np.ndarray]:
    """The narration with `gain_db` applied and its true peaks limited (loudness.py), as 16-bit PCM
    in chunks of stream.CHUNK samples."""
    from .loudness import limited

    pcm = (np.clip(np.round(piece * 32767), -32768, 32767).astype(np.int16)
           for piece in limited(narration.chunks(cache), narration.rate, gain_db))
    return rechunked(pcm)


def narration_tags(story: Story, lang: str, voice: Voice, narration: NarrationAudio, cache: Cache) -> AudioTags:
    """What the files say of themselves: the story's title, authors and cover, the voice, the chapters."""
    import langcodes

    from ..renditions import rendition

    cover = rendition(story.cover, cache, width=COVER_WIDTH, quality=80, square=True) if story.cover else None
    article = story.article(lang)
    artists = tuple(author.name for author in article.authors) or ((article.publisher.text,) if article.publisher.text else ())
    return AudioTags(
        title=article.title, subtitle=article.subtitle, artists=artists, publisher=article.publisher.text,
        language=langcodes.Language.get(lang).to_alpha3(), year=str(build_time(story).year),
        rights=article.rights.text,
        comment=f"Synthetic narration: {voice.engine}, voice {voice.name} ({voice.version})",
        cover_jpeg=cover.data if cover else None, cover_size=(cover.width, cover.height) if cover else (0, 0),
        chapters=narration.chapters, rate=narration.rate)
