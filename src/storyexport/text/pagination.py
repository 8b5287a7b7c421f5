"""The print edition's page breaks, shared by the pdf builder (which lays the pages out) and the EPUB
(whose page-list and page-break markers follow them).

The print PDF is laid out from the same render as the EPUB, with the narration plan's sentence
ids. The pdf builder records where each printed page begins, as the id of the innermost element
holding its first words and how many characters of that element came before on earlier pages;
it writes that as `<slug>.<lang>.pages.json` beside the PDF. The EPUB puts a page-break marker at
exactly that place. Pages are only used for the text they were laid out from.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from ..store.layout import PRINT_PAGES
from ..store.output import write_text
from .narration_plan import NarrationPlan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageStart:
    number: int  # the printed page number (the cover is page 1)
    anchor: str  # id of the innermost element holding the page's first words (or its first image)
    offset: int  # characters of that element (not counting white space) printed on earlier pages


@dataclass(frozen=True)
class PrintPages:
    lang: str
    source: str  # the print edition, as the EPUB's pageBreakSource names it
    pdf: str  # the print PDF's file name
    text: str  # digest of the sentences (ids and words) the pages were laid out with (`text_digest`)
    pages: tuple[PageStart, ...]  # in page order; pages with no element of the text are left out

    def matches(self, plan: NarrationPlan) -> bool:
        """True when these pages were laid out from exactly this text (same sentence ids and words)."""
        return self.text == text_digest(plan)


def text_digest(plan: NarrationPlan) -> str:
    """What identifies the text a layout was made from: its sentences' ids and words."""
    sentences = [[s.id, s.text] for s in plan.sentences]
    return hashlib.sha256(json.dumps(sentences, ensure_ascii=False).encode()).hexdigest()


def save_pages(path: Path, pages: PrintPages) -> Path:
    return write_text(path, json.dumps(asdict(pages), indent=1, ensure_ascii=False) + "\n")


def load_pages(path: Path) -> PrintPages | None:
    """The page breaks at `path`, or None when there are none or they cannot be read."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return PrintPages(lang=data["lang"], source=data["source"], pdf=data["pdf"], text=str(data["text"]),
                          pages=tuple(PageStart(int(p["number"]), str(p["anchor"]), int(p["offset"]))
                                      for p in data["pages"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recorded_pages(folder: Path, slug: str, plan: NarrationPlan) -> PrintPages | None:
    """The print edition's page breaks in `folder`, laid out from exactly this text, or None."""
    pages = load_pages(PRINT_PAGES.path(folder, slug, plan.lang))
    if pages is None:
        log.debug("%s: no %s print page breaks; the EPUB gets no page-list (build the pdf first)", slug, plan.lang)
        return None
    if not pages.matches(plan):
        log.warning("%s: the %s print PDF was laid out from an older version of the text; the EPUB gets no "
                    "page-list until `storyexport pdf` is run again", slug, plan.lang)
        return None
    return pages
