"""Parse every story once, then build the asked-for formats of all of them; one failing format spares the others.

    find the story files ─ skip those whose record says nothing changed (store/records.py)
      ─ parse the others (all problems at once; nothing written on an error)
      ─ lock the output folder ─ open the workers ─ every story's units of work (workers/schedule.py)
      ─ each story's report, manifest and record as soon as its formats are done
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem, SourceError, UsageError
from .formats import Options, Output
from .model import Story
from .source.discover import DEFAULT_SOURCE, find_stories
from .store.cache import Cache
from .store.clock import source_date_epoch
from .store.layout import CACHE_FOLDER
from .store.output import output_run, refuse_output_among_sources
from .store.records import Records, StoryRecord
from .workers import CatalogProgress, FormatResult, Workers, prepare_workers

if TYPE_CHECKING:
    from .workers.parcels import OutputFiles
    from .workers.task import Worker, WorkerUsage

log = logging.getLogger(__name__)
__all__ = ["FormatResult", "RunResult", "build", "configure_libraries", "load_stories"]


@dataclass
class RunResult:
    warnings: list[Problem] = field(default_factory=list)
    results: list[FormatResult] = field(default_factory=list)
    cache_stats: Counter[str] = field(default_factory=Counter)  # what this run found and stored
    workers: dict[str, WorkerUsage] = field(default_factory=dict)  # each worker's peak memory and processor time
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
    # onnxruntime (Piper, Kokoro) reports usage to Microsoft unless told before it is imported
    from .formats.audio.tts import disable_onnxruntime_telemetry

    disable_onnxruntime_telemetry()


def load_stories(sources: list[Path], config: Path | None = None,
                 voices: tuple[tuple[str, Path], ...] = ()) -> tuple[list[Story], list[Problem]]:
    """Parse every story with its project configuration (`config`, else the storyexport.yaml found
    for it) and the command line's `voices` over the configuration's; all problems of all stories
    and configurations are raised together, nothing is built."""
    source_date_epoch()  # a SOURCE_DATE_EPOCH no output can carry stops `check` and `all` alike
    stories, warnings = parse_stories(find_stories(sources), config, voices)
    check_slugs([s.slug for s in stories])
    return stories, warnings


def parse_stories(files: list[Path], config: Path | None = None,
                  voices: tuple[tuple[str, Path], ...] = ()) -> tuple[list[Story], list[Problem]]:
    """Parse `files`, each with its project configuration (`config`, else the storyexport.yaml
    found for it; a configuration's problems are reported once) and `voices` over its voices."""
    stories: list[Story] = []
    warnings: list[Problem] = []
    errors: list[Problem] = []
    if not files:
        return stories, warnings
    from .source.parse import parse  # the parser's libraries load only when a story is read
    from .source.project import Project, find_project_file, load_project

    projects: dict[Path | None, Project] = {}
    for path in files:
        file = config or find_project_file(path)
        if file not in projects:
            projects[file], problems = load_project(file)
            projects[file] = replace(projects[file], voices=(*projects[file].voices, *voices))
            errors += [p for p in problems if p.is_error]
            warnings += [p for p in problems if not p.is_error]
        try:
            story, problems = parse(path, projects[file])
        except SourceError as exc:
            errors += exc.problems
            continue
        stories.append(story)
        warnings += problems
    if errors:
        raise SourceError(errors + warnings)
    return stories, warnings


def check_slugs(slugs: list[str]) -> None:
    if duplicates := sorted({s for s in slugs if slugs.count(s) > 1}):
        raise UsageError(f"two stories share the output folder name {duplicates[0]!r}; rename one folder")


def check_languages(languages: list[tuple[str, ...]], options: Options) -> None:
    """Each --lang must be a language of some story (`languages`: each story's)."""
    for lang in options.languages:
        if not any(lang in story_languages for story_languages in languages):
            known = sorted({lang for story_languages in languages for lang in story_languages})
            raise UsageError(f"--lang {lang}: no story has that language (they have {', '.join(known)})")


def build(sources: list[Path], targets: list[str], output: Path, options: Options,
          progress: CatalogProgress | None = None) -> RunResult:
    source_date_epoch()  # a SOURCE_DATE_EPOCH no output can carry stops the run before anything is read
    files = find_stories(sources)
    cache = Cache(output / CACHE_FOLDER)
    records = Records(cache, targets, _settings(options))
    unchanged = {f: record for f in files if (record := records.unchanged(f, output))}
    if len(unchanged) < len(files):
        prepare_workers(options.jobs, options.cluster)
    stories, warnings = parse_stories([f for f in files if f not in unchanged], options.config, options.voices)
    warnings += [problem for f, record in unchanged.items() for problem in _replayed(f, record)]
    check_slugs([s.slug for s in stories] + [r.slug for r in unchanged.values()])
    check_languages([s.languages for s in stories] + [r.languages for r in unchanged.values()], options)
    refuse_output_among_sources(output, [s for s in sources or [DEFAULT_SOURCE] if s.is_dir()],
                                [f.parent.resolve() for f in files])
    if options.strict and warnings:
        raise SourceError(warnings)
    result = RunResult(warnings)
    built: dict[str, list[FormatResult]] = {}
    if stories:
        built = _build_all(stories, targets, output, options, records, warnings, progress, result)
    for record in unchanged.values():
        built[record.slug] = _recorded_results(record, targets, output)
    slugs = {**{s.source: s.slug for s in stories}, **{f: r.slug for f, r in unchanged.items()}}
    result.results = [r for f in files for r in built.get(slugs[f], [])]
    result.cache_stats = cache.stats
    cache.log_rebuilt()  # one line for the run, however many entries (after an upgrade: all of them)
    return result


def _settings(options: Options) -> dict:
    """What of the options and the environment changes the outputs (not --jobs or --cluster: they never do)."""
    return {"languages": list(options.languages), "tts": options.tts, "offline": options.offline,
            "narration": options.narration, "overlay": options.overlay, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", ""),
            "config": str(options.config or ""), "voices": [[lang, str(path)] for lang, path in options.voices]}


def _build_all(stories: list[Story], targets: list[str], output: Path, options: Options, records: Records,
               warnings: list[Problem], progress: CatalogProgress | None,
               result: RunResult) -> dict[str, list[FormatResult]]:
    """Every story's formats through the run's workers, then its report, manifest and record."""
    from .workers import open_workers
    from .workers.schedule import Schedule

    engines: dict = {}  # the narration engines of this run, shared by its stories
    workers = open_workers(options.jobs, options.cluster, records.cache, engines)  # a bad --cluster: nothing written
    try:
        finish = lambda story, results: _finish_story(story, results, output, records, workers, options,  # noqa: E731
                                                      warnings)
        with output_run(output):
            built = Schedule(stories, targets, output, options, records.cache, workers, engines, finish,
                             progress).run()
    finally:
        workers.close()
    result.workers, result.retried = workers.usage(), workers.retried()
    return {story.slug: [r for r in built if r.story == story.slug] for story in stories}


def _finish_story(story: Story, results: list[FormatResult], output: Path, records: Records, workers: Workers,
                  options: Options, warnings: list[Problem]) -> None:
    """The story's report (every check of every output: a task, the checks are work too), manifest
    (every file, with its sha256) and, when every format was built, its record (so that the next
    run can skip it if nothing changes)."""
    from .report.build import check_books, failed_outputs, known_checks
    from .store.layout import LEDGER, REPORT_HTML, REPORT_JSON
    from .store.manifest import describe_files, published_files, write_manifest
    from .store.output import write_text
    from .workers.local import InlineWorkers
    from .workers.parcels import OutputFiles

    folder = output / story.slug
    details = {o.path.relative_to(folder).as_posix(): o.manifest_entry() for r in results for o in r.outputs}
    if not folder.is_dir():
        return
    failures = [{"format": r.format, "error": r.error} for r in results if r.error]
    ledger = (LEDGER,) if (folder / LEDGER).is_file() else ()  # which of the page's images this run wrote
    files = OutputFiles(folder, tuple(p.relative_to(folder).as_posix() for p in published_files(folder)) + ledger)
    mine = [p for p in warnings if p.path == story.source]
    entries = describe_files(folder, details)
    if workers.local:  # one JVM for the run's books, not one a worker
        check_books(story, folder, entries, records.cache)
    known, complete = known_checks(entries, records.cache)
    maker = InlineWorkers(records.cache) if complete else workers  # nothing left to check: no need to send it
    known = {} if maker.local else known  # a worker on this machine reads the cache itself
    report, page = maker.submit(story_report, story, files, entries, mine, failures, options.jobs, known).result()
    write_text(folder / REPORT_JSON, report)
    write_text(folder / REPORT_HTML, page)
    write_manifest(folder, story, details)
    _fail_what_the_report_fails(results, folder, failed_outputs(json.loads(report)))
    if not any(r.error for r in results):
        records.record(story.source, story.files(), output, _record(story, folder, results, warnings),
                       absent=_absent_files(story))


def _absent_files(story: Story) -> tuple[Path, ...]:
    """Files that would change the story if they appeared: a project file nearer than the one it
    took, a pronunciation lexicon for one of the languages its text is in."""
    from .source.lexicons import lexicon_places
    from .source.project import nearer_project_file_places
    from .text.accessibility import tagged_languages

    tags = dict.fromkeys(lang for article in story.articles for lang in (article.lang, *tagged_languages(article)))
    lexicons = tuple(path for path in lexicon_places(story.source, tuple(tags)) if not path.exists())
    return nearer_project_file_places(story.source, story.project_file) + lexicons


def _fail_what_the_report_fails(results: list[FormatResult], folder: Path, failed: dict[str, str]) -> None:
    """A format whose output fails a check (an EPUBCheck error, a PDF showing boxes) failed: the
    run says so and exits 1, as when it could not be built."""
    for result in results:
        result.rejected = {name: failed[name] for o in result.outputs
                           if (name := o.path.relative_to(folder).as_posix()) in failed}
        if result.rejected and not result.error:
            result.error = "; ".join(f"{name} fails {why}" for name, why in result.rejected.items())
            log.error("%s: %s", result.story, result.error)


def story_report(worker: Worker, story: Story, files: OutputFiles, entries: list[dict], problems: list[Problem],
                 failures: list[dict[str, str]], jobs: int, known: dict[str, tuple[bytes, dict]]) -> tuple[str, str]:
    """A task: report.json and report.html, from the story's output files as this worker reads them
    (`problems` are the story's own, here pointed at its source as this worker has it; `known`,
    the checks already made of these files, from the driver's cache)."""
    from .report.build import report_texts
    from .workers.task import WorkerCache

    if isinstance(worker.cache, WorkerCache):
        worker.cache.know(known)
    problems = [dataclasses.replace(p, path=story.source) for p in problems]
    return report_texts(story, files.folder, entries, problems, failures, worker.cache, jobs)


def _record(story: Story, folder: Path, results: list[FormatResult], warnings: list[Problem]) -> StoryRecord:
    mine = tuple((os.path.relpath(p.path, story.folder), p.line, p.message, p.severity) for p in warnings
                 if p.path == story.source)
    outputs = {r.format: [(o.path.relative_to(folder).as_posix(), o.format, o.lang, dict(o.details))
                          for o in r.outputs] for r in results}
    return StoryRecord(story.slug, story.languages, mine, outputs)


def _replayed(story_file: Path, record: StoryRecord) -> list[Problem]:
    """The warnings a story had when it was last built (it has not changed since)."""
    return [Problem(story_file.parent / name, line, message, severity)
            for name, line, message, severity in record.warnings]


def _recorded_results(record: StoryRecord, targets: list[str], output: Path) -> list[FormatResult]:
    folder = output / record.slug
    return [FormatResult(record.slug, target, [Output(folder / name, fmt, lang, details)
                                               for name, fmt, lang, details in record.outputs.get(target, [])])
            for target in targets]
