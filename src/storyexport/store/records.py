"""What each story's last complete build was made from, so that a run with nothing to do skips it unparsed.

After a story is built with no format failing, its record keeps the files it was made from (Story.files:
story, photos, print profile, project file; size, modification time, sha256), the places where a
new project file would change it, every file of its output folder (size, modification time) and, in
its key, a digest of everything else its outputs depend on: storyexport's own files, the
installed packages, the Python version, the options and SOURCE_DATE_EPOCH. The next run skips
the story (no parsing, no builder, no report) when all of that still holds. Sizes and times are
compared first; a source whose time changed is hashed, and counts as changed only if its content
did. Anything else that differs sends the story through the full build, whose per-output
freshness (store/freshness.py) still rebuilds only what changed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache import Cache, cache_key
from .manifest import sha256_file

PACKAGE = Path(__file__).resolve().parents[1]  # storyexport/
RACY_SECONDS = 2.0  # a source changed this close to its record may have changed unseen: hash it next time


@dataclass(frozen=True)
class StoryRecord:
    """A story as its last complete build left it."""

    slug: str
    languages: tuple[str, ...]
    warnings: tuple[tuple[str, int, str, str], ...]  # (file relative to the story folder, line, message, severity)
    outputs: dict[str, list[tuple[str, str | None, str | None, dict]]]  # target -> [(file, format, lang, details)]


class Records:
    """The story records of one output folder, for one kind of run (these targets, these options)."""

    def __init__(self, cache: Cache, targets: list[str], settings: dict[str, Any]):
        self.cache = cache
        self.run = cache_key("run", _code_fingerprint(), _environment(), sorted(targets), settings)

    def _key(self, story_file: Path) -> str:
        return cache_key("story-record", story_file.parent.name, story_file.name, self.run)

    def unchanged(self, story_file: Path, output: Path) -> StoryRecord | None:
        """The story's record when nothing it was built from and none of its outputs changed since."""
        hit = self.cache.get(self._key(story_file), kind="story-record")
        if hit is None:
            return None
        data = json.loads(hit[0])
        if not _sources_unchanged(story_file.parent, data["sources"]):
            return None
        if any(os.path.lexists(story_file.parent / name) for name in data["absent"]):
            return None
        if _listing(output / data["slug"]) != {k: tuple(v) for k, v in data["listing"].items()}:
            return None
        outputs = {fmt: [tuple(entry) for entry in entries] for fmt, entries in data["outputs"].items()}
        return StoryRecord(data["slug"], tuple(data["languages"]), tuple(tuple(w) for w in data["warnings"]),
                           outputs)

    def record(self, story_file: Path, sources: Iterable[Path], output: Path, record: StoryRecord,
               absent: Iterable[Path] = ()) -> None:
        """Remember a story just built, with every file of its output folder as it is now; `absent`:
        files that would change the story if they appeared (a project file nearer than its own)."""
        folder, now = story_file.parent, time.time()
        data = {"slug": record.slug, "languages": list(record.languages), "warnings": list(record.warnings),
                "outputs": record.outputs, "sources": {}, "listing": _listing(output / record.slug),
                "absent": sorted(os.path.relpath(path, folder) for path in absent)}
        for path in sources:
            status = path.stat()
            racy = now - status.st_mtime < RACY_SECONDS
            data["sources"][os.path.relpath(path, folder)] = [status.st_size, None if racy else status.st_mtime_ns,
                                                              sha256_file(path)]
        self.cache.put(self._key(story_file), json.dumps(data, sort_keys=True).encode(), kind="story-record")


def _sources_unchanged(folder: Path, sources: dict[str, list]) -> bool:
    for name, (size, mtime, sha256) in sources.items():
        path = folder / name
        try:
            status = path.stat()
        except OSError:
            return False
        if status.st_size != size:
            return False
        if status.st_mtime_ns != mtime and sha256_file(path) != sha256:
            return False
    return True


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and modification time."""
    found = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            status = os.stat(os.path.join(directory, name))
            found[os.path.relpath(os.path.join(directory, name), folder)] = (status.st_size, status.st_mtime_ns)
    return found


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """storyexport's own files by size and time: a new version, or an edited file, is a new kind of run."""
    files = []
    for directory, subfolders, names in os.walk(PACKAGE):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            status = os.stat(os.path.join(directory, name))
            files.append((os.path.relpath(os.path.join(directory, name), PACKAGE), status.st_size, status.st_mtime_ns))
    return cache_key(files)


def _environment() -> str:
    """The Python and the installed packages: a package installed, upgraded or removed changes its
    site-packages folder (its time), and may change what the engines or WeasyPrint make."""
    folders = [(entry, os.stat(entry).st_mtime_ns) for entry in sys.path
               if os.path.basename(entry) in ("site-packages", "dist-packages") and os.path.isdir(entry)]
    return cache_key(sys.version, folders)
