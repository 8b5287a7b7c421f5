"""Incremental builds: an output is rebuilt only when something it was built from changed.

Each builder names a unit of work ("epub.en") and its inputs (the article, the options, the
timings...). The inputs' digest and the sha256 of every file written are kept in the cache; the
next run skips the unit when the digest is the same and the files are still what was written.
The code and templates of storyexport itself are part of every digest.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache import Cache, cache_key
from .manifest import sha256_file

PACKAGE = Path(__file__).resolve().parents[1]  # storyexport/


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over storyexport's own files (code, templates, assets): a new version rebuilds everything."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_digest(*inputs: Any) -> str:
    """A digest of anything a unit of work reads: model objects enter through their repr."""
    return cache_key(code_digest(), *[repr(i) if not isinstance(i, (str, int, float, bytes, type(None)))
                                      else i for i in inputs])


class Freshness:
    """Remembers, per story output folder, what each unit of work was built from and wrote."""

    def __init__(self, cache: Cache, folder: Path):
        self.cache, self.folder = cache, folder

    def _key(self, unit: str) -> str:
        return cache_key("freshness", self.folder.name, unit)

    def unchanged(self, unit: str, digest: str, outputs: list[Path]) -> bool:
        hit = self.cache.get(self._key(unit), kind="freshness")
        if not hit:
            return False
        record = json.loads(hit[0])
        if record.get("inputs") != digest or set(record.get("outputs", {})) != {self._name(p) for p in outputs}:
            return False
        return all(p.is_file() and sha256_file(p) == record["outputs"][self._name(p)] for p in outputs)

    def record(self, unit: str, digest: str, outputs: list[Path], languages: dict[Path, str | None] | None = None,
               ) -> None:
        record = {"inputs": digest, "outputs": {self._name(p): sha256_file(p) for p in outputs},
                  "languages": {self._name(p): lang for p, lang in (languages or {}).items()}}
        self.cache.put(self._key(unit), json.dumps(record, sort_keys=True).encode(), kind="freshness")

    def replay(self, unit: str, digest: str) -> list[tuple[Path, str | None]] | None:
        """The files (and their languages) a unit wrote from these same inputs, if all are still as
        written; None when it must be built (for units whose file list is only known after building)."""
        hit = self.cache.get(self._key(unit), kind="freshness")
        if not hit:
            return None
        record = json.loads(hit[0])
        paths = [self.folder / name for name in record.get("outputs", {})]
        if record.get("inputs") != digest or not self.unchanged(unit, digest, paths):
            return None
        return [(p, record.get("languages", {}).get(self._name(p))) for p in paths]

    def _name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()
