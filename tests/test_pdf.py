"""The pdf builder, for real: WeasyPrint renders the sample and a fixture; pikepdf and poppler read the PDFs."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from storyexport.formats import Options
from storyexport.model import PrintSettings
from storyexport.pipeline import build
from storyexport.source.parse import parse
from storyexport.store.cache import Cache

pytestmark = pytest.mark.slow  # WeasyPrint makes every PDF these tests read

PT_PER_MM = 72 / 25.4
A5 = (148 * PT_PER_MM, 210 * PT_PER_MM)


@pytest.fixture(scope="module")
def stories(paths) -> list[Path]:
    """The sample and the features fixture."""
    return [paths.sample, paths.story("pdf-features")]


@pytest.fixture(scope="module")
def built(tmp_path_factory, stories) -> dict:
    """The sample and the features fixture, built once: output folder, outputs by file name, log."""
    output = tmp_path_factory.mktemp("pdf")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("storyexport")
    logger.addHandler(handler)
    try:
        result = build(stories, ["pdf"], output, Options())
    finally:
        logger.removeHandler(handler)
    assert not result.failed, [r.error for r in result.results]
    outputs = {o.path.name: o for r in result.results for o in r.outputs}
    return {"output": output, "outputs": outputs, "log": records}


def pdf_path(built: dict, name: str) -> Path:
    return built["outputs"][name].path


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in tree order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node.K)
    walk(pdf.Root.StructTreeRoot.K)
    return found


def page_text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_every_language_gets_a_print_and_an_accessible_pdf(built):
    names = {n for n in built["outputs"] if n.startswith("serving-hope.")}
    assert names == {"serving-hope.en.print.pdf", "serving-hope.en.pdf", "serving-hope.es.print.pdf",
                     "serving-hope.es.pdf", "serving-hope.en.pages.json", "serving-hope.es.pages.json"}
    assert {built["outputs"][n].format for n in names if n.endswith(".pages.json")} == {None}  # a part, not judged
    for output in (o for o in built["outputs"].values() if o.format):
        assert output.path.read_bytes().startswith(b"%PDF-")
        assert output.details["pages"] == len(pikepdf.open(output.path).pages)


@pytest.mark.parametrize("name", ["serving-hope.en.print.pdf", "serving-hope.es.print.pdf",
                                  "pdf-features.en.print.pdf"])
def test_print_pages_have_the_a5_trim_and_3mm_bleed_and_marks_outside_it(built, name):
    pdf = pikepdf.open(pdf_path(built, name))
    for page in pdf.pages:
        trim = [float(v) for v in page.obj.TrimBox]
        bleed = [float(v) for v in page.obj.BleedBox]
        media = [float(v) for v in page.obj.MediaBox]
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A5, abs=0.05)
        for outward in (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]):
            assert outward == pytest.approx(3 * PT_PER_MM, abs=0.05)
        assert media[0] < bleed[0] - 5 * PT_PER_MM and media[2] > bleed[2] + 5 * PT_PER_MM  # room for the marks
    # the marks, in the registration colour: a separation named All, full on every plate (C=M=Y=K=1)
    marks = pdf.pages[0].obj.Contents[-1].read_bytes()
    assert b"/Registration CS 1 SCN" in marks and b"0 0 0 1 K" not in marks
    registration = pdf.pages[0].obj.Resources.ColorSpace.Registration
    assert list(registration)[:3] == ["/Separation", "/All", "/DeviceCMYK"]
    assert list(registration[3].C1) == [1, 1, 1, 1] and list(registration[3].C0) == [0, 0, 0, 0]


def test_print_pdf_is_pdf_x4_with_an_embedded_cmyk_output_intent(built):
    pdf = pikepdf.open(pdf_path(built, "serving-hope.en.print.pdf"))
    assert pdf.pdf_version == "1.6"
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX"
    profile = intent.DestOutputProfile
    assert profile.N == 4 and b"acsp" in profile.read_bytes()[:64]  # an ICC profile with four components
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfx:GTS_PDFXVersion") == "PDF/X-4"
    images = [image for page in pdf.pages for image in page.get_images().values()]
    assert images and all(image.ColorSpace == "/DeviceCMYK" for image in images)
    assert not any(image.get("/Interpolate", False) for image in images)


def test_print_photos_are_at_300_ppi_and_the_preflight_says_so(built):
    findings = built["outputs"]["serving-hope.en.print.pdf"].details["preflight"]
    assert [f["image"] for f in findings] == ["photos/xray.jpg", "photos/xray.jpg", "photos/doctor.jpg"]
    assert all(f["status"] == "ok" and 300 <= f["ppi"] < 310 for f in findings)
    cover = findings[0]  # bleeds: the trim's 148 mm and 3 mm each side
    assert cover["page"] == 1 and cover["placed_mm"][0] == pytest.approx(154, abs=0.1)
    listing = subprocess.run(["pdfimages", "-list", str(pdf_path(built, "serving-hope.en.print.pdf"))],
                             capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert [min(int(row.split()[12]), int(row.split()[13])) >= 300 for row in listing] == [True] * 3


def test_a_1200_px_photo_gets_the_ppi_warning(built):
    findings = built["outputs"]["pdf-features.en.print.pdf"].details["preflight"]
    low = [f for f in findings if f["status"] == "warn"]
    assert {f["image"] for f in low} == {"photos/field.jpg"}
    assert all(f["ppi"] < 300 and f["pixels"][0] == 1200 for f in low)
    assert {f["image"]: f["status"] for f in findings if f["image"] != "photos/field.jpg"} == {
        "photos/band.png": "ok", "photos/basket.png": "ok"}
    warnings = [r.getMessage() for r in built["log"] if r.levelno == logging.WARNING]
    assert any("pdf-features.en.print.pdf: photos/field.jpg prints at 264 ppi" in w for w in warnings)


@pytest.mark.parametrize("name, lang", [("serving-hope.en.pdf", "en"), ("serving-hope.es.pdf", "es")])
def test_accessible_pdf_is_tagged_pdf_ua1_with_language_and_title(built, name, lang, paths):
    pdf = pikepdf.open(pdf_path(built, name))
    assert pdf.Root.MarkInfo.Marked is True
    assert pdf.Root.Lang == lang
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"
        assert xmp.get("dc:title") == parse(paths.sample)[0].article(lang).title
    figures = [e for e in structure(pdf) if e.S == "/Figure"]
    alts = [str(f.Alt) for f in figures]
    assert alts == [f.alt for f in parse(paths.sample)[0].article(lang).figures()]


def test_spanish_words_in_the_english_pdf_carry_their_own_lang(built):
    output = built["outputs"]["serving-hope.en.pdf"]
    pdf = pikepdf.open(output.path)
    tagged = [e for e in structure(pdf) if "/Lang" in e]
    assert tagged and {str(e.Lang) for e in tagged} == {"es"}
    assert output.details["language_tagging"].startswith("tagged: /Lang es on")
    assert output.details["languages_tagged"] == {"es": len(tagged)}


def test_headings_are_in_order_and_become_bookmarks(built):
    pdf = pikepdf.open(pdf_path(built, "pdf-features.en.pdf"))
    assert [str(e.S) for e in structure(pdf) if re.fullmatch(r"/H\d", str(e.S))] == ["/H1", "/H2", "/H3", "/H2"]
    with pdf.open_outline() as outline:
        (title,) = outline.root
        assert title.title.startswith("Harvest Notes")
        assert [c.title for c in title.children] == ["The first season", "The second season"]
        assert [c.title for c in title.children[0].children] == ["What they learned"]


def test_decorative_image_is_an_artifact_and_every_figure_has_alt(built):
    path = pdf_path(built, "pdf-features.en.pdf")
    pdf = pikepdf.open(path)
    figures = [e for e in structure(pdf) if e.S == "/Figure"]
    assert [str(f.Alt) for f in figures] == [
        "A field of tall maize under a pale sky, with a wooden fence in front.",
        "A farmer holds a basket of red tomatoes in front of a blue wall and smiles."]
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(listing.splitlines()[2:]) == 4  # the cover, two figures and the decorative band are all drawn


def test_running_heads_and_page_numbers_are_pagination_artifacts(built):
    pdf = pikepdf.open(pdf_path(built, "serving-hope.en.pdf"))
    content = pdf.pages[1].obj.Contents.read_bytes()
    assert len(re.findall(rb"/Artifact\s*<</Type /Pagination>>\s*BDC", content)) == 2


def test_every_font_is_embedded_as_a_subset(built):
    for output in (o for o in built["outputs"].values() if o.format):
        pdf = pikepdf.open(output.path)
        fonts = {font.objgen: font for page in pdf.pages for font in page.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = described.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            assert re.match(r"^/[A-Z]{6}\+Noto-(Serif|Sans)", str(font.BaseFont))


def test_footnotes_sit_at_the_foot_of_the_page_that_calls_them(built):
    path = pdf_path(built, "pdf-features.en.print.pdf")
    pages = [page_text(path, n) for n in range(1, built["outputs"][path.name].details["pages"] + 1)]
    for call, note in [("borrowed", "The hose belonged to the school next door"),
                       ("founders, laughing", "The founders asked not to be named"),
                       ("still going on", "between those who roast it")]:
        (page,) = [text for text in pages if note in text]
        assert call in page and page.index(call) < page.index(note)


def test_figures_stay_with_their_caption_and_credit(built):
    path = pdf_path(built, "pdf-features.en.print.pdf")
    findings = built["outputs"][path.name].details["preflight"]
    field_page = next(f["page"] for f in findings if f["image"] == "photos/field.jpg" and f["page"] > 1)
    text = page_text(path, field_page)
    assert "The maize in March" in text and "Photo: Test Photographer" in text


def test_words_are_hyphenated_by_their_language(built, paths):
    for name in ("serving-hope.en.print.pdf", "serving-hope.es.print.pdf"):
        path = pdf_path(built, name)
        text = "".join(page_text(path, n) for n in range(2, 5))
        # WeasyPrint hyphenates with U+2010; a word broken across lines is a word of the source
        broken = re.findall(r"([a-záéíóúñ]+)\u2010\s*\n\s*([a-záéíóúñ]+)", text)
        source = paths.sample.read_text("utf-8")
        assert [a + b for a, b in broken if (a + b) in source], name


def test_trim_size_and_marks_follow_the_front_matter(tmp_path, paths):
    from storyexport.formats.pdf.editions import PRINT
    from storyexport.formats.pdf.writer import make_pdf

    story, _ = parse(paths.story("minimal"))
    story = replace(story, print=PrintSettings(trim="6in 9in", bleed_mm=5, marks=False))
    made = make_pdf(story, story.lang, PRINT, Cache(tmp_path))
    pdf = pikepdf.open(io.BytesIO(made.data))
    page = pdf.pages[0].obj
    trim, bleed, media = ([float(v) for v in page[box]] for box in ("/TrimBox", "/BleedBox", "/MediaBox"))
    assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((432, 648), abs=0.05)
    assert trim[0] - bleed[0] == pytest.approx(5 * PT_PER_MM, abs=0.05)  # all of the bleed, not 10 pt
    assert media == bleed  # no marks: nothing beyond the bleed
    assert made.details["trim_mm"] == [152.4, 228.6] and made.details["crop_marks"] is False


def test_nothing_names_a_path_of_the_machine(built, paths):
    private = [str(paths.sample.parent.resolve()), str(paths.root), "file:"]
    for output in built["outputs"].values():
        if not output.format:  # the print pages (JSON)
            assert not any(path in output.path.read_text("utf-8") for path in private)
            continue
        plain = io.BytesIO()  # every object and stream written out uncompressed
        with pikepdf.open(output.path) as pdf:
            pdf.save(plain, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                     object_stream_mode=pikepdf.ObjectStreamMode.disable)
        assert b"/Title" in plain.getvalue()  # the search below can see dictionaries
        for path in private:
            assert path.encode() not in plain.getvalue(), (output.path.name, path)


def test_two_builds_are_byte_identical(built, tmp_path, stories):
    result = build(stories, ["pdf"], tmp_path, Options())
    again = {o.path.name: o.path.read_bytes() for r in result.results for o in r.outputs}
    assert again.keys() == built["outputs"].keys()
    for name, data in again.items():
        assert data == built["outputs"][name].path.read_bytes(), name


def test_an_unchanged_story_is_not_rendered_again(built, monkeypatch, paths):
    import storyexport.formats.pdf.writer as writer

    monkeypatch.setattr(writer, "make_pdf", lambda *args: pytest.fail("rendered again"))
    result = build([paths.sample], ["pdf"], built["output"], Options())
    details = {o.path.name: o.details for r in result.results for o in r.outputs}
    assert details["serving-hope.en.print.pdf"] == built["outputs"]["serving-hope.en.print.pdf"].details


def test_the_fonts_come_from_the_package_not_the_machine(tmp_path, paths):
    """With fontconfig seeing no font at all, the PDF is the same, byte for byte."""
    story = paths.story("pdf-features")
    (tmp_path / "fonts.conf").write_text(f'<?xml version="1.0"?>\n<fontconfig><cachedir>{tmp_path / "fc"}'
                                         "</cachedir></fontconfig>\n", "utf-8")
    environment = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    subprocess.run([sys.executable, "-m", "storyexport", "pdf", str(story), "--lang", "en", "-q",
                    "-o", str(tmp_path / "bare")], env=environment, check=True, capture_output=True)
    build([story], ["pdf"], tmp_path / "usual", Options(languages=("en",)))
    for name in ("pdf-features.en.pdf", "pdf-features.en.print.pdf"):
        bare = (tmp_path / "bare" / "pdf-features" / name).read_bytes()
        assert bare == (tmp_path / "usual" / "pdf-features" / name).read_bytes(), name
