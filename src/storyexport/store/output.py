"""Writing outputs atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError, UsageError, display_path
from .layout import CACHE_FOLDER, LOCK, TEMP_FOLDER

TEMP_PREFIX = ".storyexport-"
COPY_BLOCK = 1 << 20
log = logging.getLogger(__name__)


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it only if the block finishes."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=".tmp",
                                        dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError(_why(target, exc)) from exc
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, _umask_mode())
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError(_why(target, exc)) from exc
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def open_atomic(target: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A new file to write `target` through as the work goes (it can be read back and sought in
    too); renamed into place, durably (fsync) unless it is only a cache entry, if the block finishes."""
    with atomic_path(target) as temp, open(temp, "w+b") as stream:
        yield stream
        stream.flush()
        if durable:
            os.fsync(stream.fileno())


def write_bytes(target: Path, data: bytes, durable: bool = True) -> Path:
    """Write `data` to `target` atomically, and durably (fsync) unless it is only a cache entry."""
    with open_atomic(target, durable) as stream:
        stream.write(data)
    return target


def copy_file(target: Path, source: Path) -> Path:
    """Copy `source` to `target` atomically and durably, a block at a time."""
    with open_atomic(target) as stream, open(source, "rb") as original:
        shutil.copyfileobj(original, stream, COPY_BLOCK)
    return target


def move_file(target: Path, source: Path) -> Path:
    """Put the finished file `source` (written in the run's temporary folder, e.g. by a worker
    process) in place as `target`, atomically and durably: renamed when both are on one file
    system, else copied a block at a time."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(source, "rb") as made:
            os.fsync(made.fileno())
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise OutputError(_why(target, exc)) from exc
        copy_file(target, source)
        source.unlink(missing_ok=True)
    return target


def write_text(target: Path, text: str, durable: bool = True) -> Path:
    return write_bytes(target, text.encode("utf-8"), durable)


def remove_stale_temps(folder: Path) -> None:
    """Delete temporary files a killed run left behind (a clean run leaves none)."""
    if folder.is_dir():
        for temp in folder.rglob(f"{TEMP_PREFIX}*.tmp"):
            temp.unlink(missing_ok=True)


def refuse_output_among_sources(output: Path, sources: Iterable[Path], stories: Iterable[Path]) -> None:
    """Refuse (UsageError) an output folder that is, contains or lies inside a folder of stories or a
    story's folder: a run writes and tidies its output folders, which must never hold an author's files."""
    target = output.resolve()
    folders = [(folder, "the story folder") for folder in stories] + [(folder, "the source folder") for folder in sources]
    for folder, what in folders:
        real = folder.resolve()
        relation = ("is" if target == real else "lies inside" if target.is_relative_to(real)
                    else "contains" if real.is_relative_to(target) else None)
        if relation:
            raise UsageError(f"the output folder {display_path(output)}/ {relation} {what} {display_path(folder)}/: "
                             "storyexport would write among the story's own files. Give an output folder outside "
                             "the stories, e.g. -o output")


def _why(target: Path, exc: OSError) -> str:
    reasons = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EDQUOT: "the disk quota is exceeded"}
    reason = reasons.get(exc.errno, exc.strerror or str(exc))
    return f"cannot write {target.name} in {target.parent}: {reason}"


class _Process:
    """Lives as long as the process: its temporary folders are removed when it ends (weakref.finalize)."""


_PROCESS = _Process()
_TEMP_FOLDERS: set[Path] = set()  # the temporary folders this process uses


@contextlib.contextmanager
def output_run(output: Path) -> Iterator[None]:
    """One run's hold on an output folder: the lock; what killed runs left (temporary files in the
    cache, the temporary folder) removed; every temporary file of the run (WeasyPrint's fonts,
    eSpeak NG's and phonemizer's library copies...) kept in output/.storyexport-tmp/.

    That folder goes when the process ends, after the libraries' own clean-ups (a finalizer made
    before theirs runs after them), so a library still holding a file there is never cut short.
    """
    with output_lock(output):
        remove_stale_temps(output / CACHE_FOLDER)
        folder = (output / TEMP_FOLDER).resolve()
        if folder not in _TEMP_FOLDERS:  # else this process's own, still in use
            shutil.rmtree(folder, ignore_errors=True)
            _TEMP_FOLDERS.add(folder)
            weakref.finalize(_PROCESS, shutil.rmtree, folder, True)
        folder.mkdir(exist_ok=True)
        saved = tempfile.tempdir, os.environ.get("TMPDIR")
        tempfile.tempdir = os.environ["TMPDIR"] = str(folder)  # TMPDIR: for the processes a run starts
        try:
            yield
        finally:
            tempfile.tempdir = saved[0]
            if saved[1] is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved[1]


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder for this run; a second run on the same folder waits its turn."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK, "a+")
    except OSError as exc:
        raise OutputError(_why(folder / LOCK, exc)) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another storyexport run is writing to %s; waiting for it to finish", folder)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
