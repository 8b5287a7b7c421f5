"""Pronunciation lexicons (W3C PLS): found beside the story and its folder, checked with path:line,
merged with the story's entries winning; photo credits as each edition writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyexport.errors import SourceError
from storyexport.source.parse import parse
from storyexport.text.narration_plan import narration_plan
from storyexport.text.render import RenderTarget, render_article

PLS = ('<?xml version="1.0" encoding="UTF-8"?>\n'
       '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="{lang}">\n'
       "{entries}\n</lexicon>\n")


def lexicon(lang: str, *entries: str, **attributes: str) -> str:
    text = PLS.format(lang=lang, entries="\n".join(entries))
    for name, value in attributes.items():
        text = text.replace(f'{name}="ipa"' if name == "alphabet" else f'{name}="1.0"', f'{name}="{value}"')
    return text


def entry(grapheme: str, phoneme: str = "", alias: str = "") -> str:
    said = (f"<phoneme>{phoneme}</phoneme>" if phoneme else "") + (f"<alias>{alias}</alias>" if alias else "")
    return f"  <lexeme><grapheme>{grapheme}</grapheme>{said}</lexeme>"


def test_the_story_lexicon_wins_over_the_folder_one_which_wins_over_the_built_in(story_copy):
    story_file = story_copy("pronunciation")
    (story_file.parent.parent / "pronunciation.en.pls").write_text(
        lexicon("en", entry("Venezuelan", "bəˈnænə"), entry("families", "ˈfæmliz"), entry("UNICEF", alias="you nicef")))
    story, problems = parse(story_file)
    english = story.lexicon("en")
    assert english.entry("Venezuelan").phoneme == "ˌvɛnəˈzweɪlən"  # the story's own
    assert english.entry("families").phoneme == "ˈfæmliz"  # the folder's
    assert english.entry("UNICEF").alias == "you nicef" and english.entry("NASA").alias == "Nasa"  # built in
    assert story.lexicon("es-419") is story.lexicon("es") or story.lexicon("es-419").entry("Cúcuta")
    assert english.files == ("pronunciation/pronunciation.en.pls", "source/pronunciation.en.pls",
                             "storyexport/pronunciation.en.pls")


@pytest.mark.parametrize("content,line,message", [
    ('<lexicon version="1.0"', 1, "not well-formed XML"),
    (lexicon("en", entry("Tacna", "ˈtakna")).replace("pronunciation-lexicon", "other"), 2, "the root element must be"),
    (lexicon("en", entry("Tacna", "ˈtakna"), alphabet="x-sampa"), 2, "alphabet 'x-sampa' is not supported"),
    (lexicon("es", entry("Tacna", "ˈtakna")), 2, 'xml:lang="es" does not match the file name'),
    (lexicon("en", entry("Tacna", "T AE1 K N AH0")), 3, '"Tacna": 0 1 A E H K N T in /T AE1 K N AH0/ is not IPA'),
    (lexicon("en", "  <lexeme><phoneme>ˈtakna</phoneme></lexeme>"), 3, "needs at least one non-empty <grapheme>"),
    (lexicon("en", "  <lexeme><grapheme>Tacna</grapheme></lexeme>"), 3, 'needs a <phoneme> (IPA) or an <alias>'),
])
def test_check_reports_a_broken_lexicon_with_its_path_and_line(story_copy, run_cli, content, line, message):
    story_file = story_copy("pronunciation")
    (story_file.parent / "pronunciation.en.pls").write_text(content)
    with pytest.raises(SourceError) as caught:
        parse(story_file)
    problem = next(p for p in caught.value.problems if p.path.name == "pronunciation.en.pls")
    assert (problem.line, message in problem.message) == (line, True), problem.message
    result = run_cli("check", story_file)
    assert result.exit_code == 2 and f"pronunciation.en.pls:{line}: " in result.output


def test_a_lexicon_can_name_no_entity_or_remote_file(story_copy):
    story_file = story_copy("pronunciation")
    (story_file.parent / "pronunciation.en.pls").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lexicon [<!ENTITY secret SYSTEM "file:///etc/hostname">]>\n'
        + lexicon("en", entry("Tacna", alias="&secret;")).split("\n", 1)[1])
    with pytest.raises(SourceError) as caught:
        parse(story_file)
    assert any("pronunciation.en.pls" in str(p) for p in caught.value.problems)


def test_a_lexicon_that_is_a_symlink_is_refused(story_copy, tmp_path):
    story_file = story_copy("pronunciation")
    elsewhere = tmp_path / "elsewhere.pls"
    elsewhere.write_text(lexicon("en", entry("Tacna", "ˈtakna")))
    (story_file.parent / "pronunciation.en.pls").unlink(missing_ok=True)
    (story_file.parent / "pronunciation.en.pls").symlink_to(elsewhere)
    with pytest.raises(SourceError) as caught:
        parse(story_file)
    problem = next(p for p in caught.value.problems if p.path.name == "pronunciation.en.pls")
    assert problem.line == 1 and problem.message.startswith("the lexicon is a symlink"), problem.message


def test_an_authors_photo_label_is_not_doubled_and_check_warns(paths):
    story, problems = parse(paths.story("pronunciation"))
    warning = next(p for p in problems if "credit" in p.message)
    assert warning.line == 16 and warning.severity == "warning"
    assert 'the credit starts with "Photo:"' in warning.message and 'credit="IOM/M. Henley"' in warning.message
    english = story.article("en").figure("photo")
    assert english.credit == "IOM/M. Henley"
    html = str(render_article(story, story.article("en"), narration_plan(story, "en"), RenderTarget("html")).body)
    assert "Photo: IOM/M. Henley" in html and "Photo: Photo" not in html


def test_a_translation_gives_its_own_credit_and_byline(paths):
    story, _ = parse(paths.story("pronunciation"))
    spanish = story.article("es")
    assert spanish.figure("photo").credit == "OIM/M. Henley"  # translations.es.credit
    assert [author.name for author in spanish.authors] == ["OIM"]
    texts = [s.text for s in narration_plan(story, "es").sentences]
    assert "Por OIM" in texts and "Foto: OIM/M. Henley" in texts
