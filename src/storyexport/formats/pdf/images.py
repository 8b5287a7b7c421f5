"""The photos of one PDF: resampled for the size they are placed at, served from the cache to WeasyPrint.

The print PDF gets CMYK JPEGs in the print profile at 300 ppi; the accessible PDF gets sRGB
JPEGs at 200 ppi (smaller files for downloading). A photo is never enlarged: a small original
stays small, and the preflight says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from markupsafe import Markup

from ...model import Figure, Photo
from ...store.cache import Cache
from ...text.render import RenderTarget
from ..renditions import rendition
from .fetcher import RENDITION_SCHEME, SafeFetcher
from .geometry import PageGeometry, Size

PRINT_PPI = 300
SCREEN_PPI = 200
INLINE_HEIGHT_EM = 1.2  # an image inside a sentence is as tall as the text (render.css)
EXTRA_PIXELS = 2  # so rounding the height never drops the resolution below the target


@dataclass(frozen=True)
class PlacedImage:
    """A rendition in the document: the URL its fetcher serves it at, and the photo it comes from."""

    url: str
    photo: Photo


class DocumentImages:
    """Makes the renditions one document uses and registers them with its fetcher."""

    def __init__(self, geometry: PageGeometry, cache: Cache, fetcher: SafeFetcher, cmyk: Path | None):
        self.geometry, self.cache, self.fetcher, self.cmyk = geometry, cache, fetcher, cmyk
        self.ppi = PRINT_PPI if cmyk else SCREEN_PPI
        self.placed: dict[str, PlacedImage] = {}

    def prepare(self, photo: Photo, size: Size) -> PlacedImage:
        width = min(photo.width, size.pixels(self.ppi)[0] + EXTRA_PIXELS)
        make = partial(rendition, photo, self.cache, width=width, image_format="JPEG",
                       quality=90 if self.cmyk else 82, cmyk=self.cmyk)
        image = make()
        url = f"{RENDITION_SCHEME}:{photo.sha256[:16]}-{image.width}{image.extension}"
        self.fetcher.add(url, lambda: make().data, image.media_type)  # read again (cached) when WeasyPrint asks
        placed = PlacedImage(url, photo)
        self.placed[url] = placed
        return placed

    def figure(self, figure: Figure, img_id: str | None, target: RenderTarget) -> Markup:
        """A figure's image (the RenderTarget callback); a decorative one is a background, an artifact."""
        size = self.geometry.figure_size(figure.photo)
        placed = self.prepare(figure.photo, size)
        if figure.decorative:
            return Markup('<div class="decorative-image" role="presentation" data-image="{0}" '
                          "style=\"width: {1}mm; height: {2}mm; background-image: url('{0}')\"></div>").format(
                placed.url, size.width, size.height)
        return Markup('<img src="{}" alt="{}" style="width: {}mm"{} />').format(
            placed.url, figure.alt, size.width, Markup(' id="{}"').format(img_id) if img_id else "")

    def inline(self, photo: Photo, alt: str, target: RenderTarget) -> Markup:
        """An image inside a sentence (the render's inline_image callback), as tall as the text; a
        decorative one is an artifact (a background), like a decorative figure."""
        height = self.geometry.font_size * INLINE_HEIGHT_EM * 25.4 / 72
        width = round(height * photo.width / photo.height, 2)
        placed = self.prepare(photo, Size(width, height))
        if not alt:
            return Markup('<span class="decorative-image inline-image" role="presentation" data-image="{0}" '
                          "style=\"width: {1}mm; height: {2}mm; background-image: url('{0}')\"></span>").format(
                placed.url, width, round(height, 2))
        return Markup('<img class="inline-image" src="{}" alt="{}" style="width: {}mm" />').format(
            placed.url, alt, width)

    def cover(self, photo: Photo) -> PlacedImage:
        return self.prepare(photo, self.geometry.cover_size(photo))
