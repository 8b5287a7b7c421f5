"""The pdf builder: per language, `<slug>.<lang>.print.pdf` (PDF/X-4) and `<slug>.<lang>.pdf` (PDF/UA-1),
and where the print edition's pages begin (`<slug>.<lang>.pages.json`, for the EPUB's page-list).

A PDF whose inputs did not change is not made again (and WeasyPrint is not even imported); its
details (pages, preflight, language tagging) come back from the cache with it.
"""

from __future__ import annotations

import json
import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar

from ...errors import BuildError
from ...model import Story
from ...store.cache import Cache, cache_key
from ...store.clock import build_time
from ...store.freshness import Freshness, inputs_digest
from ...store.layout import PRINT_PAGES
from ...store.output import write_bytes
from ...text.editions import print_edition_name
from ...text.narration_plan import narration_plan
from ...text.pagination import PrintPages, save_pages, text_digest
from .. import BuildContext, Output
from .editions import EDITIONS, PRINT, Edition
from .preflight import warn_low_resolution

log = logging.getLogger(__name__)
INSTALL_HINT = ("install it with `pip install weasyprint` and its Pango libraries "
                "(Debian: apt install libpango-1.0-0 libpangoft2-1.0-0)")


class PdfBuilder:
    name: ClassVar[str] = "pdf"
    description: ClassVar[str] = "print PDF (bleed, crop marks, PDF/X-4) and tagged PDF/UA-1 per language"
    needs: ClassVar[tuple[str, ...]] = ()

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        freshness = Freshness(ctx.cache, ctx.folder)
        jobs = [(lang, edition) for lang in ctx.languages(story) for edition in EDITIONS]
        outputs, failures = [], []
        for done, (lang, edition) in enumerate(jobs):
            ctx.progress("pdf", done, len(jobs))
            try:  # one PDF that cannot be made spares the others
                outputs += self._one(story, lang, edition, ctx, freshness)
            except BuildError as error:
                failures.append(str(error))
        ctx.progress("pdf", len(jobs), len(jobs))
        if failures:
            raise BuildError("\n".join(failures), outputs)
        return outputs

    def _one(self, story: Story, lang: str, edition: Edition, ctx: BuildContext,
             freshness: Freshness) -> list[Output]:
        """One PDF (and, for the print edition, its page map), or BuildError."""
        path = ctx.folder / edition.file_name(story, lang)
        written = [path] + ([PRINT_PAGES.path(ctx.folder, story.slug, lang)] if edition is PRINT else [])
        unit, digest = f"pdf.{lang}.{edition.name}", pdf_inputs(story, lang, edition)
        details = _cached_details(ctx.cache, digest)
        if details is None or not freshness.unchanged(unit, digest, written):
            details = _make(story, lang, edition, ctx)
            freshness.record(unit, digest, written)
            ctx.cache.put(cache_key("pdf-details", digest), json.dumps(details).encode(), kind="pdf-details")
        warn_low_resolution(details.get("preflight", []), path.name)
        return [Output(path, edition.file.format, lang, details)] + [Output(part, None, lang) for part in written[1:]]


def pdf_inputs(story: Story, lang: str, edition: Edition) -> str:
    """Everything one PDF is made from: its article, the story's metadata, photos, dates, WeasyPrint."""
    return inputs_digest("pdf", edition.variant, lang, story.slug, story.article(lang), story.identifier, story.date,
                         story.cover, story.print, build_time(story).isoformat(), _weasyprint_version())


def _weasyprint_version() -> str:
    try:
        return version("weasyprint")
    except PackageNotFoundError:
        raise BuildError(f"WeasyPrint, which makes the PDFs, is not installed; {INSTALL_HINT}") from None


def _cached_details(cache: Cache, digest: str) -> dict[str, Any] | None:
    hit = cache.get(cache_key("pdf-details", digest), kind="pdf-details")
    return json.loads(hit[0]) if hit else None


def _make(story: Story, lang: str, edition: Edition, ctx: BuildContext) -> dict[str, Any]:
    try:
        from .weasyprint_door import interruptible
        from .writer import make_pdf
    except (ImportError, OSError) as exc:  # WeasyPrint missing, or Pango not installed
        raise BuildError(f"cannot load WeasyPrint ({exc}); {INSTALL_HINT}") from exc
    with interruptible(ctx.stop_if_cancelled):  # an interrupted run stops between two pages
        made = make_pdf(story, lang, edition, ctx.cache)
    path = write_bytes(ctx.folder / edition.file_name(story, lang), made.data)
    if edition is PRINT:
        save_pages(PRINT_PAGES.path(ctx.folder, story.slug, lang), PrintPages(
            lang, print_edition_name(story, lang), path.name, text_digest(narration_plan(story, lang)),
            made.pages))
    log.debug("wrote %s (%d pages)", path.name, made.details["pages"])
    return made.details
