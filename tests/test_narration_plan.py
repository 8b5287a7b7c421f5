"""The narration plan: sentence ids, reading order, pauses and chapters, and its golden files."""

from __future__ import annotations

import os

import pytest

from storyexport.source.parse import parse
from storyexport.text.narration_plan import narration_plan, sentence_ranges


def plan_text(plan) -> str:
    lines = []
    for s in plan.sentences:
        chapter = f" [chapter: {s.chapter}]" if s.chapter else ""
        lines.append(f"{s.id}\t{s.pause}\t{s.anchor.part}{list(s.anchor.path)}{chapter}\t{s.text}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sample_plan_matches_its_golden_file(lang: str, paths):
    story, _ = parse(paths.sample)
    text = plan_text(narration_plan(story, lang))
    golden = paths.golden / f"serving-hope.{lang}.plan.txt"
    if os.environ.get("STORYEXPORT_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text()


def test_plan_reads_title_byline_body_figures_and_notes_in_order(paths):
    story, _ = parse(paths.story("every-construct"))
    plan = narration_plan(story, "en")
    texts = [s.text for s in plan.sentences]
    assert texts[:2] == ["Every Construct: A Test Story", "By Ana Reporter and Luis Editor"]
    assert [s.id for s in plan.sentences] == [f"s{n}" for n in range(1, len(texts) + 1)]
    # footnotes are read at the end of the section that calls them, before the next heading
    note = texts.index("Note 1: The source of the first claim.")
    assert note < texts.index("The first section")
    assert texts.index("Photo description: A blue rectangle with an orange circle in its middle, on a plain "
                       "background.") + 2 == texts.index("Photo: Test Credit")
    assert "The test photo." in texts
    assert not any("ornament" in t for t in texts)  # decorative figures are silent
    chapters = [s.chapter for s in plan.sentences if s.chapter]
    assert chapters == ["Every Construct: A Test Story", "The first section", "A subsection", "The second section"]
    assert {s.pause for s in plan.sentences} == {"none", "sentence", "paragraph", "section"}


def test_spanish_abbreviations_do_not_end_sentences():
    text = "El Sr. García llegó a las 5 p.m. con la Dra. Pérez. Luego habló."
    ranges = sentence_ranges(text, "es")
    assert [text[a:b] for a, b in ranges] == ["El Sr. García llegó a las 5 p.m. con la Dra. Pérez.", "Luego habló."]


def test_sentence_ranges_cover_the_words_exactly():
    text = "  Dr. Smith arrived at 5 p.m. with the U.S. delegation. It rained! Did it?  "
    ranges = sentence_ranges(text, "en")
    assert [text[a:b] for a, b in ranges] == [
        "Dr. Smith arrived at 5 p.m. with the U.S. delegation.", "It rained!", "Did it?"]
