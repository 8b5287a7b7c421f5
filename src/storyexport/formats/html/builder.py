"""The accessible web page per language: html/index.html (primary) and html/<lang>/index.html.

The html/ folder is self-contained for upload: the pages, their stylesheet and script, the
photos' web copies and, when the narration exists, its audio and captions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import BuildError
from ...model import Story
from ...store.clock import build_time
from ...store.freshness import Freshness, inputs_digest
from ...store.layout import (
    HTML_FOLDER,
    PAGE_ASSETS_FOLDER,
    PAGE_AUDIO_FOLDER,
    PAGE_FORMAT,
    PAGE_IMAGES_FOLDER,
    page_path,
)
from ...store.ledger import Ledger
from ...store.manifest import sha256_file
from ...store.output import copy_file, write_bytes
from ...text.narration_plan import narration_plan
from .. import BuildContext, Output

if TYPE_CHECKING:
    from ...workers.task import Worker
    from .player import PageNarration

log = logging.getLogger(__name__)


class HtmlBuilder:
    name: ClassVar[str] = "html"
    description: ClassVar[str] = "accessible web page per language, with images and narration player"
    needs: ClassVar[tuple[str, ...]] = ("audio",)  # the player uses the narration timings
    per_language: ClassVar[bool] = False  # the pages link to each other and share the photos

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        from .player import page_narration

        languages = ctx.languages(story)
        narrations = {lang: page_narration(story, narration_plan(story, lang), ctx.folder) for lang in languages}
        copied = [(name, sha256_file(ctx.folder / name)) for n in narrations.values() if n for name in n.copies()]
        digest = inputs_digest("html", story, languages, build_time(story).isoformat(),
                               list(narrations.values()), copied)
        fresh = Freshness(ctx.cache, ctx.folder)
        if (written := fresh.replay("html", digest)) is not None:
            return [Output(path, kind, lang, details) for path, kind, lang, details in written]
        outputs = self._write(story, ctx, languages, narrations)
        fresh.record("html", digest, [o.path for o in outputs],
                     {o.path: (o.format, o.lang, dict(o.details)) for o in outputs})
        return outputs

    def _write(self, story: Story, ctx: BuildContext, languages: tuple[str, ...],
               narrations: dict[str, PageNarration | None]) -> list[Output]:
        from .page import SCRIPT, STYLESHEET, asset

        made = ctx.run(web_pages, story, languages, narrations)
        folder = _Folder(ctx.folder / HTML_FOLDER, Ledger(ctx.folder))
        for done, lang in enumerate(languages):
            ctx.progress("html", done, len(languages))
            narration = narrations[lang]
            folder.write(page_path(story.lang, lang), made.pages[lang], lang, {"narration": narration is not None},
                         PAGE_FORMAT)
            for name in narration.copies() if narration else ():
                folder.copy(f"{PAGE_AUDIO_FOLDER}/{name}", ctx.folder / name, lang, {"copy_of": name})
        for name, key, details in made.images:  # the photos' web copies, one at a time from the cache
            folder.write(f"{PAGE_IMAGES_FOLDER}/{name}", _cached_image(ctx, key, name), None, details)
        narrated = any(narrations[lang] for lang in languages)
        for name in (STYLESHEET, SCRIPT) if narrated else (STYLESHEET,):
            folder.write(f"{PAGE_ASSETS_FOLDER}/{name}", asset(name), None, {})
        if set(languages) == set(story.languages):
            folder.remove_others()
        ctx.progress("html", len(languages), len(languages))
        return folder.outputs


@dataclass(frozen=True)
class WebPages:
    """What a task makes of the story for the web: each language's page and the photos' web copies."""

    pages: dict[str, bytes]  # by language
    images: list[tuple[str, str, dict[str, Any]]]  # file name under images/, its rendition's cache key, details


def web_pages(worker: Worker, story: Story, languages: tuple[str, ...],
              narrations: dict[str, PageNarration | None]) -> WebPages:
    """A task: every language's page and the web copies of the photos they show (see BuildContext.submit)."""
    from .page import render_page
    from .pictures import Pictures

    images: list[tuple[str, str, dict[str, Any]]] = []  # the driver reads their bytes from its cache
    pictures = Pictures(worker.cache, lambda image, made: images.append((image.name, made.key, {
        "width": image.width, "height": image.height, "media_type": image.media_type})))
    pages = {lang: render_page(story, lang, narration_plan(story, lang), pictures, narrations[lang]).encode("utf-8")
             for lang in languages}
    return WebPages(pages, images)


def _cached_image(ctx: BuildContext, key: str, name: str) -> bytes:
    """A web copy the page's task made or found, from the run's cache (where the task's new
    entries were stored before its result was given)."""
    if hit := ctx.cache.get(key, kind="rendition", counted_as="page image"):
        return hit[0]
    raise BuildError(f"the web copy {name} disappeared from the cache while the page was being written; "
                     "run storyexport again")


class _Folder:
    """The html/ folder: writes files atomically, skipping those already up to date, each noted in the ledger."""

    def __init__(self, root: Path, ledger: Ledger):
        self.root, self.ledger = root, ledger
        self.outputs: list[Output] = []

    def write(self, relative: str, data: bytes, lang: str | None, details: dict[str, Any],
              kind: str | None = None) -> None:
        path = self.root / relative
        if any(o.path == path for o in self.outputs):
            return
        self.ledger.note(path)
        if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
            write_bytes(path, data)
        self.outputs.append(Output(path, kind, lang, details))

    def copy(self, relative: str, source: Path, lang: str | None, details: dict[str, Any]) -> None:
        """A copy of `source` (the narration), made a block at a time unless it is already there."""
        path = self.root / relative
        if any(o.path == path for o in self.outputs):
            return
        self.ledger.note(path)
        if not (path.is_file() and path.stat().st_size == source.stat().st_size
                and sha256_file(path) == sha256_file(source)):
            copy_file(path, source)
        self.outputs.append(Output(path, None, lang, details))

    def remove_others(self) -> None:
        """Delete what an earlier build wrote in html/ that this build no longer writes (never a file
        storyexport did not write: the ledger says which are its own)."""
        self.ledger.remove_unused(self.root, {o.path for o in self.outputs})
