"""What `check` refuses so that `all` never has to: deep nesting, over-long fields, clashing or invisible
ids, impossible trims and dates, unknown voices, symlinked stories (issue 17; the builds: test_run_safety.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storyexport.model import ItemList, Paragraph, Quote, plain_text, walk_blocks
from storyexport.source.limits import FIELD_CHARS, MAX_NESTING
from storyexport.source.parse import parse

FRONT = '---\ntitle: "Limits"\nlang: en\n---\n\n'
FIGURE = "![A blue rectangle with an orange circle.](photos/photo.jpg){#photo}"


def words(story) -> set[str]:
    """Every word of every paragraph of the primary text."""
    return {w for b in walk_blocks(story.articles[0].blocks) if isinstance(b, Paragraph)
            for w in plain_text(b.content).split()}


# -- point 2: nesting is rendered or refused with its line, never dropped ----------------------------------


def nested_list(depth: int, indent: int) -> str:
    return "".join(" " * (indent * level) + f"- item{level}\n" for level in range(depth))


@pytest.mark.parametrize("indent", [2, 4])
def test_a_list_nested_ten_deep_keeps_every_item_the_text_after_it_and_the_translation(indent, write_story):
    story_file = write_story(FRONT.replace("lang: en", "lang: en\ntranslations: {es: {title: Límites}}")
                             + nested_list(10, indent) + "\nAfter the list.\n\n::: {lang=es}\nDespués.\n:::\n",
                             photos=())
    story, _ = parse(story_file)
    assert {f"item{n}" for n in range(10)} | {"After", "the", "list."} <= words(story)
    assert story.languages == ("en", "es")
    depth = 0
    for block in walk_blocks(story.articles[0].blocks):
        depth += isinstance(block, ItemList)
    assert depth == 10


def test_nesting_deeper_than_the_limit_is_an_error_naming_its_line(write_story, run_cli, problem_lines):
    quotes = ">" * 20 + " The quoted text.\n"
    story = write_story(FRONT + "Before.\n\n" + quotes + "\nAfter.\n\n" + nested_list(MAX_NESTING + 2, 2), photos=())
    result = run_cli("check", story)
    assert result.exit_code == 2
    message = (f"lists, quotes and divs nest more than {MAX_NESTING} deep here; nothing this deep can be "
               "shown in every format: flatten it (fewer indents or > marks)")
    assert problem_lines(result.output) == [(8, message), (12 + MAX_NESTING, message)]


def test_nesting_at_the_limit_is_rendered_whole(write_story):
    mixed = ">" * (MAX_NESTING - 1) + " - deepest words here\n\nAfter.\n"  # quotes, and a list in the last
    story, _ = parse(write_story(FRONT + mixed, photos=()))
    assert {"deepest", "words", "here", "After."} <= words(story)
    assert sum(isinstance(b, (Quote, ItemList)) for b in walk_blocks(story.articles[0].blocks)) == MAX_NESTING


# -- point 5: every field has a limit, checked with its line -------------------------------------------------


@pytest.mark.parametrize("field, line, source", [
    ("title", 2, lambda n: FRONT.replace('"Limits"', "x" * n)),
    ("description", 4, lambda n: FRONT.replace("lang: en\n", f"lang: en\ndescription: {'x' * n}\n")),
    ("author", 4, lambda n: FRONT.replace("lang: en\n", f"lang: en\nauthor: [{'x' * n}]\n")),
    ("rights", 4, lambda n: FRONT.replace("lang: en\n", f"lang: en\nrights: {'x' * n}\n")),
    ("heading", 6, lambda n: FRONT + "## " + "x" * n + "\n"),
    ("alt", 6, lambda n: FRONT + FIGURE.replace("A blue rectangle with an orange circle.", "x" * n)),
    ("caption", 6, lambda n: FRONT + FIGURE[:-1] + f' caption="{"x" * n}"}}'),
    ("credit", 6, lambda n: FRONT + FIGURE[:-1] + f' credit="{"x" * n}"}}'),
])
def test_a_field_over_its_limit_is_an_error_with_its_line_and_at_the_limit_passes(field, line, source, write_story,
                                                                                   run_cli, problem_lines):
    limit = FIELD_CHARS[field]
    assert run_cli("check", write_story(source(limit))).exit_code == 0
    result = run_cli("check", write_story(source(limit + 1)))
    assert result.exit_code == 2
    errors = [(n, m) for n, m in problem_lines(result.output) if not m.startswith("warning: ")]
    assert [n for n, _ in errors] == [line], result.output
    assert f"is {limit + 1:,} characters long; it may have at most {limit:,}" in errors[0][1]


def test_a_fifteen_megabyte_title_is_refused_at_check(write_story, run_cli, problem_lines):
    result = run_cli("check", write_story(FRONT.replace('"Limits"', "x" * 15_000_000)))
    assert result.exit_code == 2
    assert problem_lines(result.output) == [(2, "`title` is 15,000,000 characters long; it may have at most "
                                                f"{FIELD_CHARS['title']:,}")]


def test_too_many_subjects_is_an_error(write_story, run_cli, problem_lines):
    subjects = "[" + ", ".join(f"s{n}" for n in range(101)) + "]"
    result = run_cli("check", write_story(FRONT.replace("lang: en\n", f"lang: en\nsubjects: {subjects}\n")))
    assert problem_lines(result.output) == [(4, "`subjects` lists 101 values; it may have at most 100")]


# -- point 6: what `all` would fail on, `check` refuses ------------------------------------------------------


@pytest.mark.parametrize("date, ok", [("2107-12-31", True), ("2108-01-01", False), ("1900-01-01", True),
                                      ("1899-12-31", False)])
def test_dates_an_epub_cannot_hold_are_refused(date, ok, write_story, run_cli, problem_lines):
    result = run_cli("check", write_story(FRONT.replace("lang: en\n", f"lang: en\ndate: {date}\n"), photos=()))
    assert result.exit_code == (0 if ok else 2)
    if not ok:
        assert problem_lines(result.output) == [(4, f"`date` {date} is out of range: give a date from 1900 to 2107 "
                                                    "(the last year an EPUB's timestamps can hold)")]


@pytest.mark.parametrize("command", ["check", "all"])
def test_a_source_date_epoch_past_2107_stops_check_and_all_before_anything_is_written(command, monkeypatch, tmp_path,
                                                                                     paths, run_cli):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4354819200")  # 2108-01-01
    output = tmp_path / "output"
    args = [paths.stories / "minimal"] + (["-o", output, "--offline"] if command == "all" else [])
    result = run_cli(command, *args)
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH=4354819200 is 2108-01-01: give a moment from 1970 to 2107" in result.output
    assert not output.exists()


@pytest.mark.parametrize("narration, message", [
    ("{es: {engine: kokoro, voice: nobody}}",
     "Kokoro has no voice 'nobody'; its voices are jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo"),
    ("{es: {engine: espeak, voice: nobody}}", "eSpeak NG has no voice 'nobody'"),
    ("{en: {engine: piper, voice: nobody}}", "Piper has no voice 'nobody'; its packaged voice is en_US-joe-medium"),
    ("{es: {engine: gtts, voice: nobody}}", "gTTS has no voices to choose from; give its accent as `tld` (e.g. com.mx)"),
    ("{es: {voice: jf_nezumi}}",
     "a voice belongs to one engine: name it too, e.g. `{engine: kokoro, voice: jf_nezumi}`"),
    ("{es: {engine: espeak, tld: com.mx}}", "`tld` is gTTS's accent; eSpeak NG has none"),
    ("{es: {tld: 'not a domain'}}", "`tld` 'not a domain' is not a Google domain ending such as com, com.mx or es"),
])
def test_a_narration_voice_the_engine_does_not_have_is_an_error_at_check(narration, message, write_story, run_cli,
                                                                         problem_lines):
    lang = "en" if "piper" in narration else "es"
    story = write_story(FRONT.replace("lang: en\n", f"lang: {lang}\nnarration: {narration}\n"), photos=())
    result = run_cli("check", story)
    assert result.exit_code == 2
    assert [m for _, m in problem_lines(result.output)] == [f"narration.{lang}: {message}"]


def test_a_voice_the_engine_has_passes(write_story, run_cli):
    story = write_story(FRONT.replace("lang: en\n", "lang: es\nnarration: {es: {engine: kokoro, voice: jf_nezumi}}\n"),
                        photos=())
    assert run_cli("check", story).exit_code == 0


# -- point 8: one id namespace per language's text -------------------------------------------------------------


def test_a_heading_id_equal_to_a_figure_id_is_an_error(write_story, run_cli, problem_lines):
    result = run_cli("check", write_story(FRONT + "## The photo {#photo}\n\nText.\n\n" + FIGURE + "\n"))
    assert result.exit_code == 2
    assert problem_lines(result.output) == [(6, 'heading id "photo" is also used by the figure on line 10; ids '
                                                "must be unique: rename one")]


def test_a_heading_whose_made_id_is_a_figure_s_is_renamed(write_story):
    story, _ = parse(write_story(FRONT + "## Photo\n\nText.\n\n" + FIGURE + "\n\n## Photo description\n\nMore.\n"))
    headings = [b.id for b in story.articles[0].blocks if hasattr(b, "level")]
    assert headings == ["photo-2", "photo-description-2"]


@pytest.mark.parametrize("figure_id, message", [
    ("s1", 'figure id "s1" is one storyexport gives sentences, notes or page parts; choose another'),
    ("fn-2", 'figure id "fn-2" is one storyexport gives sentences, notes or page parts; choose another'),
])
def test_figure_ids_storyexport_uses_itself_are_errors(figure_id, message, write_story, run_cli, problem_lines):
    result = run_cli("check", write_story(FRONT + FIGURE.replace("#photo", f"#{figure_id}") + "\n"))
    assert problem_lines(result.output) == [(6, message)]


def test_a_figure_id_that_is_another_figures_description_id_is_an_error(write_story, run_cli, problem_lines):
    text = FRONT + FIGURE + "\n\n" + FIGURE.replace("#photo", "#photo-description") + "\n"
    result = run_cli("check", write_story(text))
    assert problem_lines(result.output) == [(8, 'figure id "photo-description" is also the id of figure "photo"\'s '
                                                "long description; choose another")]


# -- point 16: invisible characters in ids -----------------------------------------------------------------


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u2066", "\u2060", "\ufe0f"])
def test_an_id_with_an_invisible_character_is_an_error_that_shows_it(hidden, write_story, run_cli, problem_lines):
    escaped = f"\\u{ord(hidden):04x}"
    text = (FRONT.replace("lang: en\n", "lang: en\ntranslations: {es: {title: Límites}}\n")
            + FIGURE.replace("#photo", f"#photo{hidden}") + f"\n\n## Part {{#part{hidden}}}\n\n::: {{lang=es}}\n"
            + FIGURE.replace("A blue rectangle with an orange circle.", "Un rectángulo azul.") + "\n:::\n")
    result = run_cli("check", write_story(text))
    assert result.exit_code == 2
    found = problem_lines(result.output)
    assert (7, f"figure 'photos/photo.jpg': the id \"photo{escaped}\" contains invisible characters (shown escaped); "
               "retype it with visible characters only") in found
    assert (9, f"heading: the id \"part{escaped}\" contains invisible characters (shown escaped); retype it with "
               "visible characters only") in found
    assert (11, f'figure "photo{escaped}" (line 7) is missing from the es text: repeat it there with the same id '
                "and translated alt text") in found
    assert (12, 'figure "photo" is in the es text but not in the primary text; figure ids must match across '
                "languages") in found
    assert hidden not in result.output  # every message shows it escaped: no two read the same


# -- point 11: trim sizes a printer can cut --------------------------------------------------------------------


@pytest.mark.parametrize("trim, shown", [("0mm 0mm", "0 mm × 0 mm"), ("100000mm 100000mm", "100,000 mm × 100,000 mm"),
                                         ("49mm 100mm", "49 mm × 100 mm"), ("6in 50in", "152 mm × 1,270 mm")])
def test_an_impossible_trim_is_an_error_with_its_line(trim, shown, write_story, run_cli, problem_lines):
    story = write_story(FRONT.replace("lang: en\n", f"lang: en\nprint:\n  trim: {trim}\n"), photos=())
    result = run_cli("check", story)
    assert result.exit_code == 2
    assert problem_lines(result.output) == [(5, f"`print.trim` {trim!r} is {shown}: each side of a page must be "
                                                "from 50 mm to 1,000 mm")]


@pytest.mark.parametrize("trim", ["50mm 1000mm", "A6", "ledger", "6in 9in"])
def test_trims_within_paper_limits_pass(trim, write_story, run_cli):
    story = write_story(FRONT.replace("lang: en\n", f"lang: en\nprint: {{trim: {trim}}}\n"), photos=())
    assert run_cli("check", story).exit_code == 0


# -- point 4: a story file or folder that is a symlink ------------------------------------------------------


def test_a_symlinked_story_file_is_refused_not_taken_for_its_target(write_story, run_cli, problem_lines):
    real = write_story(FRONT + "Story b.\n", slug="b", photos=())
    (real.parent.parent / "a").mkdir()
    os.symlink("../b/story.md", real.parent.parent / "a" / "story.md")
    result = run_cli("check", real.parent.parent)
    assert result.exit_code == 2
    assert "a/story.md:1: " in result.output
    assert problem_lines(result.output) == [(1, "the story file is a symlink (or lies in a symlinked folder); copy "
                                                "the file into the story folder")]


def test_a_symlinked_story_folder_is_refused(write_story, tmp_path: Path, run_cli, problem_lines):
    real = write_story(FRONT + FIGURE + "\n", slug="elsewhere")
    stories = tmp_path / "stories"
    stories.mkdir()
    os.symlink(real.parent, stories / "trip")
    result = run_cli("check", stories)
    assert result.exit_code == 2
    assert problem_lines(result.output) == [(1, "the story folder trip/ is a symlink; a story's folder must be a "
                                                "real folder (copy or move the story there)")]
