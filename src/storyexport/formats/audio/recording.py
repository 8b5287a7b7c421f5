"""One language's spoken sentences made into its files: joined, tagged, encoded to MP3 and Opus (a task)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

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

COVER_WIDTH = 600  # pixels: cover art in the tags stays small


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
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two encoders run side by side
        mp3 = pool.submit(encode.mp3, narration.pcm, narration.rate, worker.stop_if_cancelled)
        opus = pool.submit(encode.opus, narration.pcm, narration.rate, worker.stop_if_cancelled)
        return Recording(tag_mp3(mp3.result(), tags), tag_opus(opus.result(), tags), narration.rate,
                         len(narration.pcm), narration.sentences, narration.chapters, narration.estimated)


def _tags(story: Story, lang: str, voice: Voice, narration: NarrationAudio, cache: Cache) -> AudioTags:
    import langcodes

    from ..renditions import rendition

    cover = rendition(story.cover, cache, width=COVER_WIDTH, quality=80) if story.cover else None
    article = story.article(lang)
    return AudioTags(
        title=article.title, subtitle=article.subtitle,
        artist=article.publisher.text or ", ".join(a.name for a in article.authors),
        language=langcodes.Language.get(lang).to_alpha3(), year=str(build_time(story).year),
        rights=article.rights.text,
        comment=f"Synthetic narration: {voice.engine}, voice {voice.name} ({voice.version})",
        cover_jpeg=cover.data if cover else None, cover_size=(cover.width, cover.height) if cover else (0, 0),
        chapters=narration.chapters, rate=narration.rate)
