"""The print PDF a print shop accepts: no annotations on the printed area (link addresses printed
instead), crop marks in registration colour, and the print team's own profile and condition."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pikepdf
import pytest

from storyexport.formats.renditions import BUNDLED_CMYK_PROFILE
from storyexport.source.parse import parse

PRINTER_PROFILE = "print/press.icc"


def printer_profile(story_file: Path) -> bytes:
    """A CMYK output profile other than storyexport's own: the bundled one renamed (same length)."""
    data = BUNDLED_CMYK_PROFILE.read_bytes()
    assert data.count(b"Artifex CMYK SWOP Profile") >= 1
    renamed = data.replace(b"Artifex CMYK SWOP Profile", b"Example Press Coated 2024")
    (story_file.parent / "print").mkdir(exist_ok=True)
    (story_file.parent / PRINTER_PROFILE).write_bytes(renamed)
    return renamed


def with_print(story_file: Path, settings: str) -> None:
    text = story_file.read_text("utf-8")
    story_file.write_text(text.replace("title:", f"print: {settings}\ntitle:", 1), "utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_print_pdf_has_no_annotations_and_prints_link_addresses(expert_review, lang):
    path = expert_review.path(".print.pdf", lang)
    pdf = pikepdf.open(path)
    assert [len(page.get("/Annots", [])) for page in pdf.pages] == [0] * len(pdf.pages)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "(https://example.org/report)" in text
    assert pdf.Root.Names.Dests  # the named destinations stay; only the clickable areas go


@pytest.mark.slow
def test_crop_marks_are_in_registration_colour_not_black_only(expert_review):
    pdf = pikepdf.open(expert_review.path(".print.pdf", "en"))
    for page in pdf.pages:
        marks = page.obj.Contents[-1].read_bytes()
        name = next(n for n, space in page.obj.Resources.ColorSpace.items()
                    if isinstance(space, pikepdf.Array) and space[0] == "/Separation")
        assert list(page.obj.Resources.ColorSpace[name])[:2] == ["/Separation", "/All"]
        assert f"{name} CS 1 SCN".encode() in marks and b" K\n" not in marks


@pytest.mark.slow
def test_generic_profile_is_a_report_warning_that_says_to_ask_the_printer(expert_review):
    checks = {(o["file"], c["name"]): c for o in expert_review.report["outputs"] for c in o["checks"]}
    intent = checks[("expert-review.en.print.pdf", "print.output-intent")]
    assert intent["status"] == "warn" and "ask your printer" in intent["detail"]
    assert "print: {icc:" in intent["detail"] and "condition:" in intent["detail"]
    assert checks[("expert-review.en.print.pdf", "print.annotations")]["status"] == "pass"
    assert checks[("expert-review.en.print.pdf", "print.crop-marks")]["status"] == "pass"
    pdf = pikepdf.open(expert_review.path(".print.pdf", "en"))
    (written,) = pdf.Root.OutputIntents
    assert str(written.OutputConditionIdentifier) == "Custom" and "/RegistryName" not in written


@pytest.mark.slow
def test_the_print_team_names_its_profile_and_printing_condition(story_copy, tmp_path):
    from storyexport.formats.pdf.editions import PRINT
    from storyexport.formats.pdf.writer import make_pdf
    from storyexport.report.pdf_checks import check_print_pdf
    from storyexport.store.cache import Cache

    story_file = story_copy("minimal")
    profile = printer_profile(story_file)
    with_print(story_file, f"{{icc: {PRINTER_PROFILE}, condition: FOGRA39}}")
    story, _ = parse(story_file)
    assert story.print.profile.description == "Example Press Coated 2024" and story.print.condition == "FOGRA39"
    made = make_pdf(story, "en", PRINT, Cache(tmp_path / "cache"))
    (tmp_path / "out.pdf").write_bytes(made.data)
    pdf = pikepdf.open(tmp_path / "out.pdf")
    (written,) = pdf.Root.OutputIntents
    assert str(written.OutputConditionIdentifier) == "FOGRA39"
    assert str(written.RegistryName) == "http://www.color.org" and str(written.Info) == "Example Press Coated 2024"
    # the printer's file, embedded as it is (not LittleCMS's re-serialisation of it)
    assert hashlib.sha256(written.DestOutputProfile.read_bytes()).digest() == hashlib.sha256(profile).digest()
    intent = next(c for c in check_print_pdf(tmp_path / "out.pdf", made.details) if c.name == "print.output-intent")
    assert (intent.status, intent.detail) == ("pass", "FOGRA39 (Example Press Coated 2024)")


@pytest.mark.parametrize(("settings", "message"), [
    ("{condition: FOGRA39}", "`print.condition` names the printing condition of the printer's profile: give that "
                             "profile too, as `print.icc`"),
    ("{icc: print/missing.icc}", "print.icc: colour profile file 'print/missing.icc' not found"),
    ("{icc: ../press.icc}", "print.icc: colour profile path '../press.icc' leaves the story folder"),
    ("{icc: print/srgb.icc}", "print.icc: 'print/srgb.icc' is for RGB (a display profile), not a CMYK output profile"),
    ("{icc: story.md}", "print.icc: 'story.md' is not an ICC colour profile; ask the printer for its profile"),
])
def test_a_print_profile_that_cannot_be_used_is_an_error_with_its_line(story_copy, settings, message):
    from PIL import ImageCms

    from storyexport.errors import SourceError

    story_file = story_copy("minimal")
    (story_file.parent / "print").mkdir()
    (story_file.parent / "print" / "srgb.icc").write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    with_print(story_file, settings)
    with pytest.raises(SourceError) as raised:
        parse(story_file)
    (problem,) = raised.value.problems
    assert problem.line == 2 and problem.message.startswith(message), problem.message
