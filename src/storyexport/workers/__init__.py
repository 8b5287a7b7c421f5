"""Where heavy work runs: in this process (--jobs 1), in worker processes (--jobs N) or on a Ray cluster (--cluster).

A builder runs in the driver (the `storyexport` process): it decides what is out of date,
hands each heavy step (speaking a sentence, encoding a narration, laying out a PDF, making an
EPUB or a page) to `BuildContext.submit` as a task, and writes what comes back. A task is a
module-level function `task(worker, *args)`; `worker` (workers.task.Worker) holds what a worker
keeps between tasks: its voices, loaded once, and its view of the run's cache. Only the driver
writes outputs and the cache, so every output is written atomically whatever ran the task.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..formats import Output

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..store.cache import Cache
    from .task import WorkerUsage


BUILDING: ContextVar[str | None] = ContextVar("storyexport_building", default=None)  # the story a thread builds


@dataclass
class FormatResult:
    """What one format of one story came to: the files written, or why it failed."""

    story: str
    format: str
    outputs: list[Output] = field(default_factory=list)
    error: str | None = None
    rejected: dict[str, str] = field(default_factory=dict)  # output file -> the report's failing check


class CatalogProgress(Protocol):
    """What the run tells the display: one line per story and task, and the catalog as a whole."""

    def started(self, stories: int) -> None: ...

    def step(self, story: str, task: str, done: int, total: int) -> None: ...

    def finished(self, story: str) -> None: ...


class Workers(Protocol):
    """The run's workers: they take tasks and give back futures of their results."""

    capacity: int  # how many tasks run at once
    local: bool  # on this machine: a task reads the run's files and cache where they are

    def submit(self, task: Callable[..., Any], *args: Any) -> Future: ...

    def usage(self) -> dict[str, WorkerUsage]:
        """Each worker's peak memory and processor time, by a label naming the worker."""
        ...

    def retried(self) -> int:
        """How many tasks were run again because the worker running them was lost."""
        ...

    def cancel(self) -> None:
        """Stop at once (Ctrl-C): running tasks are abandoned, queued ones never start."""
        ...

    def close(self) -> None: ...


def prepare_workers(jobs: int, cluster: str | None) -> None:
    """Start, before the stories are read, what the run's worker processes will come from (a run
    with something to build calls it; the workers themselves start with the first task)."""
    if jobs > 1 and not cluster:
        from .local import start_fork_server

        start_fork_server()


def open_workers(jobs: int, cluster: str | None, cache: Cache, engines: dict[str, Any]) -> Workers:
    """The run's workers: one per CPU of a Ray cluster, else `jobs` processes, else this thread (--jobs 1)."""
    if cluster:
        from .ray_cluster import RayWorkers

        return RayWorkers(cluster, cache)
    from .local import InlineWorkers, ProcessWorkers

    return ProcessWorkers(jobs, cache) if jobs > 1 else InlineWorkers(cache, engines)
