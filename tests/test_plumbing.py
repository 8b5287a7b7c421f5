"""Output plumbing every builder uses: atomic writes, the content cache, the manifest, the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
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


def _written_before_seals(cache_folder: Path) -> int:
    """Every record of a cache as versions before the seal wrote them (no "seal"); how many."""
    records = list(cache_folder.rglob("*.json"))
    for record in records:
        fields = json.loads(record.read_text())
        del fields["seal"]
        record.write_text(json.dumps(fields))
    return len(records)


def test_entries_an_earlier_version_wrote_are_remade_with_one_note_for_all(tmp_path: Path, caplog):
    cache = Cache(tmp_path / "cache")
    keys = [cache_key("sentence", n) for n in range(5)]
    for key in keys:
        cache.put(key, key.encode(), kind="sentence")
    assert _written_before_seals(tmp_path / "cache") == 5
    blob = cache._paths(keys[0])[0]
    blob.write_bytes(blob.read_bytes()[:-1] + b"?")  # one of them damaged as well
    with caplog.at_level("DEBUG", logger="storyexport"):
        assert [cache.get(key, "sentence") for key in keys] == [None] * 5
        assert not [r for r in caplog.records if r.levelno >= logging.INFO]  # nothing said per entry
        cache.log_rebuilt()
    said = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(said) == 1 and said[0].levelno == logging.WARNING  # a damaged entry is worth a warning
    assert said[0].getMessage() == (
        "cache: 5 entries made again: 4 written by an earlier version of storyexport (expected once after an "
        "upgrade); 1 damaged (the content no longer matches its record: a disk error, an interrupted copy or an "
        "edit; if this happens again, check the disk)")
    assert not list((tmp_path / "cache").rglob("*.bin"))


def test_a_run_after_an_upgrade_says_once_that_it_remade_the_cache(tmp_path: Path, paths, caplog):
    from storyexport.formats import Options
    from storyexport.pipeline import build

    output = tmp_path / "output"
    build([paths.story("bilingual")], ["html"], output, Options(narration=False))
    entries = _written_before_seals(output / ".cache")
    assert entries > 2
    with caplog.at_level("INFO", logger="storyexport"):
        again = build([paths.story("bilingual")], ["html"], output, Options(narration=False))
    about_cache = [r for r in caplog.records if r.name == "storyexport.store.cache" and r.levelno >= logging.INFO]
    remade = sum(n for kind, n in again.cache_stats.items() if kind.startswith("corrupt:"))
    assert remade > 2 and len(about_cache) == 1 and about_cache[0].levelno == logging.INFO
    assert about_cache[0].getMessage() == (f"cache: {remade} entries made again: {remade} written by an earlier "
                                           "version of storyexport (expected once after an upgrade)")
    caplog.clear()
    with caplog.at_level("INFO", logger="storyexport"):
        build([paths.story("bilingual")], ["html"], output, Options(narration=False))
    assert not [r for r in caplog.records if r.name == "storyexport.store.cache"]  # once only


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


def test_freshness_digests_hold_what_a_story_says_not_where_it_is(tmp_path: Path, paths):
    import shutil

    from storyexport.store.freshness import canonical, inputs_digest

    here, there = tmp_path / "here", tmp_path / "elsewhere" / "deeper"
    shutil.copytree(paths.story("bilingual").parent, here / "bilingual")
    shutil.copytree(paths.story("bilingual").parent, there / "bilingual")
    story_here, _ = parse(here / "bilingual" / "story.md")
    story_there, _ = parse(there / "bilingual" / "story.md")
    assert story_here.folder != story_there.folder
    assert inputs_digest("html", story_here) == inputs_digest("html", story_there)
    assert str(tmp_path) not in json.dumps(canonical(story_here))
    (there / "bilingual" / "story.md").write_text((here / "bilingual" / "story.md").read_text() + "\nOne more line.\n")
    changed, _ = parse(there / "bilingual" / "story.md")
    assert inputs_digest("html", changed) != inputs_digest("html", story_here)


def test_a_story_with_lexicons_and_a_publishers_voice_is_digested_by_file_names(tmp_path: Path, paths):
    """Paths inside a story's fields (its lexicon files, its voices) enter a digest by file name:
    where the folder is does not count, and a path never stops the digest (the page and the EPUB
    failed with "PosixPath cannot be part of a freshness digest" for a story with a voice)."""
    import dataclasses
    import shutil

    from storyexport.store.freshness import canonical, inputs_digest

    stories = []
    for root in (tmp_path / "here", tmp_path / "elsewhere" / "deeper"):
        shutil.copytree(paths.story("pronunciation").parent, root / "pronunciation")
        story, _ = parse(root / "pronunciation" / "story.md")
        stories.append(dataclasses.replace(story, voices=(("en", root / "voices" / "en_US-own-medium.onnx"),)))
    assert [p.name for p in stories[0].lexicon_files] == ["pronunciation.en.pls", "pronunciation.es.pls"]
    assert inputs_digest("html", stories[0]) == inputs_digest("html", stories[1])
    described = json.dumps(canonical(stories[0]))
    assert str(tmp_path) not in described and "en_US-own-medium.onnx" in described


def test_a_moved_project_rebuilds_nothing(tmp_path: Path, paths):
    import shutil

    from storyexport.formats import Options
    from storyexport.pipeline import build

    first = tmp_path / "first"
    shutil.copytree(paths.story("bilingual").parent, first / "source" / "bilingual")
    build([first / "source"], ["html"], first / "output", Options(narration=False))
    moved = tmp_path / "somewhere" / "else"
    shutil.move(first, moved)
    again = build([moved / "source"], ["html"], moved / "output", Options(narration=False))
    assert again.cache_stats["put:freshness"] == 0 and again.cache_stats["put:story-record"] == 0  # skipped whole
    page = moved / "output" / "bilingual" / "html" / "index.html"
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))  # same content, new time
    checked = build([moved / "source"], ["html"], moved / "output", Options(narration=False))
    assert checked.cache_stats["put:freshness"] == 0 and checked.cache_stats["hit:freshness"] > 0
