"""The book's images: one clean rendition per photo, sized for e-readers, and the <img> markup for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from markupsafe import Markup

from ...model import Figure, Photo
from ...source.convert import slugify
from ...store.cache import Cache
from ...text.render import RenderTarget, long_description_id
from ..renditions import has_alpha, rendition

EREADER_WIDTH = 1200  # wide enough for 6-7" e-ink readers and phones, small enough for slow networks
JPEG_QUALITY = 80


@dataclass(frozen=True)
class BookImage:
    href: str  # inside the EPUB's package folder, e.g. images/xray.jpg
    media_type: str
    data: bytes
    width: int
    height: int


def book_images(photos: list[Photo], cache: Cache) -> dict[str, BookImage]:
    """A rendition of each photo by its source path, named after the photo (ASCII names, kept unique)."""
    images: dict[str, BookImage] = {}
    used: set[str] = set()
    for photo in photos:
        if photo.src in images:
            continue
        clean = rendition(photo, cache, width=EREADER_WIDTH, quality=JPEG_QUALITY,
                          image_format="PNG" if has_alpha(photo) else "JPEG")
        stem, n = slugify(PurePosixPath(photo.src).stem), 1
        name = f"images/{stem}{clean.extension}"
        while name in used:
            n += 1
            name = f"images/{stem}-{n}{clean.extension}"
        used.add(name)
        images[photo.src] = BookImage(name, clean.media_type, clean.data, clean.width, clean.height)
    return images


def inline_image_markup(images: dict[str, BookImage]) -> Callable[[Photo, str, RenderTarget], Markup]:
    """The render's inline_image callback: an image inside a sentence, sized by the stylesheet."""
    def image(photo: Photo, alt: str, target: RenderTarget) -> Markup:
        picture = images[photo.src]
        return Markup('<img class="inline-image" src="{}" alt="{}" width="{}" height="{}" />').format(
            picture.href, alt, picture.width, picture.height)
    return image


def image_markup(images: dict[str, BookImage]) -> Callable[[Figure, str | None, RenderTarget], Markup]:
    """The render's image callback: the rendition, its size, and the long description it points to."""
    def image(figure: Figure, img_id: str | None, target: RenderTarget) -> Markup:
        picture = images[figure.photo.src]
        extra = Markup("")
        if img_id:
            extra += Markup(' id="{}"').format(img_id)
        if figure.long_description and not figure.decorative:
            extra += Markup(' aria-details="{}"').format(long_description_id(figure))
        return Markup('<img src="{}" alt="{}" width="{}" height="{}"{} />').format(
            picture.href, figure.alt, picture.width, picture.height, extra)
    return image
