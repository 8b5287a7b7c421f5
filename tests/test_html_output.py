"""The html builder's files: layout, reproducibility, updates, narration matching, escaping."""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from storyexport.errors import SourceError
from storyexport.formats import Options, get_builder
from storyexport.pipeline import build
from storyexport.source.parse import parse
from storyexport.store.layout import TIMINGS
from storyexport.text.narration_plan import narration_plan
from storyexport.text.render import RenderTarget, render_article
from storyexport.text.timings import NarrationTimings, SentenceTiming, save_timings


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes, as the HTML tokenizer sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def named(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, paths) -> Path:
    """The sample built through the pipeline (html only), as `storyexport html` does."""
    output = tmp_path_factory.mktemp("sample")
    result = build([paths.sample], ["html"], output, Options())
    assert not result.failed
    return output / "serving-hope"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_html_is_a_registered_format():
    builder = get_builder("html")
    assert builder.name == "html" and "web page" in builder.description


def test_the_html_folder_holds_a_page_per_language_and_what_they_load(sample):
    html = sample / "html"
    names = set(files_of(html))
    assert {"index.html", "es/index.html", "assets/story.css"} <= names
    assert "assets/narration.js" not in names and not any(n.startswith("audio/") for n in names)
    pages = {"index.html": "", "es/index.html": "../"}
    for page, root in pages.items():
        tags = Tags((html / page).read_text("utf-8"))
        loaded = [a.get("src") or a.get("href") for name, a in tags.tags
                  if name in ("img", "link") and a.get("rel") != "alternate"]
        loaded += [u.split()[0] for a in tags.named("source") + tags.named("img")
                   for u in a.get("srcset", "").split(",") if u.strip()]
        for url in loaded:
            if url != "data:,":
                assert url.startswith(root) or not root, url
                assert (html / page).parent.joinpath(url).resolve().is_file(), url
    manifest = json.loads((sample / "manifest.json").read_text("utf-8"))
    assert {"html/index.html", "html/es/index.html"} <= {f["path"] for f in manifest["files"]}


def test_pages_have_one_h1_their_language_and_the_switch(sample):
    for page, lang, other in (("index.html", "en", "es"), ("es/index.html", "es", "en")):
        text = (sample / "html" / page).read_text("utf-8")
        tags = Tags(text)
        assert tags.named("html")[0]["lang"] == lang
        assert len(tags.named("h1")) == 1
        switch = [a for a in tags.named("a") if a.get("hreflang") == other]
        assert len(switch) == 1 and switch[0]["lang"] == other
        assert {a["hreflang"] for a in tags.named("link") if a.get("rel") == "alternate"} == {"en", "es"}


def test_builds_are_byte_for_byte_reproducible(tmp_path, paths, build_html):
    story, _ = parse(paths.sample)
    first = build_html(story, tmp_path / "one", tmp_path / "cache-one")
    second = build_html(story, tmp_path / "two", tmp_path / "cache-two")
    assert files_of(first / "html") == files_of(second / "html")


def test_nothing_written_names_a_path_of_the_machine(sample, paths):
    private = [str(paths.sample.parent.resolve()), str(sample.parent), str(Path.home()), "/tmp/"]
    for name, data in files_of(sample / "html").items():
        if name.endswith((".html", ".css", ".js")):
            text = data.decode("utf-8")
            assert not [p for p in private if p in text], name


def test_a_second_build_rewrites_nothing_and_a_changed_photo_replaces_its_copies(story_copy, tmp_path, build_html):
    story_file = story_copy("narrated")
    story_folder = story_file.parent
    output, cache = tmp_path / "output", tmp_path / "cache"
    folder = build_html(parse(story_file)[0], output, cache)
    before = {p: p.stat().st_mtime_ns for p in (folder / "html").rglob("*") if p.is_file()}
    build_html(parse(story_file)[0], output, cache)
    assert {p: p.stat().st_mtime_ns for p in before} == before
    old_copies = {p.name for p in (folder / "html" / "images").iterdir()}
    from PIL import Image
    Image.new("RGB", (450, 300), "navy").save(story_folder / "photos" / "kite.jpg")
    build_html(parse(story_file)[0], output, cache)
    new_copies = {p.name for p in (folder / "html" / "images").iterdir()}
    assert new_copies and not new_copies & old_copies
    build_html(parse(story_file)[0], output, cache, languages=("es",))
    assert (folder / "html" / "index.html").is_file()  # a one-language build leaves the others alone


def test_narration_made_for_another_text_is_not_offered(tmp_path, caplog, paths, build_html):
    story, _ = parse(paths.story("narrated"))
    plan = narration_plan(story, "en")
    sentences = [SentenceTiming(s.id, s.text, 100 * i, 100 * i + 90) for i, s in enumerate(plan.sentences)]
    sentences[2] = replace(sentences[2], text="An older wording of this sentence.")
    folder = tmp_path / story.slug
    folder.mkdir()
    (folder / f"{story.slug}.en.mp3").write_bytes(b"not checked: the timings do not match")
    save_timings(TIMINGS.path(folder, story.slug, "en"), NarrationTimings(
        "en", 1000, 1000, "espeak-ng", "en", (f"{story.slug}.en.mp3",), tuple(sentences), ()))
    with caplog.at_level(logging.WARNING):
        build_html(story, tmp_path, tmp_path / "cache")
    assert "<audio" not in (folder / "html" / "index.html").read_text("utf-8")
    assert "older version of the text" in caplog.text
    assert not (folder / "html" / "audio").exists()


def test_hostile_source_yields_no_executable_markup(tmp_path, paths, build_html):
    story, _ = parse(paths.story("hostile"))
    text = (build_html(story, tmp_path, tmp_path / "cache") / "html" / "index.html").read_text("utf-8")
    tags = Tags(text)
    assert [a.get("type") for a in tags.named("script")] == ["application/ld+json"]
    assert not {"iframe", "object", "embed", "svg", "form", "base", "frame"} & {name for name, _ in tags.tags}
    for name, attrs in tags.tags:
        assert not [a for a in attrs if a.startswith("on")], (name, attrs)
        for value in attrs.values():
            assert not re.match(r"\s*(javascript|vbscript|data:text)", value, re.IGNORECASE), (name, value)
    data = json.loads(text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert data["headline"] == story.title  # kept whole, yet unable to close its <script>


def test_script_and_data_urls_and_links_to_files_are_refused_with_their_lines(paths):
    with pytest.raises(SourceError) as caught:
        parse(paths.story("hostile-refused"))
    assert sorted(p.line for p in caught.value.problems) == [8, 10, 12, 12, 13, 13, 15]


def test_the_shared_render_stays_well_formed_xhtml_for_the_epub(paths):
    story, _ = parse(paths.story("every-construct"))
    article = story.article("en")
    rendered = render_article(story, article, narration_plan(story, "en"),
                              RenderTarget(name="epub", notes="epub", xml_lang=True))
    root = ET.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
                         f"{rendered.body}{rendered.notes}</div>")
    namespace = "{http://www.w3.org/1999/xhtml}"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    details = root.find(f".//{namespace}figure[@id='kite']/{namespace}details")
    assert details.get("id") == "kite-description"
    assert details.find(f"{namespace}div").get("id") == "kite-description-text"
