"""`storyexport all`: every format at once, incremental rebuilds, one failure sparing the others, the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from storyexport.formats import Options
from storyexport.pipeline import build

pytestmark = pytest.mark.slow  # every format of a story, narration included

TARGETS = ["audio", "html", "epub", "pdf"]
OPTIONS = Options(tts="espeak", offline=True)  # eSpeak NG: the fast offline engine


def files(folder: Path) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in json.loads((folder / "manifest.json").read_text())["files"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory, paths):
    """The bilingual fixture, built once with every format; the test edits a copy of the source."""
    root = tmp_path_factory.mktemp("all")
    source = root / "source" / "bilingual"
    shutil.copytree(paths.stories / "bilingual", source)
    first = build([source], TARGETS, root / "output", OPTIONS)
    return source / "story.md", root / "output", first


def test_all_builds_every_format_of_every_language(built):
    _, output, first = built
    assert not first.failed
    folder = output / "bilingual"
    names = set(files(folder))
    for lang in ("en", "es"):
        for suffix in ("mp3", "opus", "vtt", "epub", "pdf", "print.pdf"):
            assert f"bilingual.{lang}.{suffix}" in names
    assert {"html/index.html", "html/es/index.html", "report.html", "report.json"} <= names
    assert first.cache_stats["put:sentence"] > 0


def test_a_second_run_with_nothing_changed_rebuilds_nothing(built):
    story, output, _ = built
    before = files(output / "bilingual")
    again = build([story], TARGETS, output, OPTIONS)
    assert not again.failed
    assert sum(count for kind, count in again.cache_stats.items() if kind.startswith("put:")) == 0
    assert files(output / "bilingual") == before


def test_editing_one_sentence_resynthesizes_it_and_rebuilds_only_its_language(built):
    story, output, _ = built
    before = files(output / "bilingual")
    story.write_text(story.read_text().replace("El huerto abrió en Tacna la primavera pasada.",
                                               "El huerto abrió en Tacna el verano pasado."))
    edited = build([story], TARGETS, output, OPTIONS)
    after = files(output / "bilingual")
    assert edited.cache_stats["put:sentence"] == 1  # exactly the edited sentence
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed - {"report.json", "report.html"} == {
        "bilingual.es.mp3", "bilingual.es.opus", "bilingual.es.vtt", "bilingual.es.timings.json",
        "bilingual.es.epub", "bilingual.es.pdf", "bilingual.es.print.pdf", "bilingual.es.pages.json",
        "html/es/index.html",
        "html/audio/bilingual.es.mp3", "html/audio/bilingual.es.opus", "html/audio/bilingual.es.vtt"}


def test_report_lists_every_check_of_every_output(built):
    _, output, _ = built
    report = json.loads((output / "bilingual" / "report.json").read_text())
    assert report["failures"] == [] and report["summary"]["fail"] == 0
    by_file = {o["file"]: o for o in report["outputs"]}
    assert set(by_file) >= {"bilingual.en.epub", "bilingual.es.pdf", "bilingual.en.print.pdf", "bilingual.es.mp3",
                            "bilingual.en.opus", "bilingual.es.vtt", "html/index.html", "html/es/index.html"}
    checks = {(o["file"], c["name"]): c["status"] for o in report["outputs"] for c in o["checks"]}
    assert checks[("bilingual.en.epub", "epubcheck")] == "pass"
    assert checks[("bilingual.en.epub", "epub.media-overlays")] == "pass"
    assert checks[("bilingual.es.pdf", "pdf.figure-alt")] == "pass"
    assert checks[("bilingual.en.print.pdf", "print.boxes")] == "pass"
    assert checks[("bilingual.en.print.pdf", "print.image-resolution")] == "warn"  # a 64-pixel test photo
    assert checks[("bilingual.es.mp3", "audio.mp3.timings")] == "pass"
    assert checks[("html/index.html", "images.metadata")] == "pass"
    assert all(c["status"] in ("pass", "warn", "fail", "skip") for o in report["outputs"] for c in o["checks"])
    for name in ("bilingual.en.mp3", "bilingual.es.opus"):
        details = by_file[name]["details"]
        assert (details["engine"], details["voice"][:2]) == ("espeak", name.split(".")[1])
        assert abs(details["loudness"]["integrated_lufs"] + 18) <= 1 and details["loudness"]["true_peak_dbtp"] <= -1.5
        kind = name.rsplit(".", 1)[1]
        assert checks[(name, f"audio.{kind}.loudness")] == "pass"
    assert report["source"]["checks"][0]["name"] == "source.lint"


def test_report_html_passes_axe(built, browser, axe):
    _, output, _ = built
    page = browser.new_page()
    page.goto((output / "bilingual" / "report.html").as_uri())
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert axe(page) == []
    page.close()


def test_one_failing_format_still_builds_the_others_and_exits_1(tmp_path: Path, paths, run_cli):
    output = tmp_path / "output"
    result = run_cli("all", paths.stories / "minimal", "-o", output, "--tts", "gtts", "--offline")
    assert result.exit_code == 1
    assert "gTTS needs the network: drop --offline" in result.output
    folder = output / "minimal"
    assert {"minimal.en.epub", "minimal.en.pdf", "minimal.en.print.pdf", "html/index.html"} <= set(files(folder))
    assert not (folder / "minimal.en.mp3").exists()
    report = json.loads((folder / "report.json").read_text())
    assert [f["format"] for f in report["failures"]] == ["audio"]
