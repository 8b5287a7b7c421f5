"""The shared render: well-formed markup in every target, and each sentence's span holds its words."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from storyexport.source.parse import parse
from storyexport.text.narration_plan import narration_plan
from storyexport.text.render import RenderTarget, render_article

TARGETS = [RenderTarget("web", notes="endnotes"), RenderTarget("epub", notes="epub", xml_lang=True),
           RenderTarget("print", notes="inline")]


def as_xml(rendered) -> ET.Element:
    body = f"{rendered.title}{rendered.byline}{rendered.body}{rendered.notes}"
    return ET.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{body}</div>')


def element_text(element: ET.Element) -> str:
    """An element's words, leaving out footnote calls and footnote text floated into it."""
    parts = [element.text or ""]
    for child in element:
        if child.get("class") not in ("footnote", "noteref") and child.tag != "sup":
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


@pytest.mark.parametrize("source", ["sample", "every-construct"], ids=["sample", "every"])
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_every_sentence_has_its_element_with_its_words(source, target, paths):
    story, _ = parse(paths.sample if source == "sample" else paths.story(source))
    for article in story.articles:
        plan = narration_plan(story, article.lang)
        root = as_xml(render_article(story, article, plan, target))
        by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
        for sentence in plan.sentences:
            element = by_id[sentence.id]
            if element.tag == "img":
                assert element.get("alt") == sentence.text.split(": ", 1)[1]
            else:
                words = element_text(element)
                assert sentence.text.endswith(words), (sentence.id, words)


def test_notes_follow_the_target(paths):
    story, _ = parse(paths.story("every-construct"))
    article = story.article("en")
    web, epub, printed = (render_article(story, article, None, t) for t in TARGETS)
    assert 'role="doc-endnotes"' in web.notes and 'href="#fnref-1"' in web.notes
    assert 'epub:type="footnote"' in epub.notes and 'epub:type="noteref"' in epub.body
    assert printed.notes == "" and '<span class="footnote" id="fn-1">' in printed.body
    # in the PDF too the call links to its note and the note's number back to the call
    assert '<a class="noteref" id="fnref-1" href="#fn-1"' in printed.body
    assert '<a class="footnote-back" href="#fnref-1"' in printed.body
    assert 'xml:lang="es"' in epub.body and 'xml:lang' not in web.body


def test_text_from_the_source_is_escaped(story_copy):
    story_file = story_copy("minimal")
    story_file.write_text(story_file.read_text().replace(
        "One paragraph of text.", 'A <script>alert(1)</script> and <img src=x onerror="alert(2)"> here.'))
    story, _ = parse(story_file)
    html = str(render_article(story, story.articles[0], None, TARGETS[0]).body)
    assert "<script>" not in html and "<img src=x" not in html and "onerror" not in html
    assert "alert(1)" not in html  # a script is dropped with its content (and a warning, see test_markdown)
    assert not re.search(r"<[^>]+\sonerror=", html)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_every_id_is_unique_even_when_a_note_is_called_twice(target, paths):
    story, _ = parse(paths.story("every-construct"))  # [^source] is called twice
    for article in story.articles:
        root = as_xml(render_article(story, article, narration_plan(story, article.lang), target))
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_very_long_words_get_break_opportunities_never_inside_a_character():
    from storyexport.text.render import ZERO_WIDTH_SPACE, breakable

    def text(markup) -> str:
        return str(markup).replace('<span class="long-word">', "").replace("</span>", "")

    number = "1234567890" * 15
    assert str(breakable(f"a <{number}> b")).startswith('a <span class="long-word">&lt;1234567')
    assert text(breakable(f"a {number} b")).replace(ZERO_WIDTH_SPACE, "") == f"a {number} b"
    assert text(breakable(f"a {number} b")).count(ZERO_WIDTH_SPACE) == 150 // 8 - (150 % 8 == 0)
    assert str(breakable("short words and an eighty-letter " + "x" * 80)) == "short words and an eighty-letter " + "x" * 80
    people = "👩🏽\u200d⚕\ufe0f" * 30 + "e\u0301" * 50  # skin tones, joiners, selectors, combining accents
    broken = text(breakable(people))
    assert broken.replace(ZERO_WIDTH_SPACE, "") == people
    for before, after in zip(broken, broken[1:]):
        if after == ZERO_WIDTH_SPACE:
            assert before != "\u200d"
        if before == ZERO_WIDTH_SPACE:
            assert after not in "\u200d\ufe0f\u0301🏽"
