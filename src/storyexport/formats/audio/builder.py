"""The audio builder: <slug>.<lang>.mp3 / .opus / .vtt and the timings the EPUB and HTML use."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ...errors import BuildError, EngineUnavailable
from ...model import Story
from ...store.clock import build_time
from ...store.freshness import Freshness, inputs_digest
from ...store.layout import CAPTIONS, MP3, OPUS, TIMINGS, FileKind
from ...store.output import write_bytes, write_text
from ...text.narration_plan import NarrationPlan, narration_plan
from ...text.timings import ENGINE_WORDS, ESTIMATED_WORDS, NarrationTimings, load_timings, save_timings
from .. import BuildContext, Output

if TYPE_CHECKING:  # the engines and audio modules import numpy: only when narrating
    from .synthesis import NarrationAudio
    from .tags import AudioTags
    from .tts import Selection, Voice

log = logging.getLogger(__name__)
COVER_WIDTH = 600  # pixels: cover art in the tags stays small
AUDIO_FILES = (MP3, OPUS, CAPTIONS, TIMINGS)


class AudioBuilder:
    name = "audio"
    description = "MP3 and Opus narration with WebVTT captions, per language"
    needs: ClassVar[tuple[str, ...]] = ()

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        """Every language's narration; one that fails spares the others (their files are listed)."""
        outputs: list[Output] = []
        failures: list[str] = []
        for lang in ctx.languages(story):
            try:
                outputs += self._narrate(story, lang, ctx)
            except BuildError as error:
                failures.append(str(error))
        if failures:
            raise BuildError("\n".join(failures), outputs)
        return outputs

    def _narrate(self, story: Story, lang: str, ctx: BuildContext) -> list[Output]:
        from .tts import choose, requested_engine

        plan = narration_plan(story, lang)
        choice = story.narration_for(lang)
        requested = requested_engine(ctx.options.tts, choice)
        try:
            selection = choose(lang, requested, choice, ctx.options.offline, engines=ctx.engines)
        except EngineUnavailable as error:
            raise BuildError(f"narration {lang}: {error}") from error
        paths = {kind: kind.path(ctx.folder, story.slug, lang) for kind in AUDIO_FILES}
        freshness = Freshness(ctx.cache, ctx.folder)
        if not freshness.unchanged(f"audio.{lang}", _digest(story, plan, selection.voice), list(paths.values())):
            selection = self._write(story, plan, selection, requested, paths, ctx)
            freshness.record(f"audio.{lang}", _digest(story, plan, selection.voice), list(paths.values()))
        details = {"engine": selection.voice.engine, "voice": selection.voice.name,
                   "engine_version": selection.voice.version}
        if made := load_timings(paths[TIMINGS]):
            details["word_timings"] = made.word_timing
            if made.notes:
                details["warnings"] = list(made.notes)
        return [Output(path, kind.format, lang, details) for kind, path in paths.items()]

    def _write(self, story: Story, plan: NarrationPlan, selection: Selection, requested: str,
               paths: dict[FileKind, Path], ctx: BuildContext) -> Selection:
        """Synthesize, encode, tag and write one language; returns the engine that spoke."""
        from . import encode
        from .tags import tag_mp3, tag_opus
        from .vtt import webvtt

        narration, selection, notes = _synthesize(plan, selection, requested, story, ctx)
        voice = selection.voice
        every = narration.estimated == len(narration.sentences)
        if narration.estimated and not every:
            notes += (f"{narration.estimated} of {len(narration.sentences)} sentences: {voice.engine}'s words could "
                      "not be matched to the text; their word times are estimated",)
        timings = NarrationTimings(
            lang=plan.lang, sample_rate=narration.rate, samples=len(narration.pcm), engine=voice.engine,
            voice=voice.name, audio=(paths[MP3].name, paths[OPUS].name),
            sentences=narration.sentences, chapters=narration.chapters, notes=notes,
            word_timing=ESTIMATED_WORDS if every else ENGINE_WORDS)
        tags = _tags(story, plan.lang, voice, narration, ctx)
        with ThreadPoolExecutor(max_workers=2) as pool:  # the two encoders run side by side
            mp3 = pool.submit(encode.mp3, narration.pcm, narration.rate, ctx.stop_if_cancelled)
            opus = pool.submit(encode.opus, narration.pcm, narration.rate, ctx.stop_if_cancelled)
            write_bytes(paths[MP3], tag_mp3(mp3.result(), tags))
            write_bytes(paths[OPUS], tag_opus(opus.result(), tags))
        write_text(paths[CAPTIONS], webvtt(timings))
        save_timings(paths[TIMINGS], timings)
        log.debug("narration %s: %.1f s of audio, %d sentences, %d chapters", plan.lang, timings.duration,
                 len(timings.sentences), len(timings.chapters))
        return selection


def _synthesize(plan: NarrationPlan, selection: Selection, requested: str, story: Story,
                ctx: BuildContext) -> tuple[NarrationAudio, Selection, tuple[str, ...]]:
    """The plan spoken by the chosen engine; under `auto`, by the next one if it fails mid-way
    (which is noted, for the manifest and the report)."""
    from .synthesis import synthesize_plan
    from .tts import EngineFailed, choose

    failed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    while True:
        try:
            return synthesize_plan(plan, selection.engine, selection.voice, ctx.cache, ctx.options.jobs,
                                   ctx.progress), selection, notes
        except EngineFailed as error:
            failed += (selection.voice.engine,)
            if requested != "auto" or not selection.fallbacks:
                raise BuildError(f"narration {plan.lang}: {error}") from error
            log.warning("narration %s: %s failed (%s); narrating with the next engine", plan.lang,
                        selection.voice.engine, error)
            notes += (f"{selection.voice.engine} failed while narrating ({error}); the next engine narrated",)
            try:
                selection = choose(plan.lang, requested, story.narration_for(plan.lang),
                                   ctx.options.offline, skip=failed, engines=ctx.engines)
            except EngineUnavailable as unavailable:
                raise BuildError(f"narration {plan.lang}: {unavailable}") from unavailable


def _tags(story: Story, lang: str, voice: Voice, narration: NarrationAudio, ctx: BuildContext) -> AudioTags:
    import langcodes

    from ..renditions import rendition
    from .tags import AudioTags

    cover = rendition(story.cover, ctx.cache, width=COVER_WIDTH, quality=80) if story.cover else None
    article = story.article(lang)
    return AudioTags(
        title=article.title, subtitle=article.subtitle,
        artist=article.publisher.text or ", ".join(a.name for a in article.authors),
        language=langcodes.Language.get(lang).to_alpha3(), year=str(build_time(story).year),
        rights=article.rights.text,
        comment=f"Synthetic narration: {voice.engine}, voice {voice.name} ({voice.version})",
        cover_jpeg=cover.data if cover else None, cover_size=(cover.width, cover.height) if cover else (0, 0),
        chapters=narration.chapters, rate=narration.rate)


def _digest(story: Story, plan: NarrationPlan, voice: Voice) -> str:
    """Everything one language's audio files are made from."""
    article = story.article(plan.lang)
    return inputs_digest("audio", plan, voice, article.title, article.subtitle, article.publisher, article.authors,
                         article.rights,
                         story.cover.sha256 if story.cover else None, build_time(story).isoformat())

