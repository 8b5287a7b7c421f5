"""The builder contract and the registry: one builder per output format, named as its CLI target."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..model import Story
from ..store.cache import Cache

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..workers import Workers


SENTENCE, WORD = "sentence", "word"
OVERLAY_LEVELS = (SENTENCE, WORD)  # what the EPUB's read-aloud highlights as it plays (--overlay)


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    languages: tuple[str, ...] = ()  # empty: every language of the story
    tts: str = "auto"
    offline: bool = False
    strict: bool = False
    jobs: int = 2  # tasks at once: worker processes when over 1 (with `cluster`: Ray workers)
    narration: bool = True  # False: text-only EPUBs (no audio, no media overlays)
    cluster: str | None = None  # a Ray cluster's address ("ray://host:10001", "auto"); None: this machine
    overlay: str = SENTENCE  # the EPUB's media overlays follow sentences or words (OVERLAY_LEVELS)
    voices: tuple[tuple[str, Path], ...] = ()  # --voice LANG=PATH (over the project configuration's)
    config: Path | None = None  # --config: the project configuration to use for every story


@dataclass
class BuildContext:
    """Where a builder writes and what it may use; one per story."""

    folder: Path  # output/<slug>/
    cache: Cache
    options: Options
    report_progress: Callable[[str, int, int], None] = lambda task, done, total: None
    cancelled: threading.Event = field(default_factory=threading.Event)
    engines: dict[str, Any] = field(default_factory=dict)  # this run's narration engines, by name (tts.get_engine)
    workers: Workers | None = None  # where heavy work runs (see `submit`); None: in the calling thread

    def submit(self, task: Callable[..., Any], *args: Any) -> Future:
        """Start heavy work where this run does it: in this thread, a worker process or a Ray worker.

        `task` is a module-level function called as `task(worker, *args)` (workers.task.Worker: the
        worker's voices and cache); its arguments and result travel by pickle. Only the driver
        writes: a task returns bytes, and the cache entries it makes are stored here.
        """
        if self.workers is None:
            from ..workers.local import InlineWorkers

            self.workers = InlineWorkers(self.cache, self.engines)
        return self.workers.submit(task, *args)

    @property
    def tasks_share_files(self) -> bool:
        """True when tasks run on this machine (this thread or worker processes): they can read
        the run's cache and write files in its temporary folder; False on a Ray cluster."""
        return self.workers is None or self.workers.local

    def run(self, task: Callable[..., Any], *args: Any) -> Any:
        """`submit`, then wait for the result (a task's error is raised here)."""
        return self.submit(task, *args).result()

    def progress(self, task: str, done: int, total: int) -> None:
        """Report progress; this is also where an interrupted run stops a builder (between steps)."""
        self.stop_if_cancelled()
        self.report_progress(task, done, total)

    def stop_if_cancelled(self) -> None:
        """Raises KeyboardInterrupt once the run is interrupted; long steps call it as they go."""
        if self.cancelled.is_set():
            raise KeyboardInterrupt

    def languages(self, story: Story) -> tuple[str, ...]:
        wanted = self.options.languages
        return tuple(lang for lang in story.languages if not wanted or lang in wanted)


@dataclass(frozen=True)
class Output:
    """A file a builder wrote: what it is, in which language, and what the manifest should say about it."""

    path: Path
    format: str | None  # what the report judges it as (store.layout: "epub", "print pdf"...); None: a part
    lang: str | None = None  # of a page, an image, a copy
    details: Mapping[str, Any] = field(default_factory=dict)  # JSON values for manifest and report

    def manifest_entry(self) -> dict[str, Any]:
        """The details, with the format and language the report reads back."""
        known = {"format": self.format, "lang": self.lang}
        return {**{k: v for k, v in known.items() if v is not None}, **self.details}


class Builder(Protocol):
    name: ClassVar[str]  # also the command-line target
    description: ClassVar[str]
    needs: ClassVar[tuple[str, ...]]  # formats to build first when they are asked for too
    per_language: ClassVar[bool]  # each language is a unit of work of its own (run in parallel)

    def build(self, story: Story, ctx: BuildContext) -> list[Output]: ...


# Every format by name, in the order `all` builds them (audio first: the others use its timings),
# and where its builder is. Imported only when asked for: each builder module imports this one,
# and a run with nothing to do needs none of them.
FORMATS = {
    "audio": "audio.builder:AudioBuilder",
    "html": "html.builder:HtmlBuilder",
    "epub": "epub.builder:EpubBuilder",
    "pdf": "pdf.builder:PdfBuilder",
}


def registry() -> dict[str, Builder]:
    """Every format's builder by name, in the order `all` builds them."""
    return {name: get_builder(name) for name in FORMATS}
# Formats built only when their command asks (not by `all`): the listening check.
ON_DEMAND = {"listen": "audio.listen_builder:ListenBuilder"}


def get_builder(name: str) -> Builder:
    if name not in FORMATS and name not in ON_DEMAND:
        raise KeyError(f"unknown format {name!r}; the formats are {', '.join(FORMATS)}")
    module, cls = {**FORMATS, **ON_DEMAND}[name].split(":")
    return getattr(importlib.import_module(f".{module}", __name__), cls)()
