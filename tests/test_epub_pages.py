"""Print page numbers in the EPUB, from the print PDF's own layout; the NCX's depth; photos that fit
the screen; a read-aloud highlight that shows in day and night."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from storyexport.formats.epub.pagebreaks import add_page_breaks
from storyexport.text.pagination import PageStart


def words_after_markers(xhtml: str) -> dict[int, str]:
    """The first words after each page-break marker of a content document."""
    found = {}
    for match in re.finditer(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-(\d+)" aria-label="\1"/>',
                             xhtml):
        following = re.sub(r"<[^>]+>", " ", xhtml[match.end():match.end() + 2000])
        found[int(match[1])] = " ".join(following.split())
    return found


def first_words_of_page(pdf: Path, number: int) -> str:
    """The first words of a printed page, under its running head (poppler's reading)."""
    text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[1 if number > 1 else 0].split())


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_page_breaks_sit_where_the_print_pdf_pages_begin(expert_review, open_epub, lang):
    book = open_epub(expert_review.path(".epub", lang))
    xhtml = book.read("story.xhtml").decode("utf-8")
    markers = words_after_markers(xhtml)
    pdf = expert_review.path(".print.pdf", lang)
    assert sorted(markers) == list(range(1, 7))  # six printed pages, six markers
    article = expert_review.story.article(lang)
    for number, following in markers.items():
        first = first_words_of_page(pdf, number).replace("\u2010", "")
        if first.startswith(article.publisher.text):  # the last page holds only the colophon (worded differently)
            assert f'aria-label="{number}"/><footer class="colophon" id="colophon">' in xhtml
        elif number == 1:
            assert following.startswith(expert_review.story.article(lang).title.split(":")[0])
        elif first.startswith(("Description of the photo", "Descripción de la foto")):
            continue  # that page opens with a photo (a picture is not text to pdftotext): the marker is before it
        else:  # the same first word; a word hyphenated across the pages is whole on its new page
            word, first_word = following.split()[0], first.split()[0]
            assert word == first_word or (word.endswith(first_word) and number > 1), (number, first, following[:60])


@pytest.mark.slow
def test_a_page_that_starts_mid_sentence_gets_its_marker_inside_it_before_that_word(expert_review, open_epub):
    xhtml = open_epub(expert_review.path(".epub", "en")).read("story.xhtml").decode("utf-8")
    inside = re.search(r'<span id="s\d+" class="sentence">([^<]*)<span epub:type="pagebreak"[^>]*id="page-(\d)"',
                       xhtml)
    assert inside, "one of the story's pages starts inside a sentence"
    before, number = inside[1], int(inside[2])
    assert before.endswith(" ") and len(before.split()) > 3  # after some words of the sentence, between two
    first = first_words_of_page(expert_review.path(".print.pdf", "en"), number)
    assert words_after_markers(xhtml)[number].split()[:3] == first.split()[:3]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_page_list_nav_and_metadata_name_the_print_edition(expert_review, open_epub, lang):
    book = open_epub(expert_review.path(".epub", lang))
    nav = book.xml("nav.xhtml")
    (page_list,) = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=book.NS)
    assert page_list.get("role") == "doc-pagelist" and page_list.get("hidden") == "hidden"
    links = page_list.xpath(".//x:a", namespaces=book.NS)
    assert [(a.text, a.get("href")) for a in links] == [(str(n), f"story.xhtml#page-{n}") for n in range(1, 7)]
    assert {"printPageNumbers", "pageNavigation"} <= set(book.meta("schema:accessibilityFeature"))
    (source,) = book.meta("pageBreakSource")
    assert source.endswith(f"(A6, expert-review.{lang}.print.pdf)")
    assert ("print edition" if lang == "en" else "edición impresa") in source
    checks = {(o["file"], c["name"]): c for o in expert_review.report["outputs"] for c in o["checks"]}
    assert checks[(f"expert-review.{lang}.epub", "epubcheck")]["status"] == "pass"
    assert checks[(f"expert-review.{lang}.epub", "epub.page-list")]["status"] == "pass"


@pytest.mark.slow
def test_no_page_list_without_a_print_pdf_to_follow(sample_books, open_epub):
    book = open_epub(sample_books.narrated["en"])  # built without the pdf
    assert not book.xml("nav.xhtml").xpath("//x:nav[@epub:type='page-list']", namespaces=book.NS)
    assert "printPageNumbers" not in book.meta("schema:accessibilityFeature") and not book.meta("pageBreakSource")
    assert b"doc-pagebreak" not in book.read("story.xhtml")


@pytest.mark.slow
def test_ncx_depth_is_the_depth_of_its_table_of_contents(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])  # title > "The first section" > "A subsection"
    ncx = book.xml("toc.ncx")
    namespace = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    assert ncx.xpath("//n:meta[@name='dtb:depth']/@content", namespaces=namespace) == ["3"]
    assert ncx.xpath("//n:navPoint/n:navPoint/n:navPoint", namespaces=namespace)


def test_a_marker_never_lands_inside_a_list_or_a_word():
    xhtml = ('<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
             'xmlns:epub="http://www.idpf.org/2007/ops"><body><ul><li><p><span id="s1" class="sentence">First '
             'item.</span></p></li></ul><p><span id="s2" class="sentence">A well-known therapist came.</span></p>'
             '<h2 id="h"><span id="s3" class="sentence">Heading</span></h2></body></html>').encode()
    pages = (PageStart(1, "s1", 0), PageStart(2, "s2", 13), PageStart(3, "s3", 0))  # 13: "Awell-knownth|"
    marked, placed = add_page_breaks(xhtml, pages)
    text = marked.decode()
    assert placed == pages
    assert '<li><span epub:type="pagebreak" role="doc-pagebreak" id="page-1" aria-label="1"/><p>' in text
    # the page starts in "therapist" (a hyphenated word, say): the marker goes before the whole word
    assert 'well-known <span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2"/>therapist' in text
    assert '<span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"/><h2 id="h">' in text


@pytest.mark.slow
def test_a_portrait_photo_is_never_taller_than_the_screen(expert_review, browser, tmp_path):
    import zipfile

    with zipfile.ZipFile(expert_review.path(".epub", "en")) as book:
        book.extractall(tmp_path)
    page = browser.new_page(viewport={"width": 390, "height": 520})  # a small phone, held upright
    page.goto((tmp_path / "EPUB" / "story.xhtml").as_uri())
    height = page.evaluate("document.querySelector('#nurse img').getBoundingClientRect().height")
    width = page.evaluate("document.querySelector('#nurse img').getBoundingClientRect().width")
    assert 0 < height <= 520 and width == pytest.approx(height * 540 / 810, abs=1)  # not distorted
    page.close()


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_read_aloud_highlight_shows_on_a_white_and_a_black_page(paths):
    css = (paths.root / "src" / "storyexport" / "templates" / "epub" / "book.css").read_text()
    rule = re.search(r"\n\.-epub-media-overlay-active \{([^}]*)\}", css)[1]
    background = re.search(r"background-color:\s*(#[0-9a-fA-F]{6})", rule)[1]
    text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", rule)[1]
    assert contrast(background, "#ffffff") >= 3 and contrast(background, "#000000") >= 3  # WCAG 1.4.11
    assert contrast(text, background) >= 4.5  # WCAG 1.4.3
