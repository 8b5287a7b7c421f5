"""The pdf builder: per language, `<slug>.<lang>.print.pdf` (PDF/X-4) and `<slug>.<lang>.pdf` (PDF/UA-1),
and where the print edition's pages begin (`<slug>.<lang>.pages.json`, for the EPUB's page-list).

A PDF whose inputs did not change is not made again (and WeasyPrint is not even imported); its
details (pages, preflight, language tagging) come back from the cache with it.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

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

if TYPE_CHECKING:
    from ...workers.task import Worker
    from .writer import MadePdf

log = logging.getLogger(__name__)
INSTALL_HINT = ("install it with `pip install weasyprint` and its Pango libraries "
                "(Debian: apt install libpango-1.0-0 libpangoft2-1.0-0)")


class PdfBuilder:
    name: ClassVar[str] = "pdf"
    description: ClassVar[str] = "print PDF (bleed, crop marks, PDF/X-4) and tagged PDF/UA-1 per language"
    needs: ClassVar[tuple[str, ...]] = ()
    per_language: ClassVar[bool] = True

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        freshness = Freshness(ctx.cache, ctx.folder)
        jobs = [(lang, edition) for lang in ctx.languages(story) for edition in EDITIONS]
        digests = {(lang, edition.name): pdf_inputs(story, lang, edition) for lang, edition in jobs}
        ready: dict[tuple[str, str], dict[str, Any] | Future[MadePdf]] = {}  # details, or the task making it
        for lang, edition in jobs:
            digest = digests[(lang, edition.name)]
            details = _cached_details(ctx.cache, digest)
            if details is not None and freshness.unchanged(f"pdf.{lang}.{edition.name}", digest,
                                                           _written(ctx, story, lang, edition)):
                ready[(lang, edition.name)] = details
            else:  # every PDF to make is started at once
                ready[(lang, edition.name)] = ctx.submit(pdf, story, lang, edition)
        outputs, failures = [], []
        for done, (lang, edition) in enumerate(jobs):
            ctx.progress("pdf", done, len(jobs))
            try:  # one PDF that cannot be made spares the others
                outputs += self._one(story, lang, edition, ctx, freshness, digests[(lang, edition.name)],
                                     ready[(lang, edition.name)])
            except BuildError as error:
                failures.append(str(error))
        ctx.progress("pdf", len(jobs), len(jobs))
        if failures:
            raise BuildError("\n".join(failures), outputs)
        return outputs

    def _one(self, story: Story, lang: str, edition: Edition, ctx: BuildContext, freshness: Freshness,
             digest: str, known: dict[str, Any] | Future[MadePdf]) -> list[Output]:
        """One PDF (and, for the print edition, its page map): its details when it was up to date
        (`known`), else written from its task's result; or BuildError."""
        written = _written(ctx, story, lang, edition)
        details = known
        if isinstance(known, Future):
            details = _write(known.result(), story, lang, edition, written)
            freshness.record(f"pdf.{lang}.{edition.name}", digest, written)
            ctx.cache.put(cache_key("pdf-details", digest), json.dumps(details).encode(), kind="pdf-details")
        warn_low_resolution(details.get("preflight", []), written[0].name)
        return [Output(written[0], edition.file.format, lang, details), *(Output(part, None, lang)
                                                                           for part in written[1:])]


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


def pdf(worker: Worker, story: Story, lang: str, edition: Edition) -> MadePdf:
    """A task: one PDF of one language (see BuildContext.submit)."""
    try:
        from .weasyprint_door import interruptible
        from .writer import make_pdf
    except (ImportError, OSError) as exc:  # WeasyPrint missing, or Pango not installed
        raise BuildError(f"cannot load WeasyPrint ({exc}); {INSTALL_HINT}") from exc
    with interruptible(worker.stop_if_cancelled):  # an interrupted run stops between two pages
        return make_pdf(story, lang, edition, worker.cache)


def _written(ctx: BuildContext, story: Story, lang: str, edition: Edition) -> list[Path]:
    """The files one PDF makes: the PDF, and for the print edition where its pages begin."""
    path = ctx.folder / edition.file_name(story, lang)
    return [path] + ([PRINT_PAGES.path(ctx.folder, story.slug, lang)] if edition is PRINT else [])


def _write(made: MadePdf, story: Story, lang: str, edition: Edition, written: list[Path]) -> dict[str, Any]:
    path = write_bytes(written[0], made.data)
    if edition is PRINT:
        save_pages(written[1], PrintPages(lang, print_edition_name(story, lang), path.name,
                                          text_digest(narration_plan(story, lang)), made.pages))
    log.debug("wrote %s (%d pages)", path.name, made.details["pages"])
    return made.details
