"""One language's spoken sentences made into its files: joined, tagged, encoded to MP3 and Opus (a task)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ...model import Story
from ...store.clock import build_time
from ...text.narration_plan import NarrationPlan
from ...text.timings import ChapterTiming, SentenceTiming
from .synthesis import NarrationAudio, SpokenSentence, assemble
from .tags import AudioTags
from .tts import Voice

if TYPE_CHECKING:
    from ...store.cache import Cache
    from ...workers.task import Worker

log = logging.getLogger(__name__)
Encoder = Callable[[np.ndarray, int, Callable[[], None]], bytes]  # encode.mp3 and encode.opus
PEAK_MARGIN_DB = 0.2  # how far under the files' true-peak ceiling a decoded file is held
ENCODINGS = 3  # at most, per file
COVER_WIDTH = 600  # pixels: cover art in the tags stays small (and square, as players show it)


@dataclass(frozen=True)
class Recording:
    """The encoded narration of one language and where each sentence and chapter lies in it."""

    mp3: bytes
    opus: bytes
    rate: int
    samples: int
    sentences: tuple[SentenceTiming, ...]
    chapters: tuple[ChapterTiming, ...]
    estimated: int  # sentences whose word times are estimated, not the engine's


def record_narration(worker: Worker, story: Story, plan: NarrationPlan, voice: Voice,
                     clips: dict[str, SpokenSentence]) -> Recording:
    """A task: the spoken sentences (by sentence id) joined by the plan's pauses, encoded and tagged."""
    from . import encode
    from .tags import tag_mp3, tag_opus

    narration = assemble(plan, clips)
    tags = _tags(story, plan.lang, voice, narration, worker.cache)
    pcm, rate, between = narration.pcm, narration.rate, worker.stop_if_cancelled
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two encoders run side by side
        mp3 = pool.submit(held_under_ceiling, encode.mp3, pcm, rate, between)
        opus = pool.submit(held_under_ceiling, encode.opus, pcm, rate, between)
        return Recording(tag_mp3(mp3.result(), tags), tag_opus(opus.result(), tags), narration.rate,
                         len(narration.pcm), narration.sentences, narration.chapters, narration.estimated)


def held_under_ceiling(encoder: Encoder, pcm: np.ndarray, rate: int, between: Callable[[], None]) -> bytes:
    """`encoder`'s file of the PCM, its decoded true peak under CEILING_DBTP. Lossy coding raises
    peaks, by how much depends on the audio (0.5 to 2.7 dB over the limited PCM, measured):
    when the decoded file peaks too high, the PCM's peaks are held lower by the excess and it is
    encoded again (the loudness hardly moves: only the few peaks are turned down)."""
    from . import encode
    from .loudness import CEILING_DBTP, limited_pcm, measure, pcm_chunks

    allowed, source = CEILING_DBTP - PEAK_MARGIN_DB, pcm
    for _ in range(ENCODINGS):
        data = encoder(source, rate, between)
        decoded_rate, chunks = encode.decoded_chunks(data)
        peak = measure(chunks, decoded_rate).true_peak_dbtp
        if peak <= allowed:
            break
        ceiling = measure(pcm_chunks(source), rate).true_peak_dbtp - (peak - allowed)
        log.info("%s: decoded true peak %.2f dBTP; encoding again with the peaks held at %.2f dBTP",
                 encoder.__name__, peak, ceiling)
        source = limited_pcm(pcm, rate, 0.0, ceiling)
    return data


def _tags(story: Story, lang: str, voice: Voice, narration: NarrationAudio, cache: Cache) -> AudioTags:
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
