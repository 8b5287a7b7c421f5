"""The parser's Story model: the sample and a story using every construct of the source format."""

from __future__ import annotations

import datetime as dt

import pytest

from storyexport.errors import SourceError
from storyexport.model import (
    Author,
    CodeBlock,
    Division,
    Figure,
    Heading,
    ItemList,
    Paragraph,
    Quote,
    Span,
    ThematicBreak,
    plain_text,
    walk_blocks,
)
from storyexport.source.parse import parse


@pytest.fixture(scope="module")
def sample(paths):
    return parse(paths.sample)


@pytest.fixture(scope="module")
def every(paths):
    return parse(paths.story("every-construct"))[0]


def test_sample_holds_both_languages_with_both_figures(sample):
    story, warnings = sample
    assert warnings == []
    assert story.slug == "serving-hope"
    assert story.languages == ("en", "es")
    assert story.original.publisher.text == "International Organization for Migration"
    assert story.date == dt.date(2023, 6, 20)
    assert story.cover is not None and story.cover.src == "photos/xray.jpg"
    for article in story.articles:
        figures = article.figures()
        assert [f.id for f in figures] == ["xray", "doctor"]
        assert [f.photo.src for f in figures] == ["photos/xray.jpg", "photos/doctor.jpg"]
        assert all(f.photo.width >= 2400 for f in figures)
        assert all(f.alt and not f.decorative for f in figures)
    english, spanish = story.articles
    assert [f.credit for f in english.figures()] == ["IOM/Gema Cortes"] * 2
    assert [f.credit for f in spanish.figures()] == ["OIM/Gema Cortes"] * 2
    assert english.figure("xray").alt.startswith("A Venezuelan doctor points to an x-ray")
    assert spanish.figure("xray").alt.startswith("Un médico venezolano señala una radiografía")
    assert english.figure("xray").photo is spanish.figure("xray").photo  # one photo, shared
    assert spanish.title.startswith("Sirviendo esperanza")


def test_sample_marks_spanish_words_in_the_english_text(sample):
    english = sample[0].articles[0]
    spanish_words = {s.text for b in english.blocks if isinstance(b, Paragraph) for s in b.content if s.lang == "es"}
    assert spanish_words == {"Jesus", "Tacna"}


def test_sample_is_the_whole_seed_article(sample, paths):
    seed = paths.root.parent / "shared" / "seed" / "serving-hope.txt"
    english = sample[0].articles[0]
    text = " ".join(plain_text(b.content) for b in english.blocks if isinstance(b, Paragraph))
    if seed.exists():  # the seed lives beside the project on the developers' machines
        for line in seed.read_text().splitlines():
            line = " ".join(line.split())
            if line and not line.startswith(("Photo:", "A Venezuelan doctor", "Serving Hope")):
                assert line in text
    assert len(text.split()) > 380


def test_every_construct_becomes_the_model(every):
    english = every.article("en")
    kinds = [type(b).__name__ for b in walk_blocks(english.blocks)]
    for kind in ("Paragraph", "Heading", "ItemList", "Quote", "Figure", "Division", "ThematicBreak", "CodeBlock"):
        assert kind in kinds
    first = english.blocks[0]
    assert isinstance(first, Paragraph)
    assert Span("emphasis", emphasis=True) in first.content
    assert Span("strong words", strong=True) in first.content
    assert Span("a code span", code=True) in first.content
    assert Span("link to the project", href="https://example.org/project") in first.content
    assert Span("Tacna", lang="es") in first.content
    assert [s.note for s in first.content if s.note] == ["source", "^1"]
    headings = [b for b in walk_blocks(english.blocks) if isinstance(b, Heading)]
    assert [(h.level, h.id) for h in headings] == [(2, "the-first-section"), (3, "a-subsection"), (2, "second")]
    lists = [b for b in walk_blocks(english.blocks) if isinstance(b, ItemList)]
    assert [(l.ordered, l.start, len(l.items)) for l in lists] == [
        (False, 1, 3), (False, 1, 1), (True, 1, 2), (True, 3, 2),  # the body's lists, nested ones after their parent
        (False, 1, 2)]  # the list in the kite's long description
    assert any(isinstance(b, Quote) and len(b.blocks) == 2 for b in english.blocks)
    note, aside = [b for b in walk_blocks(english.blocks) if isinstance(b, Division)]
    assert note.classes == ("note",) and note.lang is None
    assert aside.classes == ("aside",) and aside.lang == "es"
    assert [b.text for b in english.blocks if isinstance(b, CodeBlock)] == [
        "code block: kept as it is", "indented code block: kept as written"]  # fenced, then indented
    assert any(isinstance(b, ThematicBreak) for b in english.blocks)
    breaks = [s for b in english.blocks if isinstance(b, Paragraph) for s in b.content if s.line_break]
    assert len(breaks) == 1


def test_every_construct_figures_and_notes(every):
    for article in every.articles:
        photo, kite, lighthouse, squares, ornament = article.figures()
        assert [f.id for f in article.figures()] == ["photo", "kite", "lighthouse", "squares", "ornament"]
        assert photo.long_description and isinstance(photo.long_description[0], Paragraph)
        assert kite.long_description and isinstance(kite.long_description[0], Paragraph)
        assert ornament.decorative and ornament.alt == ""
        assert not any(f.decorative or not f.alt for f in (photo, kite, lighthouse, squares))
        assert lighthouse.credit and not lighthouse.caption  # a credit alone, and a caption alone
        assert squares.caption and not squares.credit
        assert photo.credit == "Test Credit"  # the translation inherits the credit it does not give
        assert [n.number for n in article.footnotes] == [1, 2, 3]
    english = every.article("en")
    assert english.footnotes[0].label == "source"
    assert plain_text(english.footnotes[0].blocks[0].content).startswith("The source of the first claim.")
    assert plain_text(english.footnotes[1].blocks[0].content) == "Inline notes work as well."
    assert english.footnotes[2].label == "second"  # called from inside the note block
    assert every.print.trim == "6in 9in" and every.print.marks is False
    assert every.narration_for("es").voice == "es-419"
    assert every.identifier == "urn:isbn:9780000000002"
    assert every.original.authors == (Author("Ana Reporter"), Author("Luis Editor"))


def test_identifier_is_stable_and_derived_from_the_story(paths):
    first, _ = parse(paths.story("minimal"))
    second, _ = parse(paths.story("minimal"))
    assert first.identifier == second.identifier
    assert first.identifier.startswith("urn:uuid:")


def test_yaml_reads_values_as_written(story_copy):
    story = story_copy("minimal")
    story.write_text(story.read_text().replace("lang: en", "lang: no"))
    assert parse(story)[0].lang == "no"  # Norwegian, not YAML's False


def test_underscore_language_tag_gets_a_hint(story_copy):
    story = story_copy("minimal")
    story.write_text(story.read_text().replace("lang: en", "lang: es_MX"))
    with pytest.raises(SourceError) as caught:
        parse(story)
    assert [p.message for p in caught.value.problems] == [
        "language tag 'es_MX' uses '_': write it with a hyphen, 'es-MX'"]


def test_translation_figure_must_show_the_same_photo(story_copy, run_cli):
    story = story_copy("bilingual")
    (story.parent / "photos" / "other.jpg").write_bytes((story.parent / "photos" / "photo.jpg").read_bytes())
    text = story.read_text()
    story.write_text(text[: text.index("::: {lang=es}")] + text[text.index("::: {lang=es}"):].replace(
        "photos/photo.jpg", "photos/other.jpg"))
    result = run_cli("check", story)
    assert result.exit_code == 2
    assert ('figure "photo" shows photos/other.jpg in es but photos/photo.jpg in the primary text: a figure id '
            "names one photo in every language") in result.output


def test_a_figure_reads_its_attributes(every):
    photo = every.article("en").figure("photo")
    assert isinstance(photo, Figure)
    assert (photo.caption, photo.credit, photo.photo.format) == ("The test photo.", "Test Credit", "JPEG")


def test_a_translation_gives_its_own_byline_publisher_rights_and_subjects(tmp_path):
    (tmp_path / "story.md").write_text("""---
title: Original
lang: en
author: IOM
publisher: International Organization for Migration
rights: "© IOM"
subjects: [migration, health]
translations:
  es:
    title: Traducción
    author: [OIM, Ana Pérez]
    publisher: Organización Internacional para las Migraciones
    subjects: [migración]
  fr: {title: Traduction}
---

Some text.

::: {lang=es}
Un texto.
:::

::: {lang=fr}
Un texte.
:::
""", "utf-8")
    story, problems = parse(tmp_path / "story.md")
    # what a translation leaves in the original's language is a warning at its front-matter entry
    assert [(p.line, p.severity) for p in problems] == [(9, "warning"), (14, "warning")]
    assert "translations.es gives no `rights`: the es edition shows the en text (marked as en)" in problems[0].message
    assert "translations.fr gives no `publisher`, `rights`, `subjects`" in problems[1].message
    english, spanish, french = story.articles
    assert story.original is english and english.authors == (Author("IOM"),)
    assert spanish.authors == (Author("OIM"), Author("Ana Pérez")) and french.authors == (Author("IOM"),)
    assert (spanish.publisher.text, spanish.publisher.lang) == ("Organización Internacional para las Migraciones", "es")
    assert (spanish.rights.text, spanish.rights.lang) == ("© IOM", "en")  # not translated: the original's
    assert [(s.text, s.lang) for s in spanish.subjects] == [("migración", "es")]
    assert [(s.text, s.lang) for s in french.subjects] == [("migration", "en"), ("health", "en")]
