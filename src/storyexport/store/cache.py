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
        self.rebuilt: Counter[str] = Counter()  # entries deleted to be made again, by why: "older", "damaged"

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".bin"), base.with_suffix(".json")

    def get(self, key: str, kind: str = "blob", counted_as: str | None = None) -> tuple[bytes, dict] | None:
        """The blob and its info, or None on a miss (a damaged entry is deleted); `stats` counts it
        under `counted_as` when given (a read-back of what was just made), else under `kind`."""
        blob_path, record_path = self._paths(key)
        counted = counted_as or kind
        try:
            record = json.loads(record_path.read_text("utf-8"))
            data = blob_path.read_bytes()
        except (OSError, ValueError):
            self.stats[f"miss:{counted}"] += 1
            return None
        if not holds(record, key, kind, data):
            why = "older" if _older(record, data) else "damaged"
            log.debug("cache entry %s… is %s; rebuilding it", key[:12], why)
            self.stats[f"corrupt:{counted}"] += 1
            self.rebuilt[why] += 1
            blob_path.unlink(missing_ok=True)
            record_path.unlink(missing_ok=True)
            return None
        self.stats[f"hit:{counted}"] += 1
        return data, record.get("info", {})

    def log_rebuilt(self) -> None:
        """One line for the run about the entries it found unusable and made again: a note when an
        earlier version wrote them all, a warning when some were damaged."""
        older, damaged = self.rebuilt["older"], self.rebuilt["damaged"]
        if not older + damaged:
            return
        why = []
        if older:
            why.append(f"{older} written by an earlier version of storyexport (expected once after an upgrade)")
        if damaged:
            why.append(f"{damaged} damaged (the content no longer matches its record: a disk error, an interrupted "
                       "copy or an edit; if this happens again, check the disk)")
        log.log(logging.WARNING if damaged else logging.INFO, "cache: %d %s made again: %s", older + damaged,
                "entry" if older + damaged == 1 else "entries", "; ".join(why))

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


def _older(record: Any, data: bytes) -> bool:
    """True when a record is whole and names its blob's sha256 but has no seal: written before
    entries were sealed to their key and kind, and made again once."""
    return (isinstance(record, dict) and "seal" not in record
            and record.get("sha256") == hashlib.sha256(data).hexdigest())


def holds(record: Any, key: str, kind: str, data: bytes) -> bool:
    """True when a record is the one written for this key and kind, and its blob is the one it was
    written with (an entry moved or swapped, or another kind's, is damaged: remade, never used). The
    seal covers the blob, so its plain sha256 (kept in the record for readers) is not hashed again."""
    return (isinstance(record, dict) and record.get("key") == key and record.get("kind") == kind
            and record.get("seal") == _seal(key, kind, data) and isinstance(record.get("info", {}), dict))
