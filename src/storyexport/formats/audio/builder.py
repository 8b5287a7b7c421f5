"""The audio builder: <slug>.<lang>.mp3 / .opus / .vtt and the timings the EPUB and HTML use."""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ...errors import BuildError, EngineUnavailable
from ...model import Story
from ...store.clock import build_time
from ...store.freshness import Freshness, inputs_digest
from ...store.layout import CAPTIONS, MP3, OPUS, TIMINGS, FileKind
from ...store.output import write_text
from ...text.narration_plan import NarrationPlan, narration_plan
from ...text.timings import ENGINE_WORDS, ESTIMATED_WORDS, NarrationTimings, load_timings, save_timings
from .. import BuildContext, Output

if TYPE_CHECKING:  # the engines and audio modules import numpy: only when narrating
    from ...text.narration_plan import Sentence
    from ...text.speech import SpeechScript
    from .stream import NarrationAudio, SpokenClip
    from .tags import AudioTags
    from .tts import Engine, Selection, Voice

log = logging.getLogger(__name__)
AUDIO_FILES = (MP3, OPUS, CAPTIONS, TIMINGS)


class AudioBuilder:
    name = "audio"
    description = "MP3 and Opus narration with WebVTT captions, per language"
    needs: ClassVar[tuple[str, ...]] = ()
    per_language: ClassVar[bool] = True

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
        from .recording import narration_tags
        from .stream import narration
        from .vtt import webvtt

        clips, selection, notes = _synthesize(plan, selection, requested, story, ctx)
        voice = selection.voice
        made = narration(plan, clips)
        every = made.estimated == len(made.sentences)
        if made.estimated and not every:
            notes += (f"{made.estimated} of {len(made.sentences)} sentences: {voice.engine}'s words could "
                      "not be matched to the text; their word times are estimated",)
        timings = NarrationTimings(
            lang=plan.lang, sample_rate=made.rate, samples=made.samples, engine=voice.engine,
            voice=voice.name, audio=(paths[MP3].name, paths[OPUS].name),
            sentences=made.sentences, chapters=made.chapters, notes=notes,
            word_timing=ESTIMATED_WORDS if every else ENGINE_WORDS)
        _record(made, narration_tags(story, plan.lang, voice, made, ctx.cache), paths[MP3], paths[OPUS], ctx)
        write_text(paths[CAPTIONS], webvtt(timings))
        save_timings(paths[TIMINGS], timings)
        log.debug("narration %s: %.1f s of audio, %d sentences, %d chapters", plan.lang, timings.duration,
                 len(timings.sentences), len(timings.chapters))
        return selection


def _record(made: NarrationAudio, tags: AudioTags, mp3: Path, opus: Path, ctx: BuildContext) -> None:
    """The narration levelled and encoded into `mp3` and `opus`: by a task when the run's workers are
    on this machine (they read the sentence cache and write into the run's temporary folder; the
    files are then moved into place here), else (a Ray cluster, which shares no files) here."""
    from ...store.output import move_file
    from .recording import narration_files, record_narration

    if not ctx.tasks_share_files:
        record_narration(made, ctx.cache, tags, mp3, opus, ctx.stop_if_cancelled)
        return
    with tempfile.TemporaryDirectory(prefix="storyexport-recording-") as folder:
        made_mp3, made_opus = Path(folder) / mp3.name, Path(folder) / opus.name
        ctx.run(narration_files, made, tags, made_mp3, made_opus)
        move_file(mp3, made_mp3)
        move_file(opus, made_opus)


def _synthesize(plan: NarrationPlan, selection: Selection, requested: str, story: Story,
                ctx: BuildContext) -> tuple[dict[str, SpokenClip], Selection, tuple[str, ...]]:
    """The plan's sentences spoken by the chosen engine, each from its speech script; under `auto`,
    by the next one if it fails mid-way (which is noted, for the manifest and the report)."""
    from ...text.speech import speech_scripts
    from .synthesis import spoken_clips
    from .tts import EngineFailed, choose

    failed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    scripts = speech_scripts(story, plan.lang)
    while True:
        try:
            with speakers(selection.engine, selection.voice, scripts, ctx) as speak:
                return spoken_clips(plan, scripts, selection.voice, ctx.cache, speak, ctx.progress), selection, notes
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


@contextlib.contextmanager
def speakers(engine: Engine, voice: Voice, scripts: dict[str, SpeechScript],
              ctx: BuildContext) -> Iterator[Callable[[Sentence], Future]]:
    """Who speaks the sentences: the run's workers for an engine that computes, threads of this
    process for one that waits on the network (gTTS: it keeps its one probe of the run)."""
    from ...workers.local import ThreadWorkers
    from .synthesis import speak_sentence

    offline = ctx.options.offline
    if engine.cpu_bound:
        yield lambda sentence: ctx.submit(speak_sentence, voice, offline, scripts[sentence.id])
        return
    threads = ThreadWorkers(ctx.options.jobs if engine.parallel else 1, ctx.cache, ctx.engines)
    try:
        yield lambda sentence: threads.submit(speak_sentence, voice, offline, scripts[sentence.id])
    finally:
        threads.close()


def _digest(story: Story, plan: NarrationPlan, voice: Voice) -> str:
    """Everything one language's audio files are made from."""
    from ...text.speech import speech_scripts

    article = story.article(plan.lang)
    return inputs_digest("audio", plan, speech_scripts(story, plan.lang), voice, article.title, article.subtitle,
                         article.publisher, article.authors, article.rights,
                         story.cover.sha256 if story.cover else None, build_time(story).isoformat())

