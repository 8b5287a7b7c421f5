"""Faults during real builds: a kill mid-run, a photo swapped mid-run, a forged sentence, a crashing EPUB,
odd photo shapes (issue 17). Every test builds PDFs, narrates or runs EPUBCheck."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from storyexport import pipeline
from storyexport.formats import Options
from storyexport.pipeline import build

pytestmark = pytest.mark.slow

TARGETS = ["audio", "html", "epub", "pdf"]
ESPEAK = Options(tts="espeak", offline=True)
STORYEXPORT = [sys.executable, "-m", "storyexport"]


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (the cache and lock aside) with its sha256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.parts and p.name != ".lock"}


# -- points 12 and 13: a killed run, then a rerun, equals a clean build; no temporary file survives ---------


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory, paths) -> Path:
    output = tmp_path_factory.mktemp("clean") / "output"
    assert not build([paths.stories / "minimal"], TARGETS, output, ESPEAK).failed
    return output / "minimal"


def test_a_rerun_after_a_kill_equals_a_clean_build_manifest_included(clean_build, tmp_path, paths):
    """Killed while WeasyPrint writes the second PDF: the page, EPUB and first PDF are written, the
    manifest is not; the rerun replays them and must tell the manifest what a clean build does."""
    output, system_temp = tmp_path / "output", tmp_path / "system-temp"
    system_temp.mkdir()
    moment = "minimal.en.print.pdf"
    command = [*STORYEXPORT, "all", str(paths.stories / "minimal"), "-o", str(output), "--offline", "--tts", "espeak",
               "-q"]
    process = subprocess.Popen(command, env={**os.environ, "TMPDIR": str(system_temp)}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not (output / "minimal" / moment).exists() and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    deadline = time.monotonic() + 15  # its worker processes and their fork server end with it
    while _started_by(output) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _started_by(output) == []
    rerun = subprocess.run(command, env={**os.environ, "TMPDIR": str(system_temp)}, capture_output=True, text=True,
                           timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert (output / "minimal" / "manifest.json").read_bytes() == (clean_build / "manifest.json").read_bytes()
    assert tree(output / "minimal") == tree(clean_build)
    assert [p for p in output.rglob("*") if ".storyexport-" in p.name and p.name != ".storyexport-written"] == []
    # WeasyPrint's fonts, eSpeak NG's copy and the worker processes' files were in output/; only the
    # folder of Python's multiprocessing holding the fork server's socket is in the system's (a
    # socket path must stay under 108 bytes, an output folder's need not): Python removes it when
    # the run ends, but a killed run cannot
    assert [p.name for p in system_temp.iterdir() if not p.name.startswith("pymp-")] == []


def _started_by(output: Path) -> list[int]:
    """The processes a run on `output` started (their TMPDIR is the run's temporary folder there)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"TMPDIR={output}".encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            pass
    return found


# -- point 14: a photo swapped during a run is never published -----------------------------------------------


@pytest.mark.parametrize("swap", ["symlink", "content"])
def test_a_photo_swapped_after_checking_fails_its_formats_and_is_published_nowhere(swap, monkeypatch, story_copy,
                                                                                  tmp_path):
    story = story_copy("minimal")
    photo = story.parent / "photos" / "photo.jpg"
    outside = tmp_path / "outside.jpg"
    Image.new("RGB", (64, 48), (255, 0, 0)).save(outside)
    checked = pipeline.parse_stories  # the run parses the stories it will build here

    def load_then_swap(sources, *project):
        loaded = checked(sources, *project)
        photo.unlink()
        if swap == "symlink":
            photo.symlink_to(outside)
        else:
            photo.write_bytes(outside.read_bytes())
        return loaded
    monkeypatch.setattr(pipeline, "parse_stories", load_then_swap)
    output = tmp_path / "output"
    result = build([story], ["html", "epub", "pdf"], output, Options(offline=True, narration=False))
    errors = {r.format: r.error or "" for r in result.results}
    assert all("photo photos/photo.jpg changed while storyexport was running" in errors[f] for f in errors), errors
    red = Image.open(outside).tobytes()
    for path in (p for p in output.rglob("*") if p.is_file()):
        assert outside.read_bytes() not in path.read_bytes()
        if path.suffix in (".jpg", ".png", ".webp", ".avif"):
            assert Image.open(path).convert("RGB").resize((64, 48)).tobytes() != red


# -- point 15: a forged sentence is remade, the narration stays right ------------------------------------------


def test_swapped_and_rehashed_sentences_are_remade_and_the_audio_is_unchanged(tmp_path, paths):
    output = tmp_path / "output"
    assert not build([paths.stories / "minimal"], ["audio"], output, ESPEAK).failed
    mp3 = output / "minimal" / "minimal.en.mp3"
    original = mp3.read_bytes()
    records = [p for p in (output / ".cache").rglob("*.json") if json.loads(p.read_text()).get("kind") == "sentence"]
    first, second = records[:2]
    blobs = [r.with_suffix(".bin").read_bytes() for r in (first, second)]
    for record, data in zip((first, second), reversed(blobs)):
        record.with_suffix(".bin").write_bytes(data)
        fields = json.loads(record.read_text())
        fields["sha256"] = hashlib.sha256(data).hexdigest()
        record.write_text(json.dumps(fields))
    mp3.unlink()
    again = build([paths.stories / "minimal"], ["audio"], output, ESPEAK)
    assert not again.failed
    assert again.cache_stats["corrupt:sentence"] == 2
    assert mp3.read_bytes() == original


# -- point 8: an EPUBCheck error fails the format and the exit status --------------------------------------


def test_an_epubcheck_error_fails_the_epub_and_the_exit_status(monkeypatch, tmp_path, paths, run_cli,
                                                                with_duplicate_id):
    from storyexport.formats.epub import book

    made = book.make_epub
    monkeypatch.setattr(book, "make_epub", lambda *args, **kwargs: with_duplicate_id(made(*args, **kwargs)))
    result = run_cli("epub", paths.stories / "minimal", "-o", tmp_path / "output", "--offline", "--no-narration",
                     "--jobs", "1")  # the book is made in this process, where the patch is
    assert result.exit_code == 1, result.output
    assert "minimal.en.epub fails epubcheck: EPUBCheck: 1 errors" in result.output
    assert "RSC-005" in result.output and "fails a check" in result.output


def test_a_heading_named_like_a_figure_gets_its_own_id_and_the_epub_passes(write_story, tmp_path, run_cli):
    story = write_story('---\ntitle: "Ids"\nlang: en\n---\n\n## Photo\n\nText.\n\n'
                        "![A blue rectangle.](photos/photo.jpg){#photo}\n\n## Photo description\n\nMore.\n")
    result = run_cli("epub", story, "-o", tmp_path / "output", "--offline", "--no-narration")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "output" / "story" / "report.json").read_text())
    assert [c["status"] for o in report["outputs"] for c in o["checks"] if c["name"] == "epubcheck"] == ["pass"]


# -- point 6: photos of extreme shapes, as cover art and figures ---------------------------------------------


def test_a_thirty_thousand_by_ten_cover_and_a_ten_by_thirty_thousand_figure_build(write_story, tmp_path, run_cli):
    story = write_story('---\ntitle: "Shapes"\nlang: en\ncover: photos/wide.png\n---\n\nText.\n\n'
                        "![A thin blue stripe.](photos/wide.png){#wide}\n\n![A thin red stripe.](photos/tall.png){#tall}\n",
                        photos=())
    (story.parent / "photos").mkdir()
    Image.new("RGB", (30000, 10), (0, 0, 200)).save(story.parent / "photos" / "wide.png")
    Image.new("RGB", (10, 30000), (200, 0, 0)).save(story.parent / "photos" / "tall.png")
    result = run_cli("all", story, "-o", tmp_path / "output", "--offline", "--tts", "espeak")
    assert result.exit_code == 0, result.output


# -- point 5: every long step stays interruptible -------------------------------------------------------------


class Stop(Exception):
    """What the check below raises (the pipeline's raises KeyboardInterrupt)."""


def stop_at(call: int) -> tuple[list[int], object]:
    """A check that counts its calls and raises Stop at the `call`-th."""
    calls: list[int] = []

    def check() -> None:
        calls.append(len(calls) + 1)
        if len(calls) == call:
            raise Stop
    return calls, check


def test_a_pdf_being_laid_out_or_written_stops_at_the_next_page():
    from storyexport.formats.pdf.weasyprint_door import HTML, interruptible

    html = "<style>@page { size: A6 } p { break-after: page }</style>" + "<p>A page.</p>" * 8
    calls, check = stop_at(3)
    with interruptible(check), pytest.raises(Stop):
        HTML(string=html).render()
    assert calls == [1, 2, 3]  # stopped before the third page was laid out, not after the eighth
    document = HTML(string=html).render()  # outside interruptible(): nothing checks, nothing stops
    assert len(document.pages) == 8
    calls, check = stop_at(2)
    with interruptible(check), pytest.raises(Stop):
        document.write_pdf()
    assert calls == [1, 2]


def test_the_encoders_stop_between_pieces_of_a_long_narration():
    import io

    import numpy as np

    from storyexport.formats.audio import encode

    pieces = [np.zeros(24000, np.int16)] * 3  # three pieces (sentences) of a second each
    for encoder in (encode.write_mp3, encode.write_opus):
        calls, check = stop_at(2)
        with pytest.raises(Stop):
            encoder(iter(pieces), 24000, io.BytesIO(), check)
        assert calls == [1, 2], encoder.__name__
