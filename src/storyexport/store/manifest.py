"""manifest.json: every file of a story's output folder with its size and sha256."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..model import Story
from .layout import CACHE_FOLDER, LEDGER, LOCK, MANIFEST
from .output import TEMP_PREFIX, write_text

SKIPPED = (MANIFEST, CACHE_FOLDER, LOCK, LEDGER)


def sha256_file(path: Path) -> str:
    """The file's sha256, hashed once per run however often it is asked for (while unchanged)."""
    status = path.stat()
    return _sha256(path, status.st_size, status.st_mtime_ns, status.st_ino)


@lru_cache(maxsize=4096)
def _sha256(path: Path, size: int, mtime_ns: int, inode: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def published_files(folder: Path) -> list[Path]:
    """The files a publisher would ship from a story's output folder, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not p.name.startswith(TEMP_PREFIX)
                  and p.relative_to(folder).parts[0] not in SKIPPED)


def read_manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def describe_files(folder: Path, details: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every file now in `folder` with its size, sha256 and details (engine, voice, preflight...).

    `details` come from this run's builders, by relative path; a file this run did not rebuild
    keeps the details the previous manifest had for it, as long as it is unchanged.
    """
    previous = {entry["path"]: entry for entry in read_manifest(folder).get("files", [])
                if isinstance(entry, dict) and "path" in entry}
    entries = []
    for path in published_files(folder):
        relative = path.relative_to(folder).as_posix()
        entry = {"path": relative, "bytes": path.stat().st_size, "sha256": sha256_file(path)}
        old = previous.get(relative, {})
        extra = details.get(relative) or (old if old.get("sha256") == entry["sha256"] else {})
        entry.update({k: extra[k] for k in sorted(extra) if k not in entry})  # one order, however they came
        entries.append(entry)
    return entries


def write_manifest(folder: Path, story: Story, details: Mapping[str, Mapping[str, Any]]) -> Path:
    """manifest.json: every file of the story's output folder (see describe_files)."""
    manifest = {"story": story.slug, "title": story.title, "languages": list(story.languages),
                "generator": f"storyexport {__version__}", "files": describe_files(folder, details)}
    return write_text(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
