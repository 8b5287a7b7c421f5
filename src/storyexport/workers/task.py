"""The worker side of a task: what a worker keeps between tasks, and what a task hands back to the driver."""

from __future__ import annotations

import logging
import os
import pickle
import resource
import threading
import traceback
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store.cache import Cache, holds

RECENT_BYTES = 64 * 2**20  # what a worker keeps of the entries it made, for its next tasks


@dataclass(frozen=True)
class CacheEntry:
    key: str
    data: bytes
    info: dict
    kind: str


class WorkerCache(Cache):
    """A worker's view of the run's cache: the driver's cache folder when this machine has it
    (read only), the entries this worker made lately, and a list of new entries for the driver,
    which alone writes the cache."""

    def __init__(self, folder: Path | None):
        super().__init__(folder or Path())
        self.readable = folder is not None
        self.recent: OrderedDict[str, tuple[bytes, dict]] = OrderedDict()
        self.recent_bytes = 0
        self.new: dict[str, CacheEntry] = {}  # by key: what this task made, for the driver

    def get(self, key: str, kind: str = "blob", counted_as: str | None = None) -> tuple[bytes, dict] | None:
        counted = counted_as or kind
        if key in self.new:  # made by this task (and perhaps no longer among the recent): never made twice
            self.stats[f"hit:{counted}"] += 1
            return self.new[key].data, self.new[key].info
        if key in self.recent:
            self.recent.move_to_end(key)
            self.stats[f"hit:{counted}"] += 1
            return self.recent[key]
        if not self.readable:
            self.stats[f"miss:{counted}"] += 1
            return None
        return self._read(key, kind, counted)

    def _read(self, key: str, kind: str, counted: str) -> tuple[bytes, dict] | None:
        import json

        blob_path, record_path = self._paths(key)
        try:
            record = json.loads(record_path.read_text("utf-8"))
            data = blob_path.read_bytes()
        except (OSError, ValueError):
            record, data = None, b""
        if not holds(record, key, kind, data):
            self.stats[f"miss:{counted}"] += 1  # a damaged entry is the driver's to remove; here it is a miss
            return None
        self.stats[f"hit:{counted}"] += 1
        return data, record.get("info", {})

    def know(self, entries: dict[str, tuple[bytes, dict]]) -> None:
        """Entries of the driver's cache that came with a task (for a worker that cannot read it)."""
        for key, (data, info) in entries.items():
            self._remember(key, data, info)

    def put(self, key: str, data: bytes, info: dict | None = None, kind: str = "blob") -> None:
        self.new[key] = CacheEntry(key, data, info or {}, kind)
        self._remember(key, data, info or {})

    def _remember(self, key: str, data: bytes, info: dict) -> None:
        if key not in self.recent:
            self.recent[key] = (data, info)
            self.recent_bytes += len(data)
        while self.recent_bytes > RECENT_BYTES and len(self.recent) > 1:
            self.recent_bytes -= len(self.recent.popitem(last=False)[1][0])

    def handed_over(self) -> tuple[list[CacheEntry], Counter[str]]:
        """The entries and the reads since the last call, for the driver."""
        new, stats = list(self.new.values()), self.stats
        self.new, self.stats = {}, Counter()
        return new, stats


@dataclass
class Worker:
    """What a worker keeps between tasks: the narration engines it loaded and its view of the cache."""

    cache: Cache
    engines: dict[str, Any] = field(default_factory=dict)
    cancelled: threading.Event = field(default_factory=threading.Event)  # set when the run is interrupted

    def stop_if_cancelled(self) -> None:
        """Raises KeyboardInterrupt once the run is interrupted; long steps call it as they go (a
        worker in the driver's process sees the run's interruption here; one in a process of its
        own is ended instead)."""
        if self.cancelled.is_set():
            raise KeyboardInterrupt


@dataclass(frozen=True)
class LogLine:
    """A log record made in a worker, as the driver's handlers will show it."""

    logger: str
    level: int
    message: str
    exc_text: str | None = None

    def emit(self) -> None:
        logger = logging.getLogger(self.logger)
        if logger.isEnabledFor(self.level):
            logger.handle(logging.makeLogRecord({
                "name": self.logger, "levelno": self.level, "levelname": logging.getLevelName(self.level),
                "msg": self.message, "args": None, "exc_text": self.exc_text}))


@dataclass(frozen=True)
class TaskOutcome:
    """A task's result or error, with what the driver must do for it: store the cache entries the
    task made, show its log lines, count its cache reads and note the worker's memory."""

    value: Any
    error: BaseException | None
    entries: list[CacheEntry]
    reads: Counter[str]
    log: list[LogLine]
    worker: str  # "host:pid"
    usage: WorkerUsage  # the worker process's so far


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[LogLine] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc_text = logging.Formatter().formatException(record.exc_info) if record.exc_info else record.exc_text
        self.lines.append(LogLine(record.name, record.levelno, record.getMessage(), exc_text))


def perform(worker: Worker, task: Callable[..., Any], args: tuple, name: str) -> TaskOutcome:
    """Run `task(worker, *args)` in a worker, catching its log lines and its error for the driver."""
    collector = _Collector()
    logging.getLogger().addHandler(collector)
    try:
        value, error = task(worker, *args), None
    except Exception as exc:  # the driver raises it where the task was asked for
        value, error = None, _portable(exc)
    finally:
        logging.getLogger().removeHandler(collector)
    entries, reads = worker.cache.handed_over() if isinstance(worker.cache, WorkerCache) else ([], Counter())
    return TaskOutcome(value, error, entries, reads, collector.lines, name, usage())


def _portable(exc: Exception) -> Exception:
    """The error as the driver can receive it, with the worker's traceback as a note."""
    exc.add_note("in a storyexport worker:\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # an error that cannot travel is described instead
        portable = RuntimeError(f"{type(exc).__name__}: {exc}")
        portable.__notes__ = list(getattr(exc, "__notes__", []))
        return portable


@dataclass(frozen=True)
class WorkerUsage:
    """What a worker has used so far: its peak resident memory, and processor time (with the
    programs it ran, such as EPUBCheck's Java)."""

    peak_memory: int  # bytes
    cpu_seconds: float


def usage() -> WorkerUsage:
    own, programs = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + programs.ru_utime + programs.ru_stime
    return WorkerUsage(own.ru_maxrss * 1024, cpu)  # Linux counts the peak in kilobytes


def worker_name() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"


def set_up_logging(levels: dict[str, int]) -> None:
    """A worker's loggers at the driver's levels; its records go back with each task's outcome."""
    from ..pipeline import configure_libraries

    root = logging.getLogger()
    root.handlers[:] = []
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
    configure_libraries()


def driver_levels() -> dict[str, int]:
    """The driver's log levels that workers copy (the root's and storyexport's)."""
    return {"": logging.getLogger().getEffectiveLevel(),
            "storyexport": logging.getLogger("storyexport").getEffectiveLevel()}
