"""The EPUB builder: one EPUB 3 per language, with media overlays when the narration matches the text."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import BuildError
from ...model import Story
from ...store.clock import build_time
from ...store.freshness import Freshness, inputs_digest
from ...store.layout import EPUB
from ...store.manifest import sha256_file
from ...store.output import open_atomic
from ...text.narration_plan import narration_plan
from ...text.pagination import recorded_pages
from .. import BuildContext, Output

if TYPE_CHECKING:
    from ...text.narration_plan import NarrationPlan
    from ...text.pagination import PrintPages
    from ...workers.task import Worker
    from .narration import RecordedNarration

log = logging.getLogger(__name__)


class EpubBuilder:
    name = "epub"
    description = "EPUB 3 per language with synchronized read-aloud"
    needs = ("audio", "pdf")  # media overlays use the narration timings; the page-list, the print pages
    per_language = True

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        from .narration import book_narration

        outputs, fresh = [], Freshness(ctx.cache, ctx.folder)
        languages = ctx.languages(story)
        for done, lang in enumerate(languages):
            ctx.progress("epub", done, len(languages))
            plan = narration_plan(story, lang)
            recorded = book_narration(ctx.folder, story, plan) if ctx.options.narration else None
            pages = recorded_pages(ctx.folder, story.slug, plan)
            path = EPUB.path(ctx.folder, story.slug, lang)
            overlay = ctx.options.overlay if recorded else None
            digest = inputs_digest("epub", story, lang, build_time(story).isoformat(), overlay,
                                   recorded.timings if recorded else None,
                                   sha256_file(recorded.audio) if recorded else None, pages)
            if not fresh.unchanged(f"epub.{lang}", digest, [path]):
                _write(path, ctx.run(book, story, plan, recorded, pages, ctx.options.overlay), story, plan, recorded)
                fresh.record(f"epub.{lang}", digest, [path])
                log.debug("%s: wrote %s (%s)", story.slug, path.name, "narrated" if recorded else "text only")
            outputs.append(Output(path, EPUB.format, lang, {"narrated": recorded is not None, "overlay": overlay,
                                                            "narrator": recorded.narrator if recorded else None,
                                                            "print_pages": pages.pdf if pages else None}))
        ctx.progress("epub", len(languages), len(languages))
        return outputs


def _write(path: Path, made: bytes, story: Story, plan: NarrationPlan, recorded: RecordedNarration | None) -> None:
    """The book the task made, with its narration's MP3 appended from the output folder (a book
    travels from its worker without it)."""
    from .book import add_narration_audio

    with open_atomic(path) as out:
        out.write(made)
        if recorded:
            add_narration_audio(out, story, plan, recorded)


def book(worker: Worker, story: Story, plan: NarrationPlan, recorded: RecordedNarration | None,
         pages: PrintPages | None, overlay: str) -> bytes:
    """A task: one language's EPUB (see BuildContext.submit), without its narration's MP3 (which
    the driver adds: `_write`); `overlay`: what its read-aloud highlights."""
    try:  # ebooklib and lxml load only when a book is made
        from .book import make_epub
    except ImportError as exc:
        raise BuildError(f"cannot load the EPUB writer ({exc})") from exc
    return make_epub(story, plan, recorded, worker.cache, pages, overlay)
