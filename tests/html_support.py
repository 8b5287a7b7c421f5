"""Helpers for the HTML tests: build a story's pages, and narrate one with the real audio builder."""

from __future__ import annotations

from pathlib import Path

import conftest

from storyexport.formats import BuildContext, Options
from storyexport.formats.html.builder import HtmlBuilder
from storyexport.model import Story
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.store.layout import TIMINGS
from storyexport.text.timings import NarrationTimings, load_timings

TESTS = Path(__file__).parent
STORIES = TESTS / "fixtures" / "stories"
SAMPLE = TESTS.parent / "source" / "serving-hope" / "story.md"


def load(source: Path) -> Story:
    story, _ = parse(source)
    return story


def build_html(story: Story, output: Path, cache: Path, languages: tuple[str, ...] = ()) -> Path:
    """Build the html format of `story` into output/<slug>/ and return that folder."""
    folder = output / story.slug
    HtmlBuilder().build(story, BuildContext(folder, Cache(cache), Options(languages=languages)))
    return folder


def make_narration(story: Story, lang: str, folder: Path) -> NarrationTimings:
    """Narrate one language with the real audio builder (eSpeak NG): MP3, Opus, WebVTT, timings."""
    conftest.narrate(story, folder, (lang,))
    timings = load_timings(TIMINGS.path(folder, story.slug, lang))
    assert timings is not None
    return timings
