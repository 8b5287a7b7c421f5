"""The pdf builder: per language, `<slug>.<lang>.print.pdf` (PDF/X-4) and `<slug>.<lang>.pdf` (PDF/UA-1)."""

from __future__ import annotations

import logging
from typing import ClassVar

from ..errors import BuildError
from ..model import Story
from ..output import write_bytes
from . import BuildContext, Output

log = logging.getLogger(__name__)


class PdfBuilder:
    name: ClassVar[str] = "pdf"
    description: ClassVar[str] = "print PDF (bleed, crop marks, PDF/X-4) and tagged PDF/UA-1 per language"

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        try:
            from ..pdf.writer import ACCESSIBLE, PRINT, make_pdf
        except (ImportError, OSError) as exc:  # WeasyPrint missing, or Pango not installed
            raise BuildError(f"cannot load WeasyPrint ({exc}); install it with `pip install weasyprint` "
                             "and its Pango libraries (Debian: apt install libpango-1.0-0 libpangoft2-1.0-0)") from exc
        jobs = [(lang, edition) for lang in ctx.languages(story) for edition in (PRINT, ACCESSIBLE)]
        outputs = []
        for done, (lang, edition) in enumerate(jobs):
            ctx.progress("pdf", done, len(jobs))
            made = make_pdf(story, lang, edition, ctx.cache)
            path = write_bytes(ctx.folder / edition.file_name(story, lang), made.data)
            log.info("wrote %s (%d pages)", path.name, made.details["pages"])
            outputs.append(Output(path, lang, made.details))
        ctx.progress("pdf", len(jobs), len(jobs))
        return outputs
