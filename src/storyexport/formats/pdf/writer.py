"""One PDF of one language: the print edition (PDF/X-4, CMYK, bleed) or the accessible one (PDF/UA-1, tagged)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import BuildError
from ...model import Story
from ...store.cache import Cache
from ...text.render import RenderTarget, render_article
from ..renditions import BUNDLED_CMYK_PROFILE
from .document import html_document, stylesheet
from .editions import PRINT, Edition
from .fetcher import SafeFetcher
from .finishing import finisher
from .geometry import PageGeometry, print_geometry, screen_geometry
from .images import DocumentImages
from .preflight import preflight
from .tagging import structure_fixes
from .weasyprint_door import HTML


@dataclass(frozen=True)
class MadePdf:
    data: bytes
    details: dict[str, Any]  # for the manifest and the report


def make_pdf(story: Story, lang: str, edition: Edition, cache: Cache) -> MadePdf:
    printing = edition is PRINT
    profile = _print_profile() if printing else None
    geometry = print_geometry(story.print) if printing else screen_geometry(story.print)
    fetcher = SafeFetcher(story.folder)
    images = DocumentImages(geometry, cache, fetcher, profile)
    document = _lay_out(story, lang, edition, geometry, images, fetcher)
    name = edition.file_name(story, lang)
    with structure_fixes() as fixes:
        data = document.write_pdf(finisher=finisher(f"{story.identifier}#{name}", geometry, fixes),
                                  pdf_variant=edition.variant)
    details: dict[str, Any] = {"variant": edition.variant, "pages": len(document.pages),
                               "trim_mm": [geometry.trim.width, geometry.trim.height],
                               "bleed_mm": geometry.bleed, "crop_marks": geometry.marks}
    if printing:
        details["output_intent"] = "Artifex CMYK SWOP Profile (Ghostscript default_cmyk.icc)"
        details["preflight"] = preflight(document, images.placed)
    else:
        details["language_tagging"] = fixes.language_summary()
        details["languages_tagged"] = dict(sorted(fixes.languages.items()))
        details["structure_fixes"] = dict(sorted(fixes.constructs.items()))
    if fetcher.refused:
        details["refused"] = sorted(set(fetcher.refused))
    return MadePdf(data, details)


def _print_profile() -> Path:
    if not BUNDLED_CMYK_PROFILE.is_file():
        raise BuildError("the print colour profile assets/icc/default_cmyk.icc is missing from this "
                         "storyexport installation; reinstall storyexport")
    return BUNDLED_CMYK_PROFILE


def _lay_out(story: Story, lang: str, edition: Edition, geometry: PageGeometry, images: DocumentImages,
             fetcher: SafeFetcher):
    """The shared render in our document and stylesheet, laid out in pages by WeasyPrint."""
    cover = images.cover(story.cover) if story.cover else None
    target = RenderTarget(name="pdf", notes="inline", image=images.figure, inline_image=images.inline)
    rendered = render_article(story, story.article(lang), None, target)
    css = stylesheet(geometry, cover, images.cmyk.as_uri() if images.cmyk else None)
    html = html_document(story, rendered, css, cover)
    # presentational hints: WeasyPrint honours <ol start> and <li value> only with them
    return HTML(string=html, base_url=story.folder.as_uri() + "/", url_fetcher=fetcher).render(
        pdf_variant=edition.variant, presentational_hints=True)
