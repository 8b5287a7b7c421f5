"""Media overlays read back from the EPUB and checked against the audio inside it, decoded."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from storyexport.errors import BuildError
from storyexport.formats import BuildContext, Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.formats.epub.overlays import clip_boundaries, smil_clock
from storyexport.store.cache import Cache
from storyexport.store.layout import TIMINGS
from storyexport.text.labels import label
from storyexport.text.narration_plan import narration_plan
from storyexport.text.timings import load_timings

CLOCK = re.compile(r"^(\d+):(\d\d):(\d\d)\.(\d\d\d)$")


@pytest.fixture(scope="module", params=["sample", "every"])
def books(request):
    return request.getfixturevalue({"sample": "sample_books", "every": "every_construct_books"}[request.param])


def ms(value: str) -> int:
    hours, minutes, seconds, millis = map(int, CLOCK.match(value).groups())
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def pars(book) -> list[tuple[str, str, int, int]]:
    """(text src, audio src, clipBegin ms, clipEnd ms) of every <par> of an opened EPUB, in order."""
    smil, ns = book.xml("overlays/story.smil"), book.NS
    return [(p.find("smil:text", ns).get("src"), p.find("smil:audio", ns).get("src"),
             ms(p.find("smil:audio", ns).get("clipBegin")), ms(p.find("smil:audio", ns).get("clipEnd")))
            for p in smil.iter(f"{{{ns['smil']}}}par")]


def decoded_ms(mp3: bytes) -> float:
    """The audio's real length: every sample decoded by ffmpeg."""
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "22050", "pipe:1"],
                         input=mp3, capture_output=True, check=True).stdout
    return len(pcm) / 2 / 22050 * 1000


@pytest.mark.slow
def test_every_sentence_span_has_a_par(books, open_epub):
    for lang, path in books.narrated.items():
        book = open_epub(path)
        story = book.xml("story.xhtml")
        sentences = [e.get("id") for e in story.iter() if "sentence" in (e.get("class") or "").split()
                     or (e.tag.endswith("img") and re.fullmatch(r"s\d+", e.get("id") or ""))]
        targets = [text for text, *_ in pars(book)]
        assert sorted(targets) == sorted(f"../story.xhtml#{s}" for s in sentences)
        assert [t.split("#")[1] for t in targets] == [s.id for s in narration_plan(books.story, lang).sentences]


@pytest.mark.slow
def test_clips_lie_within_the_audio_and_tile_it(books, open_epub):
    for lang, path in books.narrated.items():
        book = open_epub(path)
        clips = pars(book)
        audio = {src for _, src, *_ in clips}
        assert audio == {f"../audio/{books.story.slug}.{lang}.mp3"}
        length = decoded_ms(book.read(audio.pop()[3:]))
        assert all(0 <= begin < end <= length for *_, begin, end in clips)
        assert all(a[3] == b[2] for a, b in pairwise(clips))  # no gaps, no overlaps
        timings = books.timings[lang]
        assert [begin for *_, begin, _ in clips] == [t.begin * 1000 // timings.sample_rate for t in timings.sentences]


@pytest.mark.slow
def test_durations_add_up(books, open_epub):
    for path in books.narrated.values():
        book = open_epub(path)
        clips = pars(book)
        per_item = book.refining("media:duration")
        assert list(per_item) == ["#overlay-story"]
        assert ms(per_item["#overlay-story"]) == sum(end - begin for *_, begin, end in clips)
        assert [ms(total) for total in book.meta("media:duration")] == [sum(ms(v) for v in per_item.values())]


@pytest.mark.slow
def test_manifest_links_document_overlay_and_audio(books, open_epub):
    book = open_epub(books.narrated["en"])
    items = book.items()
    assert items["story"]["media-overlay"] == "overlay-story"
    assert items["overlay-story"]["media-type"] == "application/smil+xml"
    assert items["narration"]["media-type"] == "audio/mpeg"
    assert book.meta("media:narrator") == ["eSpeak NG en-us"]


@pytest.mark.slow
def test_active_class_is_styled_by_the_linked_stylesheet(books, open_epub):
    book = open_epub(books.narrated["es"])
    [active] = book.meta("media:active-class")
    css_href = book.xml("story.xhtml").find(".//x:link[@rel='stylesheet']", book.NS).get("href")
    css = book.read(css_href).decode()
    assert re.search(rf"\.{re.escape(active)}\s*\{{[^}}]*background-color", css)


@pytest.mark.slow
def test_figures_and_footnotes_are_skippable_sequences(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])
    smil, ns = book.xml("overlays/story.smil"), book.NS
    kinds = {s.get(f"{{{ns['epub']}}}textref"): s.get(f"{{{ns['epub']}}}type")
             for s in smil.iter(f"{{{ns['smil']}}}seq")}
    assert kinds == {"../story.xhtml": "bodymatter", "../story.xhtml#photo": "figure", "../story.xhtml#kite": "figure",
                     "../story.xhtml#lighthouse": "figure", "../story.xhtml#squares": "figure",
                     "../story.xhtml#fn-1": "footnote", "../story.xhtml#fn-2": "footnote",
                     "../story.xhtml#fn-3": "footnote"}
    photo = smil.xpath("//smil:seq[@epub:textref='../story.xhtml#photo']/smil:par/smil:text/@src", namespaces=ns)
    assert photo == ["../story.xhtml#s24", "../story.xhtml#s25", "../story.xhtml#s26"]  # alt, caption, credit
    note = smil.xpath("//smil:seq[@epub:textref='../story.xhtml#fn-1']/smil:par/smil:text/@src", namespaces=ns)
    assert note == ["../story.xhtml#s7", "../story.xhtml#s8"]  # read once, though called twice


@pytest.mark.slow
def test_text_only_variant_has_no_auditory_claims(books, open_epub):
    for lang, path in books.text_only.items():
        book = open_epub(path)
        items = book.items()
        assert not [i for i in items.values() if i["media-type"] in ("audio/mpeg", "application/smil+xml")]
        assert not [i for i in items.values() if "media-overlay" in i]
        assert "auditory" not in book.meta("schema:accessMode")
        assert "synchronizedAudioText" not in book.meta("schema:accessibilityFeature")
        assert not [m for m in book.opf.iterfind("opf:metadata/opf:meta", book.NS)
                    if (m.get("property") or "").startswith("media:")]
        assert not [n for n in book.archive.namelist() if n.endswith((".mp3", ".smil"))]
        summary = book.meta("schema:accessibilitySummary")[0]
        assert label(lang, "a11y_no_narration") in summary
        assert "synthesized speech" not in summary and "sintetizada" not in summary
    assert (books.text_only["en"].stat().st_size * 5 < books.narrated["en"].stat().st_size)


def _build_en(folder, tmp_path, story) -> Path:
    ctx = BuildContext(folder, Cache(tmp_path / "cache"), Options(languages=("en",)))
    return EpubBuilder().build(story, ctx)[0].path


@pytest.mark.slow
def test_timings_for_another_text_give_a_text_only_book(tmp_path, sample_books, open_epub, caplog):
    sample = sample_books
    folder = tmp_path / "out"
    shutil.copytree(sample.folder, folder)
    path = TIMINGS.path(folder, sample.story.slug, "en")
    data = json.loads(path.read_text("utf-8"))
    data["sentences"][2]["text"] = "An older wording of this sentence."
    path.write_text(json.dumps(data), "utf-8")
    book = open_epub(_build_en(folder, tmp_path, sample.story))
    assert "overlay-story" not in book.items() and "auditory" not in book.meta("schema:accessMode")
    assert "made for an older version of the text; the en EPUB will be text-only" in caplog.text


@pytest.mark.slow
def test_a_missing_mp3_gives_a_text_only_book(tmp_path, sample_books, open_epub, caplog):
    sample = sample_books
    folder = tmp_path / "out"
    shutil.copytree(sample.folder, folder)
    (folder / "serving-hope.en.mp3").unlink()
    book = open_epub(_build_en(folder, tmp_path, sample.story))
    assert "narration" not in book.items()
    assert "MP3 named in serving-hope.en.timings.json is missing" in caplog.text


def test_clock_values():
    assert smil_clock(0) == "0:00:00.000"
    assert smil_clock(3_723_004) == "1:02:03.004"


@pytest.mark.slow
def test_timings_out_of_order_are_refused(sample_books):
    sample = sample_books
    timings = load_timings(TIMINGS.path(sample.folder, sample.story.slug, "en"))
    plan = narration_plan(sample.story, "en")
    swapped = list(timings.sentences)
    swapped[3], swapped[4] = replace(swapped[3], begin=swapped[4].begin), replace(swapped[4], begin=swapped[3].begin)
    with pytest.raises(BuildError, match="out of order"):
        clip_boundaries(plan, replace(timings, sentences=tuple(swapped)))
    with pytest.raises(BuildError, match="run past the audio"):
        clip_boundaries(plan, replace(timings, samples=timings.sentences[-1].end - 1))
