"""Claims that are true: conformance only as the publisher declares it, a summary that says what was
checked by machine and what a person must check, per-edition JSON-LD, addresses only when absolute,
each edition in its language, and a page whose only heading above the story is its title."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from storyexport.errors import SourceError
from storyexport.formats import BuildContext, Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.source.parse import parse
from storyexport.store.cache import Cache

DECLARATION = """accessibility:
  conformsTo: EPUB Accessibility 1.1 - WCAG 2.2 Level AA
  certifiedBy: Example Accessibility Lab
  credential: DAISY Ace trained
  report: https://example.org/a11y-report
"""


def declare(story_file: Path, declaration: str) -> None:
    text = story_file.read_text("utf-8")
    story_file.write_text(text.replace("title:", declaration + "title:", 1), "utf-8")


def text_only_epub(story_file: Path, output: Path) -> Path:
    story, _ = parse(story_file)
    (built,) = EpubBuilder().build(story, BuildContext(output / story.slug, Cache(output / ".cache"),
                                                       Options(narration=False)))
    return built.path


def test_a_book_claims_no_conformance_unless_the_publisher_declares_it(story_copy, tmp_path, open_epub):
    book = open_epub(text_only_epub(story_copy("minimal"), tmp_path))
    assert book.meta("dcterms:conformsTo") == [] and book.meta("a11y:certifiedBy") == []
    summary = book.meta("schema:accessibilitySummary")[0]
    assert "checked by machine that every photo has alternative text" in summary
    assert "No person has yet reviewed" in summary and "claims no conformance" in summary


def test_a_declared_conformance_is_written_with_its_certifier(story_copy, tmp_path, open_epub):
    story_file = story_copy("minimal")
    declare(story_file, DECLARATION)
    book = open_epub(text_only_epub(story_file, tmp_path))
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert book.meta("a11y:certifiedBy") == ["Example Accessibility Lab"]
    assert book.refining("a11y:certifierCredential") == {"#certifier": "DAISY Ace trained"}
    (report,) = book.opf.xpath("//opf:link[@rel='a11y:certifierReport']", namespaces=book.NS)
    assert (report.get("href"), report.get("refines")) == ("https://example.org/a11y-report", "#certifier")
    summary = book.meta("schema:accessibilitySummary")[0]
    assert "Example Accessibility Lab reviewed it and declares that it meets EPUB Accessibility 1.1" in summary


@pytest.mark.parametrize(("declaration", "message"), [
    ("accessibility: {conformsTo: EPUB Accessibility 1.1 - WCAG 2.2 Level AA}",
     "`accessibility.conformsTo` needs `certifiedBy`"),
    ("accessibility: {conformsTo: WCAG AA, certifiedBy: Me}", "`accessibility.conformsTo` 'WCAG AA' is not a "
                                                               "conformance reading systems know"),
    ("accessibility: {certifiedBy: Me}", "`accessibility.certifiedBy` is about a conformance claim, but there is no "
                                         "`accessibility.conformsTo`"),
])
def test_a_declaration_that_cannot_be_true_is_an_error_with_its_line(story_copy, declaration, message):
    story_file = story_copy("minimal")
    declare(story_file, declaration + "\n")
    with pytest.raises(SourceError) as raised:
        parse(story_file)
    (problem,) = raised.value.problems
    assert problem.line == 2 and problem.message.startswith(message), problem.message


def test_without_a_url_the_page_names_no_relative_image_or_canonical(story_copy, tmp_path, build_html):
    story, _ = parse(story_copy("minimal"))  # no `url`: where the page will live is unknown
    page = (build_html(story, tmp_path / "out", tmp_path / "cache") / "html" / "index.html").read_text("utf-8")
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//meta[starts-with(@property, 'og:image')]") and not tree.xpath("//link[@rel='canonical']")
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    assert "image" not in data and "url" not in data and data["identifier"] == story.identifier


# -- on the expert-review story, built with every format --------------------------------------------


def page(built, lang: str):
    return lxml.html.fromstring((built.folder / "html" / ("index.html" if lang == "en" else f"{lang}/index.html"))
                                .read_text("utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_json_ld_is_a_news_article_with_each_editions_own_identifier(expert_review, open_epub, lang):
    data = json.loads(page(expert_review, lang).xpath("//script[@type='application/ld+json']")[0].text)
    book = open_epub(expert_review.path(".epub", lang))
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == lang
    assert data["identifier"] == book.dc("identifier")[0]  # the page and the EPUB of one edition agree
    other = "es" if lang == "en" else "en"
    (version,) = data["workTranslation" if lang == "en" else "translationOfWork"]
    assert version["identifier"] == open_epub(expert_review.path(".epub", other)).dc("identifier")[0]
    assert version["identifier"] != data["identifier"]
    assert data["image"]["url"].startswith("https://example.org/stories/clinic-at-the-border/images/")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_only_heading_above_the_story_is_its_title_and_the_player_is_a_named_region(expert_review, lang):
    tree = page(expert_review, lang)
    headings = tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6")
    assert headings[0].tag == "h1" and not tree.xpath("//article/header//*[self::h2 or self::h3]")
    (player,) = tree.xpath("//section[@class='narration']")
    name = tree.get_element_by_id(player.get("aria-labelledby")).text_content()
    assert name in ("Listen to this story", "Escuchar esta historia")
    (audio,) = player.xpath(".//audio")
    assert tree.get_element_by_id(audio.get("aria-labelledby")).text_content() == name  # the audio is named


@pytest.mark.slow
def test_each_photo_points_to_its_long_description_once(expert_review):
    (img,) = page(expert_review, "en").xpath("//figure[@id='nurse']//img")
    assert img.get("aria-details") == "nurse-description" and img.get("aria-describedby") is None


@pytest.mark.slow
def test_text_left_in_english_is_marked_english_in_the_spanish_page_and_book(expert_review, open_epub):
    rights = expert_review.story.original.rights.text
    footer = page(expert_review, "es").xpath("//footer[@class='site-footer']//span[@lang='en']")
    assert [e.text for e in footer] == [rights]
    book = open_epub(expert_review.path(".epub", "es"))
    (dc_rights,) = book.opf.xpath("//dc:rights", namespaces=book.NS)
    assert dc_rights.text == rights and dc_rights.get(book.XML_LANG) == "en"
    colophon = book.xml("story.xhtml").xpath("//x:footer[@id='colophon']//x:span[@lang='en']", namespaces=book.NS)
    assert [e.text for e in colophon] == [rights] and colophon[0].get(book.XML_LANG) == "en"
    assert book.dc("subject") == ["migración", "salud", "enfermería"]  # the translation gives its own
    assert "inglés" in book.meta("schema:accessibilitySummary")[0]  # "... palabras y pasajes en inglés"
    lint = [c for c in expert_review.report["source"]["checks"] if c["name"] == "source.lint"]
    assert ["translations.es gives no `rights`" in c["detail"] for c in lint] == [True]


def test_a_subtitle_and_abstract_left_untranslated_are_marked_and_warned_about(tmp_path):
    from storyexport.text.render import RenderTarget, render_article

    (tmp_path / "story.md").write_text("""---
title: Original
subtitle: The original's subtitle
abstract: The original's abstract.
lang: en
description: A summary.
translations:
  es: {title: Traducción, description: Un resumen.}
---

Some text.

::: {lang=es}
Un texto.
:::
""", "utf-8")
    story, problems = parse(tmp_path / "story.md")
    (problem,) = problems
    assert problem.line == 8 and "translations.es gives no `subtitle`, `abstract`" in problem.message
    rendered = render_article(story, story.article("es"), None, RenderTarget("epub", notes="epub", xml_lang=True))
    assert str(rendered.subtitle) == '<span lang="en" xml:lang="en">The original’s subtitle</span>'
