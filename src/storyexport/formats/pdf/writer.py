"""One PDF of one language: the print edition (PDF/X-4, CMYK, bleed) or the accessible one (PDF/UA-1, tagged)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...errors import BuildError
from ...model import Story
from ...store.cache import Cache
from ...text.narration_plan import narration_plan
from ...text.pagination import PageStart
from ...text.render import RenderTarget, render_article
from .document import html_document, stylesheet
from .editions import PRINT, Edition
from .fetcher import SafeFetcher
from .finishing import finisher
from .geometry import PageGeometry, print_geometry, screen_geometry
from .images import DocumentImages
from .output_intent import output_intent
from .pagemap import page_starts
from .preflight import preflight
from .tagging import structure_fixes
from .weasyprint_door import HTML, drop_links, missing_glyphs

PROFILE_URL = "rendition:print-profile.icc"  # the fetcher serves the print profile here


@dataclass(frozen=True)
class MadePdf:
    data: bytes
    details: dict[str, Any]  # for the manifest and the report
    pages: tuple[PageStart, ...] = ()  # the print edition's: where each page begins (text/pagination.py)


def make_pdf(story: Story, lang: str, edition: Edition, cache: Cache) -> MadePdf:
    printing = edition == PRINT  # equal, not the same object: the edition may have come from another process
    intent = output_intent(story.print) if printing else None
    geometry = print_geometry(story.print) if printing else screen_geometry(story.print)
    fetcher = SafeFetcher(story.folder)
    if intent:
        fetcher.add(PROFILE_URL, intent.profile.read_bytes, "application/vnd.iccprofile")
    images = DocumentImages(geometry, cache, fetcher, intent.profile if intent else None)
    document = _lay_out(story, lang, edition, geometry, images, fetcher)
    name = edition.file_name(story, lang)
    pages = page_starts(document) if printing else ()
    if printing:
        drop_links(document)  # PDF/X: no annotations on the printed area; the print CSS prints addresses
    with structure_fixes() as fixes, missing_glyphs() as missing:
        data = document.write_pdf(finisher=finisher(f"{story.identifier}#{name}", geometry, fixes, intent),
                                  pdf_variant=edition.variant)
    if missing:
        raise BuildError(_boxes_instead_of(name, missing))
    details: dict[str, Any] = {"variant": edition.variant, "pages": len(document.pages),
                               "trim_mm": [geometry.trim.width, geometry.trim.height],
                               "bleed_mm": geometry.bleed, "crop_marks": geometry.marks}
    if intent:
        details["output_intent"] = intent.details()
        details["preflight"] = preflight(document, images.placed)
    else:
        details["language_tagging"] = fixes.language_summary()
        details["languages_tagged"] = dict(sorted(fixes.languages.items()))
        details["structure"] = fixes.reading.summary()
        details["structure_fixes"] = dict(sorted(fixes.constructs.items()))
    if fetcher.refused:
        details["refused"] = sorted(set(fetcher.refused))
    return MadePdf(data, details, pages)


def _boxes_instead_of(name: str, missing: list[str]) -> str:
    """Why a PDF is not written: characters no installed font has would show as empty boxes."""
    characters = list(dict.fromkeys(missing))
    shown = " ".join(f"{c} (U+{ord(c[0]):04X})" for c in characters[:12]) + (" …" if len(characters) > 12 else "")
    return (f"{name}: no installed font has {len(characters)} of its characters, which would print as empty "
            f"boxes: {shown}. Install fonts that have them (Debian: fonts-noto-cjk for Chinese, Japanese and "
            "Korean, fonts-noto-color-emoji for emoji, fonts-noto-core for most other scripts), then build again")


def _lay_out(story: Story, lang: str, edition: Edition, geometry: PageGeometry, images: DocumentImages,
             fetcher: SafeFetcher):
    """The shared render in our document and stylesheet, laid out in pages by WeasyPrint. The print
    edition is rendered with the narration plan's sentence ids, which the EPUB shares, so that
    its page breaks can be found in the EPUB's text."""
    cover = images.cover(story.cover) if story.cover else None
    target = RenderTarget(name="pdf", notes="inline", image=images.figure, inline_image=images.inline,
                          break_long_words=True)
    plan = narration_plan(story, lang) if edition == PRINT else None
    rendered = render_article(story, story.article(lang), plan, target)
    css = stylesheet(geometry, cover, PROFILE_URL if edition == PRINT else None)
    html = html_document(story, rendered, css, cover)
    # presentational hints: WeasyPrint honours <ol start> and <li value> only with them
    return HTML(string=html, base_url=story.folder.as_uri() + "/", url_fetcher=fetcher).render(
        pdf_variant=edition.variant, presentational_hints=True)
