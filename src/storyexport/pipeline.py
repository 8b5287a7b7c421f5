"""Parse every story once, then build the asked-for formats of all of them; one failing format spares the others.

    find the story files ─ parse (all problems at once; nothing written on an error)
      ─ lock the output folder ─ open the workers ─ every story's units of work (workers/schedule.py)
      ─ each story's report and manifest as soon as its formats are done
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, SourceError, UsageError
from .formats import Options
from .model import Story
from .source.discover import find_stories
from .store.cache import Cache
from .store.layout import CACHE_FOLDER
from .store.output import output_lock
from .workers.schedule import CatalogProgress, FormatResult

log = logging.getLogger(__name__)
__all__ = ["FormatResult", "RunResult", "build", "configure_libraries", "load_stories"]


@dataclass
class RunResult:
    warnings: list[Problem] = field(default_factory=list)
    results: list[FormatResult] = field(default_factory=list)
    cache_stats: Counter[str] = field(default_factory=Counter)  # what this run found and stored
    worker_memory: dict[str, int] = field(default_factory=dict)  # each worker's peak resident bytes
    retried: int = 0  # tasks run again because the worker running them was lost

    @property
    def failed(self) -> bool:
        return any(r.error for r in self.results)


def configure_libraries() -> None:
    """The process-wide settings storyexport makes to the libraries it uses, all here; called once
    at start-up by the command line (and by every worker process)."""
    # WeasyPrint announces every rendering step ("Step 1 - Fetching and parsing HTML") at INFO;
    # the pdf builder's own lines say enough.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    # phonemizer (Kokoro's) warns on every sentence whose numbers expand into words ("words count
    # mismatch") and resets its logger's level and handlers on each call, but not this.
    logging.getLogger("phonemizer").propagate = False


def load_stories(sources: list[Path]) -> tuple[list[Story], list[Problem]]:
    """Parse every story; all problems of all stories are raised together, nothing is built."""
    return parse_stories(find_stories(sources))


def parse_stories(files: list[Path]) -> tuple[list[Story], list[Problem]]:
    from .source.parse import parse

    stories, warnings, errors = [], [], []
    for path in files:
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
          progress: CatalogProgress | None = None) -> RunResult:
    stories, warnings = load_stories(sources)
    check_languages(stories, options)
    if options.strict and warnings:
        raise SourceError(warnings)
    result = RunResult(warnings)
    with output_lock(output):
        cache = Cache(output / CACHE_FOLDER)
        result.results = _build_all(stories, targets, output, options, cache, warnings, progress, result)
    result.cache_stats = cache.stats
    return result


def _build_all(stories: list[Story], targets: list[str], output: Path, options: Options, cache: Cache,
               warnings: list[Problem], progress: CatalogProgress | None, result: RunResult) -> list[FormatResult]:
    """Every story's formats through the run's workers, then its report and manifest."""
    from .workers import open_workers
    from .workers.schedule import Schedule

    engines: dict = {}  # the narration engines of this run, shared by its stories
    workers = open_workers(options.jobs, options.cluster, cache, engines)
    try:
        finish = lambda story, results: _finish_story(story, results, output, cache, options, warnings)  # noqa: E731
        built = Schedule(stories, targets, output, options, cache, workers, engines, finish, progress).run()
    finally:
        workers.close()
    result.worker_memory, result.retried = workers.peak_memory(), workers.retried()
    return built


def _finish_story(story: Story, results: list[FormatResult], output: Path, cache: Cache, options: Options,
                  warnings: list[Problem]) -> None:
    """The story's report (every check of every output) and manifest (every file, with its sha256)."""
    from .report.build import write_report
    from .store.manifest import describe_files, write_manifest

    folder = output / story.slug
    details = {o.path.relative_to(folder).as_posix(): o.manifest_entry() for r in results for o in r.outputs}
    if folder.is_dir():
        failures = [{"format": r.format, "error": r.error} for r in results if r.error]
        write_report(story, folder, describe_files(folder, details), warnings, failures, cache, options.jobs)
        write_manifest(folder, story, details)
