"""The run's units of work: each story's formats (a language apart where the builder allows), then its report.

Units run in threads of the driver as soon as the units they need are done; their heavy steps
go to the run's workers (BuildContext.submit). A few stories are open at once, in catalog order,
so that memory and the progress display stay bounded however long the catalog is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BuildError, OutputError
from ..formats import BuildContext, Options, get_builder
from ..model import Story
from ..store.cache import Cache
from ..store.output import remove_stale_temps
from . import BUILDING, CatalogProgress, FormatResult, Workers

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Unit:
    """One builder over one story, for one language or (lang None) all of them."""

    story: Story
    target: str
    lang: str | None
    needs: list[Unit]
    result: FormatResult | None = None


def story_units(story: Story, targets: list[str], languages: tuple[str, ...]) -> list[Unit]:
    """A story's units, each needing the units (of its language, or all) of the formats its builder
    needs, whatever order the targets come in."""
    units = [Unit(story, target, lang, []) for target in targets
             for lang in (languages if get_builder(target).per_language else (None,))]
    for unit in units:
        needs = get_builder(unit.target).needs
        unit.needs = [u for u in units if u.target in needs and (unit.lang is None or u.lang in (unit.lang, None))]
    return units


Finish = Callable[[Story, list[FormatResult]], None]  # the story's report and manifest, once its formats are done


class Schedule:
    """Runs every unit of every story, a few stories at a time, and each story's finish after its units."""

    def __init__(self, stories: list[Story], targets: list[str], output: Path, options: Options, cache: Cache,
                 workers: Workers, engines: dict, finish: Finish, progress: CatalogProgress | None = None):
        self.stories, self.targets, self.output, self.options = stories, targets, output, options
        self.cache, self.workers, self.finish, self.progress = cache, workers, finish, progress
        self.engines = engines  # the narration engines of this run, shared by its stories
        self.cancelled = threading.Event()
        self.waiting = list(stories)  # the stories not yet begun, in catalog order
        self.open_at_once = max(2, workers.capacity + 1)  # enough to keep every worker busy
        self.open: dict[str, list[Unit]] = {}  # the units of the stories being built (a few at once), by slug
        self.running: dict[Future, Unit | Story] = {}  # a unit, or a story whose report is being written
        self.results: dict[str, list[FormatResult]] = {}
        self.threads = ThreadPoolExecutor(2 * workers.capacity if workers.capacity > 1 else 1,
                                          thread_name_prefix="storyexport-unit")

    def run(self) -> list[FormatResult]:
        if self.progress:
            self.progress.started(len(self.stories))
        try:
            while self.waiting or self.open:
                self._open_stories()
                self._start_ready()
                assert self.running, "units wait for each other: a builder's `needs` make a cycle"
                done, _ = wait(self.running, return_when=FIRST_COMPLETED)
                for future in done:
                    item = self.running.pop(future)
                    if isinstance(item, Story):
                        future.result()
                        self._story_done(item)
                    else:
                        item.result = future.result()
                        self._finish_when_built(item.story)
        except BaseException:  # Ctrl-C or SIGTERM: builders stop at their next step; nothing half-written
            self.cancelled.set()
            self.workers.cancel()
            raise
        finally:
            self.threads.shutdown(wait=True, cancel_futures=True)
        return [result for story in self.stories for result in self.results.get(story.slug, [])]

    def _open_stories(self) -> None:
        """Begin stories while fewer than `open_at_once` have formats to build (a story whose
        formats are built only waits for its report, which gives the workers little to do: its
        books' EPUBCheck runs in the driver), and fewer than twice that are open."""
        while (self.waiting and len(self.open) < 2 * self.open_at_once
               and sum(any(u.result is None for u in units) for units in self.open.values()) < self.open_at_once):
            story = self.waiting.pop(0)
            remove_stale_temps(self.output / story.slug)
            self.open[story.slug] = story_units(story, self.targets, self._languages(story))
            self._finish_when_built(story)  # at once if there is nothing to build in the languages asked for

    def _finish_when_built(self, story: Story) -> None:
        """Once every unit of the story is done: its report and manifest (Finish), in a thread."""
        units = self.open[story.slug]
        if all(u.result is not None for u in units):
            self.results[story.slug] = merged(units, self.targets)
            self.running[self.threads.submit(self._finish, story, self.results[story.slug])] = story

    def _finish(self, story: Story, results: list[FormatResult]) -> None:
        BUILDING.set(story.slug)  # log lines say which story they are about
        if self.progress:
            self.progress.step(story.slug, "report", 0, 1)  # the checks take a while too
        self.finish(story, results)

    def _story_done(self, story: Story) -> None:
        del self.open[story.slug]
        if self.progress:
            self.progress.finished(story.slug)

    def _start_ready(self) -> None:
        started = {id(item) for item in self.running.values()}
        for units in self.open.values():
            for unit in units:
                if unit.result is None and id(unit) not in started and all(n.result is not None for n in unit.needs):
                    self.running[self.threads.submit(self._run_unit, unit)] = unit

    def _run_unit(self, unit: Unit) -> FormatResult:
        BUILDING.set(unit.story.slug)  # log lines say which story they are about
        outcome = FormatResult(unit.story.slug, unit.target)
        try:
            outcome.outputs = get_builder(unit.target).build(unit.story, self._context(unit))
        except BuildError as exc:
            outcome.outputs, outcome.error = exc.outputs, str(exc)
            log.error("%s: %s", unit.story.slug, exc)
        except OutputError as exc:  # this format could not be written; the others may still be
            outcome.error = f"{exc.category}: {exc}"
            log.error("%s: %s", unit.story.slug, outcome.error)
        except Exception as exc:
            if self.cancelled.is_set():  # the run was interrupted: its tasks were cancelled, the workers stopped
                outcome.error = "interrupted"
                return outcome
            # a bug: this format fails, the others are built and reported
            outcome.error = f"internal error: {type(exc).__name__}: {exc}"
            log.error("%s: %s: %s (a bug in storyexport; re-run with -v for the traceback and report it)",
                      unit.story.slug, unit.target, outcome.error)
            log.debug("traceback of the %s failure", unit.target, exc_info=True)
        return outcome

    def _context(self, unit: Unit) -> BuildContext:
        options = replace(self.options, languages=(unit.lang,)) if unit.lang else self.options
        slug, progress = unit.story.slug, self.progress
        report = (lambda task, done, total: progress.step(slug, task, done, total)) if progress else None
        ctx = BuildContext(self.output / slug, self.cache, options, cancelled=self.cancelled,
                           engines=self.engines, workers=self.workers)
        if report:
            ctx.report_progress = report
        return ctx

    def _languages(self, story: Story) -> tuple[str, ...]:
        wanted = self.options.languages
        return tuple(lang for lang in story.languages if not wanted or lang in wanted)


def merged(units: list[Unit], targets: list[str]) -> list[FormatResult]:
    """One result per format: its languages' outputs in order, and every language's error."""
    results = []
    for target in targets:
        parts = [u.result for u in units if u.target == target and u.result is not None]
        errors = [p.error for p in parts if p.error]
        if parts:
            results.append(FormatResult(parts[0].story, target, [o for p in parts for o in p.outputs],
                                        "\n".join(errors) if errors else None))
    return results
