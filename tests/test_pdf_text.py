"""Text a PDF cannot show is never reported as ok (issue 17, points 7 and 10): scripts without a font fail the
PDF, CJK and emoji render with Noto, long tokens break at the margin, and the report reads both back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storyexport.report.pdf_checks import check_tagged_pdf

pytestmark = pytest.mark.slow  # WeasyPrint

NUMBER = "".join(str(n % 10) for n in range(1, 151))  # 150 digits
WORD = "abcdefghij" * 1_900  # 19,000 letters, no break opportunity
STORY = f"""\
---
title: "Letters 国际移民组织 🙂"
lang: en
---

Chinese 国际移民组织, Japanese 東京で会いましょう, Korean 안녕하세요, emoji 🙂 🌍 👩🏽‍⚕️.

A 150-digit number: {NUMBER}.

{WORD}
"""


@pytest.fixture(scope="module")
def letters(tmp_path_factory, run_cli) -> Path:
    """The story built as PDFs and as the web page."""
    root = tmp_path_factory.mktemp("letters")
    story = root / "source" / "letters" / "story.md"
    story.parent.mkdir(parents=True)
    story.write_text(STORY, "utf-8")
    for command in ("pdf", "html"):
        result = run_cli(command, story, "-o", root / "output", "--offline")
        assert result.exit_code == 0, result.output
    return root / "output" / "letters"


def checks(folder: Path) -> dict[tuple[str, str], str]:
    report = json.loads((folder / "report.json").read_text())
    return {(o["file"], c["name"]): c["status"] for o in report["outputs"] for c in o["checks"]}


@pytest.mark.parametrize("name", ["letters.en.pdf", "letters.en.print.pdf"])
def test_cjk_and_emoji_are_drawn_with_real_glyphs(name, letters):
    import pikepdf

    assert checks(letters)[(name, "pdf.glyphs")] == "pass"
    with pikepdf.open(letters / name) as pdf:
        fonts = {str(f.get("/BaseFont")) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("CJK" in font for font in fonts) and any("Emoji" in font for font in fonts), fonts


@pytest.mark.parametrize("name", ["letters.en.pdf", "letters.en.print.pdf"])
def test_long_numbers_and_words_break_at_the_margin_and_stay_on_the_page(name, letters):
    import pypdfium2

    assert checks(letters)[(name, "pdf.text-inside")] == "pass"
    document = pypdfium2.PdfDocument(str(letters / name))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    joined = "".join(text.replace("\u200b", "").split())  # the breaks offered in long words are zero-width spaces
    assert NUMBER in joined
    assert "".join(re.findall(r"[a-j]{20,}", joined)) == WORD  # its pieces, between the running heads of its pages


def test_long_words_do_not_widen_the_page(letters, browser):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((letters / "html" / "index.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_characters_no_font_has_fail_that_pdf_only(write_story, tmp_path, run_cli):
    story = write_story('---\ntitle: "Marks"\nlang: en\ntranslations: {es: {title: "Marcas"}}\n---\n\nPlain text.\n\n'
                        "::: {lang=es}\nSignos privados \ue000 y \U000f0001.\n:::\n", photos=())  # in no font
    output = tmp_path / "output" / "story"
    result = run_cli("pdf", story, "-o", tmp_path / "output", "--offline")
    assert result.exit_code == 1
    assert ("story.es.print.pdf: no installed font has 2 of its characters, which would print as empty boxes: "
            "\ue000 (U+E000) \U000f0001 (U+F0001). Install fonts that have them") in result.output
    assert sorted(p.name for p in output.glob("*.pdf")) == ["story.en.pdf", "story.en.print.pdf"]


def test_the_report_fails_a_pdf_showing_boxes_or_text_off_the_page(tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "made-elsewhere.pdf"
    HTML(string=f'<html lang="en"><title>x</title><p>Private \ue000 mark.</p><p style="overflow-wrap: normal">'
                f"{NUMBER * 3}</p></html>").write_pdf(pdf, pdf_variant="pdf/ua-1")
    found = {c.name: (c.status, c.detail) for c in check_tagged_pdf(pdf)}
    assert found["pdf.glyphs"] == ("fail", "1 characters are drawn as empty boxes (.notdef), no font having them: "
                                           "\ue000 (U+E000); install fonts with these characters (e.g. "
                                           "fonts-noto-cjk) and build again")
    assert found["pdf.text-inside"][0] == "fail" and "text runs off the page" in found["pdf.text-inside"][1]
