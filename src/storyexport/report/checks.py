"""The check record, and running a check once per file content (results are cached by sha256)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..store.cache import Cache, cache_key
from ..store.freshness import code_digest

log = logging.getLogger(__name__)
STATUSES = ("pass", "warn", "fail", "skip")


@dataclass(frozen=True)
class Check:
    name: str  # e.g. "epubcheck", "pdf.tagged"
    status: str  # pass, warn, fail or skip (the tool that would check is not installed)
    detail: str  # one sentence a publisher can act on
    figures: dict[str, float] | None = None  # what was measured, for report.json (e.g. loudness)


def passed(name: str, detail: str, figures: dict[str, float] | None = None) -> Check:
    return Check(name, "pass", detail, figures)


def failed(name: str, detail: str, figures: dict[str, float] | None = None) -> Check:
    return Check(name, "fail", detail, figures)


def warned(name: str, detail: str) -> Check:
    return Check(name, "warn", detail)


def skipped(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def worst(checks: list[Check]) -> str:
    """The status a list of checks adds up to (skips do not count against it)."""
    for status in ("fail", "warn", "pass"):
        if any(c.status == status for c in checks):
            return status
    return "skip"


Inspector = Callable[[Path], list[Check]]


def checks_key(kind: str, sha256: str) -> str:
    """Where the checks of a file with this content, by this version of storyexport, are cached."""
    return cache_key("checks", kind, sha256, code_digest())


def run_cached(cache: Cache, kind: str, path: Path, sha256: str, inspect: Inspector) -> list[Check]:
    """The checks of one file, from the cache when this content was already checked by this version."""
    key = checks_key(kind, sha256)
    if hit := cache.get(key, kind="checks"):
        return [Check(**c) for c in json.loads(hit[0])]
    checks = inspect_safely(kind, path, inspect)
    if not any(c.name.endswith(".inspect") for c in checks):
        cache.put(key, json.dumps([asdict(c) for c in checks]).encode(), kind="checks")
    return checks


def inspect_safely(kind: str, path: Path, inspect: Inspector) -> list[Check]:
    """The checks of one file; a checker's own failure is a finding (`<kind>.inspect`), never a crash."""
    try:
        return inspect(path)
    except Exception as exc:
        log.debug("checking %s failed", path.name, exc_info=True)
        return [failed(f"{kind}.inspect", f"could not be inspected: {type(exc).__name__}: {exc}")]
