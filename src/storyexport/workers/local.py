"""Workers on this machine: the calling thread itself (--jobs 1) or a pool of worker processes (--jobs N)."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..store.cache import Cache
from .task import TaskOutcome, Worker, WorkerCache, WorkerUsage, driver_levels, perform, set_up_logging, worker_name

log = logging.getLogger(__name__)
PRELOAD = ["storyexport.workers.preload"]  # imported once in the fork server rather than in each worker


class InlineWorkers:
    """Tasks run in the thread that asks for them, with the run's own cache and engines: each when
    its result is first asked for, so tasks submitted together run one after another, in the order
    their results are read."""

    capacity = 1
    local = True

    def __init__(self, cache: Cache, engines: dict[str, Any] | None = None):
        self.worker = Worker(cache, engines if engines is not None else {})

    def submit(self, task: Callable[..., Any], *args: Any) -> Future:
        return _OnDemand(lambda: task(self.worker, *args))

    def usage(self) -> dict[str, WorkerUsage]:
        return {}

    def retried(self) -> int:
        return 0

    def cancel(self) -> None:
        self.worker.cancelled.set()  # a task running in one of the driver's threads stops at its next step

    def close(self) -> None:
        pass


class _OnDemand(Future):
    """A future whose work is done by the first thread that asks for its result."""

    def __init__(self, work: Callable[[], Any]):
        super().__init__()
        self._work: Callable[[], Any] | None = work
        self._claim = threading.Lock()

    def result(self, timeout: float | None = None) -> Any:
        with self._claim:
            if self._work is not None:
                work, self._work = self._work, None
                try:
                    self.set_result(work())
                except Exception as exc:
                    self.set_exception(exc)
        return super().result(timeout)


class ThreadWorkers(InlineWorkers):
    """Tasks in threads of this process, with the run's own cache and engines: for work that waits
    on the network rather than on the processor (gTTS)."""

    def __init__(self, count: int, cache: Cache, engines: dict[str, Any] | None = None):
        super().__init__(cache, engines)
        self.capacity = count
        self.pool = ThreadPoolExecutor(count, thread_name_prefix="storyexport-task")

    def submit(self, task: Callable[..., Any], *args: Any) -> Future:
        return self.pool.submit(task, self.worker, *args)

    def cancel(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class Settlement:
    """What the driver does with a task's outcome: stores its cache entries, shows its log lines,
    notes the worker's memory, then settles the future the builder waits on."""

    def __init__(self, cache: Cache):
        self.cache = cache
        self.usage: dict[str, WorkerUsage] = {}  # by worker, as its latest task left it
        self._lock = threading.Lock()

    def settle(self, future: Future, outcome: TaskOutcome) -> None:
        if future.cancelled():  # the run was interrupted: nothing more is stored
            return
        try:
            for entry in outcome.entries:
                self.cache.put(entry.key, entry.data, entry.info, kind=entry.kind)
            with self._lock:
                self.cache.stats.update(outcome.reads)
                self.usage[outcome.worker] = outcome.usage
            for line in outcome.log:
                line.emit()
        except Exception as exc:  # e.g. the cache's disk is full
            future.set_exception(exc)
            return
        if outcome.error is not None:
            future.set_exception(outcome.error)
        else:
            future.set_result(outcome.value)


def fork_server() -> multiprocessing.context.BaseContext:
    """Where worker processes come from: a fork server that imports PRELOAD once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    # the fork server's socket goes in multiprocessing's own temporary folder: made now, in the
    # system's, before the run points TMPDIR into the output folder, whose path may be too long
    # for a socket (107 bytes); multiprocessing removes it when the process ends
    multiprocessing.util.get_temp_dir()
    return context


def start_fork_server() -> None:
    """Start the fork server now, so that it imports the workers' libraries (about 1.5 s of
    processor time) while the run reads its stories, rather than after."""
    import multiprocessing.forkserver

    fork_server()
    multiprocessing.forkserver.ensure_running()


class ProcessWorkers:
    """A pool of worker processes, started on the first task (a run with nothing to do starts none).

    Workers come from a fork server: forked from a clean process that imported storyexport once,
    never from the driver with its threads. They ignore Ctrl-C, which the driver handles.
    """

    local = True

    def __init__(self, count: int, cache: Cache):
        self.capacity = count
        self.settlement = Settlement(cache)
        self.context, self.cache_folder = fork_server(), cache.folder.resolve()
        self.pool: ProcessPoolExecutor | None = None
        self.scratch: Path | None = None
        self.starting = threading.Lock()

    def _started(self) -> ProcessPoolExecutor:
        """The pool, made on the first task, with the workers' temporary files (e.g. eSpeak NG's private
        library copies) in a folder of the run's own temporary folder (output/.storyexport-tmp/, which
        the next run clears if this one is killed); removed with the pool, as a worker process ends
        without running atexit handlers."""
        with self.starting:
            if self.pool is None:
                self.scratch = Path(tempfile.mkdtemp(prefix="storyexport-workers-"))
                self.pool = ProcessPoolExecutor(self.capacity, mp_context=self.context, initializer=_start_worker,
                                                initargs=(self.cache_folder, driver_levels(), self.scratch,
                                                          os.getpid()))
            return self.pool

    def submit(self, task: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        running = self._started().submit(_perform, task, args)
        running.add_done_callback(lambda done: self._settle(future, done))
        return future

    def _settle(self, future: Future, done: Future) -> None:
        if done.cancelled():
            future.cancel()
        elif (error := done.exception()) is not None:  # the pool itself broke: a worker was killed
            future.set_exception(error)
        else:
            self.settlement.settle(future, done.result())

    def usage(self) -> dict[str, WorkerUsage]:
        return dict(self.settlement.usage)

    def retried(self) -> int:
        return 0

    def cancel(self) -> None:
        if self.pool is None:
            return
        # the pool's processes and result pipe, taken before shutdown, which forgets them
        processes, results = list((self.pool._processes or {}).values()), self.pool._result_queue
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
        if results is not None:
            # A worker ended while writing its result leaves half a message in the pipe, and the
            # pool's manager thread waits for the rest for ever (and with it every builder waiting
            # on a task, and the interpreter's exit). With the workers gone, closing the driver's
            # copy of the pipe's writing end ends that wait: the pool then fails its tasks.
            results._writer.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def close(self) -> None:
        if self.pool is None:
            return
        self.pool.shutdown(wait=True)
        shutil.rmtree(self.scratch, ignore_errors=True)


_WORKER: Worker | None = None  # this worker process's own, made by _start_worker


def _start_worker(cache_folder: Path, levels: dict[str, int], scratch: Path, driver: int) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides what Ctrl-C means
    threading.Thread(target=_end_with, args=(driver,), daemon=True, name="storyexport-driver-watch").start()
    tempfile.tempdir = os.environ["TMPDIR"] = str(scratch)  # TMPDIR: for the programs a task starts
    set_up_logging(levels)
    _WORKER = Worker(WorkerCache(cache_folder))


def _end_with(driver: int) -> None:
    """Ends this worker once the driver is gone: a driver killed outright (SIGKILL) cannot shut its
    pool down, and its workers (and their fork server) would wait for tasks for ever."""
    while True:
        time.sleep(1)
        try:
            os.kill(driver, 0)
        except (ProcessLookupError, PermissionError):  # gone (or its number is now another user's)
            os._exit(1)


def _perform(task: Callable[..., Any], args: tuple) -> TaskOutcome:
    assert _WORKER is not None, "a task ran in a process that was not started as a worker"
    return perform(_WORKER, task, args, worker_name())
