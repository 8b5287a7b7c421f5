"""Books for the EPUB tests, narrated for real by the audio builder (eSpeak NG, the fast engine)."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import conftest
from lxml import etree

from storyexport.formats import BuildContext, Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.model import Story
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.store.layout import TIMINGS
from storyexport.text.timings import NarrationTimings, load_timings


def narrate(story: Story, lang: str, folder: Path) -> NarrationTimings:
    """Write <slug>.<lang>.mp3 and its timings into `folder` with the real audio builder (eSpeak NG)."""
    conftest.narrate(story, folder, (lang,))
    timings = load_timings(TIMINGS.path(folder, story.slug, lang))
    assert timings is not None
    return timings


# -- the books the EPUB tests read ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "serving-hope" / "story.md"
EVERY_CONSTRUCT = ROOT / "tests" / "fixtures" / "stories" / "every-construct" / "story.md"


@dataclass(frozen=True)
class Built:
    story: Story
    folder: Path  # the output folder, with the narration the EPUBs were made from
    narrated: dict[str, Path]  # lang -> EPUB with media overlays
    text_only: dict[str, Path]  # lang -> EPUB built with narration switched off
    timings: dict[str, NarrationTimings]


def build_epubs(story_path: Path, root: Path) -> Built:
    """Narrate every language, then build the narrated and the text-only EPUBs."""
    story, _ = parse(story_path)
    folder = root / story.slug
    timings = {lang: narrate(story, lang, folder) for lang in story.languages}
    cache = Cache(root / ".cache")
    narrated = _build(story, folder, cache, Options())
    text_folder = root / "text-only" / story.slug
    text_only = _build(story, text_folder, cache, Options(narration=False), copy_from=folder)
    return Built(story, folder, narrated, text_only, timings)


def _build(story: Story, folder: Path, cache: Cache, options: Options, copy_from: Path | None = None) -> dict:
    if copy_from:  # the narration is there too: the text-only variant must ignore it
        shutil.copytree(copy_from, folder)
    outputs = EpubBuilder().build(story, BuildContext(folder, cache, options))
    return {output.lang: output.path for output in outputs}


_BUILT: dict[Path, Built] = {}


def built(story_path: Path, tmp_path_factory) -> Built:
    """The books of one story, built once per test session."""
    if story_path not in _BUILT:
        _BUILT[story_path] = build_epubs(story_path, tmp_path_factory.mktemp("epub"))
    return _BUILT[story_path]


# -- reading an EPUB back -------------------------------------------------------------------

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "smil": "http://www.w3.org/ns/SMIL"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Book:
    """An EPUB opened for inspection: its package document and any file inside it, parsed."""

    def __init__(self, path: Path):
        self.archive = zipfile.ZipFile(path)
        self.opf = self.xml("content.opf")

    def read(self, name: str) -> bytes:
        return self.archive.read(f"EPUB/{name}")

    def xml(self, name: str):
        return etree.fromstring(self.read(name))

    def meta(self, prop: str) -> list[str]:
        """Values of the book-wide <meta property=...> (not those refining an item)."""
        return [m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop and not m.get("refines")]

    def refining(self, prop: str) -> dict[str, str]:
        return {m.get("refines"): m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop and m.get("refines")}

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def items(self) -> dict[str, dict]:
        """Manifest items by id."""
        return {i.get("id"): dict(i.attrib) for i in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def documents(self) -> list[str]:
        return [i["href"] for i in self.items().values() if i["media-type"] == "application/xhtml+xml"]
