"""Reading a story's files safely: no symlink is followed, only regular files are read, each within a size.

A path is opened one folder at a time from the story folder with O_NOFOLLOW, and the opened
file itself is checked (fstat), so swapping a photo for a symlink, or a folder for one, while
storyexport runs is refused rather than followed. Later reads of a photo (`photo_bytes`) must
give the very bytes checked at parse time (same sha256), so what was checked is what is published.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from ..errors import BuildError

NO_FOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # a FIFO would block a plain open


class UnsafeFile(Exception):
    """Why a file of the story cannot be read; the message is for the user (it names the file as written)."""


class SourceChanged(BuildError):
    """A source file changed (or became a symlink) between parsing and building: the format fails."""


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path` itself, refusing a symlink, anything but a regular file, and files over `limit`."""
    try:
        handle = os.open(path, NO_FOLLOW)
    except OSError as exc:
        raise UnsafeFile(_reason(exc)) from None
    return _read_open(handle, limit)


def read_inside(folder: Path, relative: str, limit: int) -> bytes:
    """The bytes of `relative` (a POSIX path, no `..`) under `folder`, opened without following any symlink."""
    parts = PurePosixPath(relative).parts
    try:
        current = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise UnsafeFile(f"the story folder cannot be read ({exc.strerror})") from None
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=current)
            os.close(current)
            current = inner
        handle = os.open(parts[-1], NO_FOLLOW, dir_fd=current)
    except OSError as exc:
        raise UnsafeFile(_reason(exc)) from None
    finally:
        os.close(current)
    return _read_open(handle, limit)


def _read_open(handle: int, limit: int) -> bytes:
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnsafeFile("is not a regular file")
        if status.st_size > limit:
            raise UnsafeFile(f"is {status.st_size // 2**20} MB; the limit is {limit // 2**20} MB")
        data = stream.read(limit + 1)
    if len(data) > limit:  # grew while being read
        raise UnsafeFile(f"is over the {limit // 2**20} MB limit")
    return data


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a symlink on the way
        return "is a symlink (or lies in a symlinked folder); copy the file into the story folder"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "not found"
    return f"cannot be read ({exc.strerror or exc})"
