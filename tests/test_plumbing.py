"""Output plumbing every builder uses: atomic writes, the content cache, the manifest, the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from storyexport.source.parse import parse
from storyexport.store.cache import Cache, cache_key
from storyexport.store.clock import build_time, zip_time
from storyexport.store.manifest import write_manifest
from storyexport.store.output import TEMP_PREFIX, atomic_path, write_bytes


def test_atomic_write_replaces_the_file_whole(tmp_path: Path):
    target = tmp_path / "out" / "book.epub"
    write_bytes(target, b"first")
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    assert list(target.parent.iterdir()) == [target]


def test_failed_write_leaves_the_previous_output_and_no_temp(tmp_path: Path):
    target = tmp_path / "book.epub"
    write_bytes(target, b"good")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("the builder failed")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["book.epub"]


def test_cache_returns_what_was_put_and_rebuilds_a_corrupt_entry(tmp_path: Path):
    cache = Cache(tmp_path / "cache")
    key = cache_key("sentence", "Hello.", "en", {"engine": "espeak"})
    assert cache.get(key) is None
    cache.put(key, b"pcm-data", {"rate": 22050})
    assert cache.get(key) == (b"pcm-data", {"rate": 22050})
    blob = next((tmp_path / "cache").rglob("*.bin"))
    blob.write_bytes(b"pcm-dat?")  # same size, different content
    assert cache.get(key) is None
    assert cache.stats["corrupt:blob"] == 1
    assert not blob.exists()
    (tmp_path / "cache" / key[:2] / f"{key}.json").write_text("{not json")
    assert cache.get(key) is None


def test_cache_key_is_canonical():
    assert cache_key({"b": 1, "a": 2}, b"x") == cache_key({"a": 2, "b": 1}, b"x")
    assert cache_key("a", 1) != cache_key("a", "1")
    assert len(cache_key()) == 64


def test_manifest_lists_every_file_with_size_and_sha256(tmp_path: Path, paths):
    story, _ = parse(paths.story("minimal"))
    folder = tmp_path / "minimal"
    write_bytes(folder / "minimal.en.mp3", b"ID3 audio")
    write_bytes(folder / "html" / "index.html", b"<!doctype html>")
    write_bytes(folder / ".cache" / "ignored", b"x")
    write_manifest(folder, story, {"minimal.en.mp3": {"engine": "espeak", "voice": "en-us"}})
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["story"] == "minimal"
    assert manifest["files"] == [
        {"path": "html/index.html", "bytes": 15, "sha256": _sha(b"<!doctype html>")},
        {"path": "minimal.en.mp3", "bytes": 9, "sha256": _sha(b"ID3 audio"), "engine": "espeak", "voice": "en-us"},
    ]
    write_manifest(folder, story, {})  # a run that rebuilt nothing keeps what it knew of unchanged files
    again = json.loads((folder / "manifest.json").read_text())
    assert again["files"][1]["engine"] == "espeak"
    assert str(tmp_path) not in (folder / "manifest.json").read_text()


def test_build_time_honours_source_date_epoch(monkeypatch, paths):
    story, _ = parse(paths.story("bilingual"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_time(story) == dt.datetime(2024, 1, 15, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time(story) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    assert zip_time(story) == (2023, 11, 14, 22, 13, 20)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert zip_time(story) == (1980, 1, 1, 0, 0, 0)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_temp_prefix_is_hidden():
    assert TEMP_PREFIX.startswith(".")
