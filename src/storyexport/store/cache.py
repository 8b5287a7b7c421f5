"""A content-addressed cache in plain files: a blob and a JSON record naming its key, kind and sha256."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from .output import write_bytes

log = logging.getLogger(__name__)


def cache_key(*parts: Any) -> str:
    """sha256 of the parts as canonical JSON (bytes enter as their own sha256)."""
    def default(value: Any) -> Any:
        if isinstance(value, (bytes, bytearray)):
            return {"sha256": hashlib.sha256(value).hexdigest()}
        if isinstance(value, Path):
            return value.as_posix()
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        raise TypeError(f"cannot use {type(value).__name__} in a cache key")
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=default, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """Blobs by key under `folder`; a missing or corrupt entry reads as a miss, never an error."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.stats: Counter[str] = Counter()  # "hit:<kind>", "miss:<kind>", "corrupt:<kind>", "put:<kind>"

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".bin"), base.with_suffix(".json")

    def get(self, key: str, kind: str = "blob") -> tuple[bytes, dict] | None:
        """The blob and its info, or None on a miss (a damaged entry is deleted)."""
        blob_path, record_path = self._paths(key)
        try:
            record = json.loads(record_path.read_text("utf-8"))
            data = blob_path.read_bytes()
        except (OSError, ValueError):
            self.stats[f"miss:{kind}"] += 1
            return None
        if not _holds(record, key, kind, data):
            log.warning("cache entry %s… is damaged; rebuilding it", key[:12])
            self.stats[f"corrupt:{kind}"] += 1
            blob_path.unlink(missing_ok=True)
            record_path.unlink(missing_ok=True)
            return None
        self.stats[f"hit:{kind}"] += 1
        return data, record.get("info", {})

    def put(self, key: str, data: bytes, info: dict | None = None, kind: str = "blob") -> None:
        self.stats[f"put:{kind}"] += 1
        blob_path, record_path = self._paths(key)
        # no fsync: after a crash a damaged entry fails its sha256 check and is simply made again
        write_bytes(blob_path, data, durable=False)
        record = {"key": key, "kind": kind, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                  "seal": _seal(key, kind, data), "info": info or {}}
        write_bytes(record_path, json.dumps(record, sort_keys=True, indent=1).encode(), durable=False)


def _seal(key: str, kind: str, data: bytes) -> str:
    """sha256 of the blob bound to its key and kind: a blob moved to another entry (even with its
    plain sha256 updated) no longer matches its record."""
    return hashlib.sha256(f"storyexport cache\0{kind}\0{key}\0".encode() + data).hexdigest()


def _holds(record: Any, key: str, kind: str, data: bytes) -> bool:
    """True when a record is the one written for this key and kind, and its blob is the one it was
    written with (an entry moved or swapped, or another kind's, is damaged: remade, never used)."""
    return (isinstance(record, dict) and record.get("key") == key and record.get("kind") == kind
            and record.get("sha256") == hashlib.sha256(data).hexdigest()
            and record.get("seal") == _seal(key, kind, data) and isinstance(record.get("info", {}), dict))
