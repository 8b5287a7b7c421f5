"""Parse every story once, then run the asked-for builders; one failing format spares the others."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, OutputError, Problem, SourceError, UsageError
from .formats import BuildContext, Options, Output, get_builder
from .formats.audio.tts import disable_onnxruntime_telemetry
from .model import Story
from .report.build import failed_outputs, write_report
from .source.discover import DEFAULT_SOURCE, find_stories
from .source.parse import parse
from .store.cache import Cache
from .store.clock import source_date_epoch
from .store.layout import CACHE_FOLDER
from .store.manifest import describe_files, write_manifest
from .store.output import output_run, refuse_output_among_sources, remove_stale_temps

log = logging.getLogger(__name__)


@dataclass
class FormatResult:
    story: str
    format: str
    outputs: list[Output] = field(default_factory=list)
    error: str | None = None
    rejected: dict[str, str] = field(default_factory=dict)  # output file -> the report's failing check


@dataclass
class RunResult:
    warnings: list[Problem] = field(default_factory=list)
    results: list[FormatResult] = field(default_factory=list)
    cache_stats: Counter[str] = field(default_factory=Counter)  # what this run found and stored

    @property
    def failed(self) -> bool:
        return any(r.error for r in self.results)


def configure_libraries() -> None:
    """The process-wide settings storyexport makes to the libraries it uses, all here; called once
    at start-up by the command line (and by anything else that runs builds in a process of its own)."""
    # WeasyPrint announces every rendering step ("Step 1 - Fetching and parsing HTML") at INFO;
    # the pdf builder's own lines say enough.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    # phonemizer (Kokoro's) warns on every sentence whose numbers expand into words ("words count
    # mismatch") and resets its logger's level and handlers on each call, but not this.
    logging.getLogger("phonemizer").propagate = False
    # onnxruntime (Piper, Kokoro) reports usage to Microsoft unless told before it is imported
    disable_onnxruntime_telemetry()


def load_stories(sources: list[Path]) -> tuple[list[Story], list[Problem]]:
    """Parse every story; all problems of all stories are raised together, nothing is built."""
    source_date_epoch()  # a SOURCE_DATE_EPOCH no output can carry stops `check` and `all` alike
    stories, warnings, errors = [], [], []
    for path in find_stories(sources):
        try:
            story, problems = parse(path)
        except SourceError as exc:
            errors += exc.problems
            continue
        stories.append(story)
        warnings += problems
    if errors:
        raise SourceError(errors + warnings)
    slugs = [s.slug for s in stories]
    if duplicates := sorted({s for s in slugs if slugs.count(s) > 1}):
        raise UsageError(f"two stories share the output folder name {duplicates[0]!r}; rename one folder")
    return stories, warnings


def check_languages(stories: list[Story], options: Options) -> None:
    for lang in options.languages:
        if not any(lang in story.languages for story in stories):
            known = sorted({lang for story in stories for lang in story.languages})
            raise UsageError(f"--lang {lang}: no story has that language (they have {', '.join(known)})")


def build(sources: list[Path], targets: list[str], output: Path, options: Options,
          progress: Callable[[str, int, int], None] | None = None) -> RunResult:
    stories, warnings = load_stories(sources)
    check_languages(stories, options)
    refuse_output_among_sources(output, [s for s in sources or [DEFAULT_SOURCE] if s.is_dir()],
                                [story.folder for story in stories])
    if options.strict and warnings:
        raise SourceError(warnings)
    result = RunResult(warnings)
    cache = Cache(output / CACHE_FOLDER)
    engines: dict = {}  # the narration engines of this run, shared by its stories
    with output_run(output):
        for story in stories:
            ctx = BuildContext(output / story.slug, cache, options, engines=engines)
            result.results += _build_story(story, targets, ctx, progress, warnings)
    result.cache_stats = cache.stats
    return result


def _build_story(story: Story, targets: list[str], ctx: BuildContext,
                 progress: Callable[[str, int, int], None] | None, warnings: list[Problem]) -> list[FormatResult]:
    folder = ctx.folder
    remove_stale_temps(folder)
    if progress:
        ctx.report_progress = progress
    results = _run_builders(story, targets, ctx)
    details = {o.path.relative_to(folder).as_posix(): o.manifest_entry() for r in results for o in r.outputs}
    if folder.is_dir():
        failures = [{"format": r.format, "error": r.error} for r in results if r.error]
        report = write_report(story, folder, describe_files(folder, details), warnings, failures, ctx.cache,
                              ctx.options.jobs)
        write_manifest(folder, story, details)
        _fail_what_the_report_fails(results, folder, failed_outputs(report))
    return results


def _fail_what_the_report_fails(results: list[FormatResult], folder: Path, failed: dict[str, str]) -> None:
    """A format whose output fails a check (an EPUBCheck error, a PDF showing boxes) failed: the
    run says so and exits 1, as when it could not be built."""
    for result in results:
        result.rejected = {name: failed[name] for o in result.outputs
                           if (name := o.path.relative_to(folder).as_posix()) in failed}
        if result.rejected and not result.error:
            result.error = "; ".join(f"{name} fails {why}" for name, why in result.rejected.items())
            log.error("%s: %s", result.story, result.error)


def _run_one(story: Story, target: str, ctx: BuildContext) -> FormatResult:
    """One format of one story; whatever goes wrong in it fails this format only, never the run."""
    outcome = FormatResult(story.slug, target)
    try:
        outcome.outputs = get_builder(target).build(story, ctx)
    except BuildError as exc:
        outcome.outputs, outcome.error = exc.outputs, str(exc)
        log.error("%s: %s", story.slug, exc)
    except OutputError as exc:  # this format could not be written; the others may still be
        outcome.error = f"{exc.category}: {exc}"
        log.error("%s: %s", story.slug, outcome.error)
    except Exception as exc:  # a bug: this format fails, the others are built and reported
        outcome.error = f"internal error: {type(exc).__name__}: {exc}"
        log.error("%s: %s: %s (a bug in storyexport; re-run with -v for the traceback and report it)",
                  story.slug, target, outcome.error)
        log.debug("traceback of the %s failure", target, exc_info=True)
    return outcome


def _run_builders(story: Story, targets: list[str], ctx: BuildContext) -> list[FormatResult]:
    """Every target, each as soon as the targets it needs are done, up to --jobs at a time.

    Threads, not processes: the heavy parts (encoders, image codecs, zlib, ONNX) release the GIL,
    and a run with nothing to do starts no worker process at all.
    """
    needs = {t: [n for n in get_builder(t).needs if n in targets] for t in targets}
    done: dict[str, FormatResult] = {}
    running: dict[Future, str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, ctx.options.jobs))
    try:
        while len(done) < len(targets):
            for target in targets:
                if target not in done and target not in running.values() and all(n in done for n in needs[target]):
                    running[pool.submit(_run_one, story, target, ctx)] = target
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done[running.pop(future)] = future.result()
    except BaseException:  # Ctrl-C or SIGTERM: builders stop at their next step; nothing half-written
        ctx.cancelled.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [done[t] for t in targets]
