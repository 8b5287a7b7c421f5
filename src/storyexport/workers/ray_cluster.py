"""Workers on a Ray cluster (--cluster): one actor per CPU, each keeping its voices loaded.

Stories travel as parcels (the model and its photos' bytes, put in Ray's object store once per
story), so the nodes need no shared file system, only the same storyexport installed. Results
come back as bytes; the driver writes every output and keeps the cache, so a rerun sends only
what changed. A task whose worker is lost (its process or its node died) is sent to another one.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import socket
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import BuildError, UsageError
from ..model import Story
from ..store.cache import Cache
from .local import Settlement
from .parcels import OutputFiles, StoryParcel, pack, unpack
from .task import TaskOutcome, Worker, WorkerCache, WorkerUsage, driver_levels, perform, set_up_logging, worker_name

log = logging.getLogger(__name__)
INSTALL_HINT = "pip install 'storyexport[ray]' on this machine and on every node of the cluster"
IN_FLIGHT = 2  # tasks sent ahead to each worker, so that it never waits for the driver
ATTEMPTS = 4  # a task is given up when this many workers were lost running it
PARCELS_KEPT = 32  # stories whose parcels stay in the object store (the stories being built)
STARTUP_SECONDS = 300  # for the workers to start and answer (a busy cluster may queue them)


def _ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # storyexport sends nothing anywhere
    try:
        import ray
    except ImportError:
        raise UsageError(f"--cluster needs Ray: {INSTALL_HINT}") from None
    return ray


@dataclass(frozen=True)
class ParcelRef:
    """A story parcel in the object store, by reference (a worker fetches and unpacks it once)."""

    ref: Any  # ray.ObjectRef


class StoryWorker:
    """A Ray actor: one worker of the run, with its voices, its view of the cache and its unpacked stories."""

    def __init__(self, levels: dict[str, int]):
        set_up_logging(levels)
        self.worker = Worker(WorkerCache(None))
        self.scratch = Path(tempfile.mkdtemp(prefix="storyexport-worker-"))
        tempfile.tempdir = str(self.scratch)  # whatever the libraries leave in temp goes when the worker does
        self.stories: OrderedDict[str, Story] = OrderedDict()

    def identity(self) -> tuple[str, str, str, str, str]:
        """storyexport's version and code digest here, this worker's name, its node and scratch folder."""
        import ray

        from ..store.freshness import code_digest

        return __version__, code_digest(), worker_name(), ray.get_runtime_context().get_node_id(), str(self.scratch)

    def run(self, task: Callable[..., Any], *args: Any) -> TaskOutcome:
        place = Path(tempfile.mkdtemp(prefix="task-", dir=self.scratch))  # this task's files, gone after it
        try:
            return perform(self.worker, task, tuple(self._here(arg, place) for arg in args), worker_name())
        finally:
            shutil.rmtree(place, ignore_errors=True)

    def _here(self, arg: Any, place: Path) -> Any:
        """An argument as a task here uses it: a story read from this worker's scratch folder (kept
        for the story's next tasks), an output folder's files written for this task alone."""
        if isinstance(arg, OutputFiles):
            return arg.unpacked(place)
        if not isinstance(arg, ParcelRef):
            return arg
        key = arg.ref.hex()
        if key not in self.stories:
            import ray

            parcel: StoryParcel = ray.get(arg.ref)
            self.stories[key] = unpack(parcel, self.scratch / key)
            while len(self.stories) > PARCELS_KEPT:
                shutil.rmtree(self.scratch / self.stories.popitem(last=False)[0], ignore_errors=True)
        self.stories.move_to_end(key)
        return self.stories[key]


def remove_folder(path: str) -> None:
    """A task pinned to a node: remove an ended worker's scratch folder (photos, temporary files)."""
    shutil.rmtree(path, ignore_errors=True)


@dataclass(eq=False)
class _Job:
    task: Callable[..., Any]
    args: tuple
    future: Future
    attempts: int = 0
    lost_on: list[str] = field(default_factory=list)


class RayWorkers:
    """The run's workers on a Ray cluster; a thread of the driver hands them tasks and collects results."""

    local = False

    def __init__(self, address: str, cache: Cache):
        self.ray = _ray()
        self.connected_here = _connect(self.ray, address)
        self.settlement = Settlement(cache)
        try:
            self.actors, self.scratch = _start_actors(self.ray)
        except BaseException:
            if self.connected_here:
                self.ray.shutdown()  # its actors end with the connection
            raise
        self.capacity = len(self.actors)
        self.parcels: OrderedDict[int, tuple[Story, ParcelRef]] = OrderedDict()
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.in_flight: dict[Any, tuple[_Job, Any]] = {}  # ObjectRef -> (job, actor)
        self.pending: set[_Job] = set()  # submitted and not yet settled
        self.retries = 0
        self.closed = False
        self.stopping = threading.Event()
        self.dispatcher = threading.Thread(target=self._dispatch, name="storyexport-ray", daemon=True)
        self.dispatcher.start()

    def submit(self, task: Callable[..., Any], *args: Any) -> Future:
        job = _Job(task, tuple(self._sendable(arg) for arg in args), Future())
        self.pending.add(job)
        job.future.add_done_callback(lambda _: self.pending.discard(job))
        self.jobs.put(job)
        return job.future

    def _sendable(self, arg: Any) -> Any:
        """An argument as it travels: a story as its parcel, an output folder's files as their bytes."""
        if isinstance(arg, Story):
            return self._parcel(arg)
        if isinstance(arg, OutputFiles):
            return arg.packed()
        return arg

    def _parcel(self, story: Story) -> ParcelRef:
        """The story's parcel, put in the object store on its first task (stories are kept by identity)."""
        kept = self.parcels.get(id(story))
        if kept is None or kept[0] is not story:
            kept = (story, ParcelRef(self.ray.put(pack(story))))
            self.parcels[id(story)] = kept
            while len(self.parcels) > PARCELS_KEPT:
                self.parcels.popitem(last=False)
        return kept[1]

    def _dispatch(self) -> None:
        waiting: list[_Job] = []
        while not self.stopping.is_set():
            waiting += self._new_jobs(block=not waiting and not self.in_flight)
            waiting = self._send(waiting)
            if self.in_flight:
                ready, _ = self.ray.wait(list(self.in_flight), num_returns=1, timeout=0.2)
                for ref in ready:
                    job, actor = self.in_flight.pop(ref)
                    waiting += self._collect(job, actor, ref)

    def _new_jobs(self, block: bool) -> list[_Job]:
        jobs = []
        try:
            job = self.jobs.get(timeout=0.2) if block else self.jobs.get_nowait()
            while job is not None:
                jobs.append(job)
                job = self.jobs.get_nowait()
        except queue.Empty:
            pass
        return jobs

    def _send(self, waiting: list[_Job]) -> list[_Job]:
        """Hand waiting jobs to the least busy workers; the jobs that found no room wait on."""
        if not self.actors:
            for job in waiting:
                job.future.set_exception(BuildError("every Ray worker was lost; see the cluster's logs"))
            return []
        load = {id(a): 0 for a in self.actors}
        for _, actor in self.in_flight.values():
            load[id(actor)] = load.get(id(actor), 0) + 1
        while waiting:
            actor = min(self.actors, key=lambda a: load[id(a)])
            if load[id(actor)] >= IN_FLIGHT:
                break
            job = waiting.pop(0)
            if job.future.cancelled():
                continue
            self.in_flight[actor.run.remote(job.task, *job.args)] = (job, actor)
            load[id(actor)] += 1
        return waiting

    def _collect(self, job: _Job, actor: Any, ref: Any) -> list[_Job]:
        """Settle a finished job; a job whose worker was lost is returned, to be sent again."""
        exceptions = self.ray.exceptions
        try:
            outcome = self.ray.get(ref)
        except (exceptions.RayActorError, exceptions.WorkerCrashedError, exceptions.NodeDiedError,
                exceptions.ObjectLostError) as lost:
            return self._lost(job, actor, lost)
        except exceptions.RayError as error:  # the task could not run at all (e.g. it could not be unpickled)
            job.future.set_exception(BuildError(f"a task failed on the Ray cluster: {error}"))
            return []
        self.settlement.settle(job.future, outcome)
        return []

    def _lost(self, job: _Job, actor: Any, error: Exception) -> list[_Job]:
        if actor in self.actors:
            self.actors.remove(actor)
            log.warning("a Ray worker was lost (%s); %d left, its tasks go to the others",
                        type(error).__name__, len(self.actors))
        job.attempts += 1
        if job.attempts >= ATTEMPTS:
            job.future.set_exception(BuildError(f"a task was lost with {ATTEMPTS} Ray workers; giving up"))
            return []
        self.retries += 1
        return [job]

    def usage(self) -> dict[str, WorkerUsage]:
        return dict(self.settlement.usage)

    def retried(self) -> int:
        return self.retries

    def cancel(self) -> None:
        self.stopping.set()
        for job in list(self.pending):
            job.future.cancel()
        self.close()

    def close(self) -> None:
        """End the workers, then remove their scratch folders, each by a task on its node."""
        if self.closed:
            return
        self.closed = True
        self.stopping.set()
        self.dispatcher.join(5)
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = []
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        alive = {node["NodeID"] for node in self.ray.nodes() if node.get("Alive")}
        remove = self.ray.remote(num_cpus=0)(remove_folder)
        removing = [remove.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)).remote(path)
                    for node, path in self.scratch if node in alive]
        self.ray.wait(removing, num_returns=len(removing), timeout=30)
        if self.connected_here:
            self.ray.shutdown()


def _connect(ray, address: str) -> bool:
    """Join the cluster; False when this process was already connected (then it stays so)."""
    if ray.is_initialized():
        return False
    _answers(os.environ.get("RAY_ADDRESS", "") if address == "auto" else address)
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING, configure_logging=False)
    except ValueError as error:  # e.g. "Ray Client requires pip package ray[client]"
        raise UsageError(f"--cluster {address}: {error}; {INSTALL_HINT}") from None
    except (ConnectionError, TimeoutError, RuntimeError) as error:
        raise UsageError(f"--cluster {address}: cannot reach the Ray cluster ({error}). Check the address "
                         "(ray://HOST:10001 for Ray Client, HOST:PORT, or auto with RAY_ADDRESS set) and "
                         "that the cluster runs (`ray status` on its head node)") from None
    return True


def _answers(address: str, seconds: float = 5.0) -> None:
    """A mistyped address is a clear error at once (Ray itself would retry it for minutes)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" without RAY_ADDRESS, or a form Ray will judge itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except OSError as error:
        raise UsageError(f"--cluster {address}: nothing answers at {host}:{port} ({error.strerror or error}). "
                         "Check the address (ray://HOST:10001 for Ray Client, HOST:6379 from a node of the "
                         "cluster) and that the cluster runs (`ray status` on its head node)") from None


def _start_actors(ray) -> tuple[list[Any], list[tuple[str, str]]]:
    """One worker per CPU of the cluster, each checked to run this very storyexport; and each
    worker's node and scratch folder."""
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if cpus < 1:
        raise UsageError("the Ray cluster has no CPU to run storyexport's workers")
    remote = ray.remote(num_cpus=1)(StoryWorker)
    actors = [remote.remote(driver_levels()) for _ in range(cpus)]
    ours = (__version__, _code_digest())
    try:
        identities = ray.get([a.identity.remote() for a in actors], timeout=STARTUP_SECONDS)
    except ray.exceptions.RayError as error:
        raise UsageError(f"storyexport's workers could not start on the Ray cluster ({error}); {INSTALL_HINT}") \
            from None
    for version, digest, where, *_ in identities:
        if (version, digest) != ours:
            raise UsageError(f"the Ray worker {where} runs storyexport {version} (code {digest[:12]}), this "
                             f"machine {ours[0]} (code {ours[1][:12]}): install the same storyexport on every node, "
                             "so that the outputs are the same wherever they are made")
    log.info("Ray cluster: %d workers on %d nodes", len(actors), len({node for *_, node, _ in identities}))
    return actors, [(node, scratch) for *_, node, scratch in identities]


def _code_digest() -> str:
    from ..store.freshness import code_digest

    return code_digest()
