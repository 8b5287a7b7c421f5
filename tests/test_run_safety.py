"""What a run may touch and what survives a fault: the output folder never among the stories, only its own
files deleted, one crashing format sparing the others, a forged cache entry remade (issue 17; builds with
PDFs, narration or validators: test_run_safety_builds.py)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyexport.formats import Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.pipeline import build
from storyexport.store.cache import Cache, cache_key

FRONT = '---\ntitle: "Trip"\nlang: en\n---\n\n'


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- point 1: the output folder is never among the stories; only recorded files are deleted ---------------


@pytest.mark.parametrize("where, relation", [
    ("stories", "contains the story folder stories/trip/"), ("stories/trip", "is the story folder"),
    ("stories/trip/out", "lies inside the story folder"), ("stories/out", "lies inside the source folder stories/"),
    (".", "contains the story folder"),
])
def test_an_output_folder_among_the_stories_is_refused_before_anything_is_touched(where, relation, tmp_path,
                                                                                  monkeypatch, paths, run_cli):
    story = tmp_path / "stories" / "trip"
    (story / "html").mkdir(parents=True)
    (story / "html" / "photo.jpg").write_bytes((paths.stories / "minimal" / "photos" / "photo.jpg").read_bytes())
    (story / "html" / "notes.txt").write_text("the author's notes")
    (story / "story.md").write_text(FRONT + "Text.\n\n![A blue rectangle.](html/photo.jpg){#photo}\n")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_cli("all", "stories", "-o", where, "--offline", "--tts", "espeak")
    assert result.exit_code == 2, result.output
    assert relation in result.output and "Give an output folder outside the stories" in result.output
    assert snapshot(tmp_path) == before


def test_the_page_build_deletes_only_what_it_wrote(write_story, tmp_path, run_cli):
    story = write_story(FRONT + "Text.\n\n![A blue rectangle.](photos/photo.jpg){#photo}\n", slug="trip")
    output = tmp_path / "output"
    assert run_cli("html", story, "-o", output, "--offline", "-q").exit_code == 0
    html = output / "trip" / "html"
    ours = sorted(p.relative_to(html).as_posix() for p in (html / "images").iterdir())
    assert ours
    (html / "notes.txt").write_text("kept")
    (html / "images" / "mine.png").write_bytes(b"kept too")
    story.write_text(FRONT + "Text without the photo now.\n")
    assert run_cli("html", story, "-o", output, "--offline", "-q").exit_code == 0
    assert not (html / "images" / Path(ours[0]).name).exists()  # ours, no longer used: removed
    assert (html / "notes.txt").read_text() == "kept" and (html / "images" / "mine.png").read_bytes() == b"kept too"
    manifest = {e["path"] for e in json.loads((output / "trip" / "manifest.json").read_text())["files"]}
    assert ".storyexport-written" not in manifest and "html/notes.txt" in manifest


# -- point 6: an unexpected exception fails its format, not the run ---------------------------------------


def test_a_crash_in_one_format_fails_it_alone_and_the_report_and_manifest_are_written(monkeypatch, tmp_path, paths):
    def crash(self, story, ctx):
        raise ZeroDivisionError("injected")
    monkeypatch.setattr(EpubBuilder, "build", crash)
    output = tmp_path / "output"
    result = build([paths.stories / "minimal"], ["html", "epub"], output, Options(offline=True))
    outcome = {r.format: r for r in result.results}
    assert result.failed and outcome["html"].error is None and outcome["html"].outputs
    assert outcome["epub"].error == "internal error: ZeroDivisionError: injected"
    report = json.loads((output / "minimal" / "report.json").read_text())
    assert report["failures"] == [{"format": "epub", "error": "internal error: ZeroDivisionError: injected"}]
    assert (output / "minimal" / "manifest.json").is_file()


def test_the_command_line_exits_1_on_a_format_crash_and_names_it_a_bug(monkeypatch, tmp_path, paths, run_cli):
    monkeypatch.setattr(EpubBuilder, "build", lambda self, story, ctx: 1 / 0)
    result = run_cli("epub", paths.stories / "minimal", "-o", tmp_path / "output", "--offline")
    assert result.exit_code == 1
    assert "internal error: ZeroDivisionError: division by zero" in result.output
    assert "a bug in storyexport" in result.output and "Traceback" not in result.output


# -- point 13: temporary files stay in the output folder and go -------------------------------------------


def test_temporary_files_live_in_the_output_folder_and_leftovers_are_removed(tmp_path, paths):
    output = tmp_path / "output"
    stale = output / ".cache" / "ab" / ".storyexport-abc.bin.x1.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by a killed run")
    (output / ".storyexport-tmp" / "weasyprint-old").mkdir(parents=True)
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    command = [sys.executable, "-m", "storyexport", "html", str(paths.stories / "minimal"), "-o", str(output), "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TMPDIR": str(system_temp)})
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and not (output / ".storyexport-tmp").exists()
    assert list(system_temp.iterdir()) == []


# -- point 15: a cache entry must be the one written for its key and kind ---------------------------------


def _swap(cache: Cache, first: str, second: str, rehash: bool) -> None:
    """Swap two entries' blobs; with `rehash`, update each record's sha256 to match (a forgery)."""
    (a_blob, a_record), (b_blob, b_record) = cache._paths(first), cache._paths(second)
    a_data, b_data = a_blob.read_bytes(), b_blob.read_bytes()
    a_blob.write_bytes(b_data)
    b_blob.write_bytes(a_data)
    if rehash:
        for record, data in ((a_record, b_data), (b_record, a_data)):
            fields = json.loads(record.read_text())
            fields["sha256"] = hashlib.sha256(data).hexdigest()
            record.write_text(json.dumps(fields))


@pytest.mark.parametrize("rehash", [False, True], ids=["swapped", "swapped-and-rehashed"])
def test_swapped_cache_entries_are_remade_not_used(rehash, tmp_path):
    cache = Cache(tmp_path)
    first, second = cache_key("sentence", "one"), cache_key("sentence", "two")
    cache.put(first, b"\x01\x00" * 8, kind="sentence")
    cache.put(second, b"\x02\x00" * 8, kind="sentence")
    _swap(cache, first, second, rehash)
    assert cache.get(first, "sentence") is None and cache.get(second, "sentence") is None
    assert cache.stats["corrupt:sentence"] == 2
    assert not any(p.exists() for p in cache._paths(first))  # the damaged entry is gone, to be made again


def test_an_entry_of_another_kind_under_a_key_is_remade_not_decoded(tmp_path):
    cache = Cache(tmp_path)
    key = cache_key("freshness", "story", "html")
    cache.put(key, json.dumps({"inputs": "x"}).encode(), kind="freshness")
    blob, record = cache._paths(key)
    sentence = cache_key("sentence", "one")
    cache.put(sentence, b"\xff\xfe" * 4, kind="sentence")
    s_blob, s_record = cache._paths(sentence)
    blob.write_bytes(s_blob.read_bytes())
    record.write_text(s_record.read_text())
    assert cache.get(key, "freshness") is None and cache.stats["corrupt:freshness"] == 1
