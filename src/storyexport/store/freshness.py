"""Incremental builds: an output is rebuilt only when something it was built from changed.

Each builder names a unit of work ("epub.en") and its inputs (the article, the options, the
timings...). The inputs' digest and the sha256 of every file written are kept in the cache; the
next run skips the unit when the digest is the same and the files are still what was written.
The code and templates of storyexport itself are part of every digest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
    """A digest of what a unit of work reads, as canonical JSON (see `canonical`)."""
    return cache_key(code_digest(), *[canonical(i) for i in inputs])


def canonical(value: Any) -> Any:
    """What matters of a value, as JSON: model objects field by field under their class name.

    Paths are left out: they say where a file is on this machine, not what it holds (a photo
    enters through its sha256, a story through its slug and text), so a moved checkout or
    output folder still finds its records. A path inside a field's value (a story's lexicon
    files, its voices) is its file name alone.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                  if not isinstance(getattr(value, f.name), Path)}
        return {"@": type(value).__name__, **fields}
    if isinstance(value, Path):
        return {"file": value.name}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(item) for item in value)
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot be part of a freshness digest")


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

    def record(self, unit: str, digest: str, outputs: list[Path],
               labels: dict[Path, tuple[str | None, str | None, dict[str, Any]]] | None = None) -> None:
        """Remember what `unit` wrote from these inputs; `labels` are each file's (format, language,
        details for the manifest), so that a replay tells the manifest exactly what a build would."""
        record = {"inputs": digest, "outputs": {self._name(p): sha256_file(p) for p in outputs},
                  "labels": {self._name(p): list(label) for p, label in (labels or {}).items()}}
        self.cache.put(self._key(unit), json.dumps(record, sort_keys=True).encode(), kind="freshness")

    def replay(self, unit: str, digest: str) -> list[tuple[Path, str | None, str | None, dict[str, Any]]] | None:
        """The files (with their format and language) a unit wrote from these same inputs, if all are
        still as written; None when it must be built (for units whose file list is only known after)."""
        hit = self.cache.get(self._key(unit), kind="freshness")
        if not hit:
            return None
        record = json.loads(hit[0])
        paths = [self.folder / name for name in record.get("outputs", {})]
        if record.get("inputs") != digest or not self.unchanged(unit, digest, paths):
            return None
        labels = record.get("labels", {})
        return [(p, *_label(labels.get(self._name(p)))) for p in paths]

    def _name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()


def _label(label: Any) -> tuple[str | None, str | None, dict[str, Any]]:
    """A recorded (format, language, details), whatever an older record holds."""
    values = list(label) if isinstance(label, list) else []
    values += [None] * (2 - len(values[:2]))
    details = values[2] if len(values) > 2 and isinstance(values[2], dict) else {}
    return values[0], values[1], details
