"""Responsive web copies of the story's photos and the <picture> markup that offers them.

Each photo gets AVIF renditions at a few widths plus a fallback (JPEG, or PNG when the photo
has transparency), all through `renditions`, so every copy is upright, sRGB and metadata-free.
File names carry a digest of the source photo, so a changed photo never reuses a stale name.
Each copy is handed on (`SaveImage`) as soon as it is made; only its name and size stay in
memory, however many photos the story has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from ...model import Figure, Photo
from ...source.convert import slugify
from ...store.cache import Cache
from ...store.layout import PAGE_IMAGES_FOLDER
from ...text.render import RenderTarget, long_description_id
from ..renditions import Rendition, has_alpha, rendition

WIDTHS = (480, 800, 1200)
MODERN_FORMAT, MODERN_QUALITY = "AVIF", 60
FALLBACK_QUALITY = 80
# the text column is 40rem wide, with 1.25rem of padding each side below 42.5rem; a portrait
# photo is at most 26rem wide, so it does not fill several screens (story.css)
SIZES = "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)"
PORTRAIT_SIZES = "(min-width: 28.5rem) 26rem, calc(100vw - 2.5rem)"


@dataclass(frozen=True)
class WebImage:
    name: str  # the file name under html/images/
    width: int
    height: int
    media_type: str


SaveImage = Callable[[WebImage, Rendition], None]  # one web copy for html/images/, as soon as it is made


@dataclass(frozen=True)
class PictureSet:
    """Every web copy of one photo: the modern format and the fallback, narrowest first."""

    modern: tuple[WebImage, ...]
    fallback: tuple[WebImage, ...]

    @property
    def largest(self) -> WebImage:
        return self.fallback[-1]


def widths_for(photo: Photo) -> tuple[int, ...]:
    """The rendition widths for a photo, never wider than the photo itself."""
    return tuple(sorted({min(width, photo.width) for width in WIDTHS}))


def picture_set(photo: Photo, cache: Cache, save: SaveImage) -> PictureSet:
    """Every web copy of `photo`, each given to `save` as it is made."""
    fallback_format = "PNG" if has_alpha(photo) else "JPEG"
    stem = f"{slugify(photo.src.rsplit('/', 1)[-1].rsplit('.', 1)[0])}-{photo.sha256[:8]}"

    def copy(width: int, image_format: str, quality: int) -> WebImage:
        made = rendition(photo, cache, width=width, image_format=image_format, quality=quality)
        image = WebImage(f"{stem}-{made.width}{made.extension}", made.width, made.height, made.media_type)
        save(image, made)
        return image

    return PictureSet(tuple(copy(width, MODERN_FORMAT, MODERN_QUALITY) for width in widths_for(photo)),
                      tuple(copy(width, fallback_format, FALLBACK_QUALITY) for width in widths_for(photo)))


def img_attributes(figure: Figure, img_id: str | None) -> Markup:
    """alt, the sentence id, and the long description as the image's details (one relation, as in
    the EPUB: the <details> right after the image holds it, structured, and is read in order)."""
    described = Markup(' aria-details="{}"').format(long_description_id(figure)) if figure.long_description else ""
    return Markup('alt="{}"{}{}').format(figure.alt, Markup(' id="{}"').format(img_id) if img_id else "",
                                         described)


class Pictures:
    """The picture sets of a story's photos, made (and saved) on first use; also the render's image callback."""

    def __init__(self, cache: Cache, save: SaveImage, root: str = ""):
        self.cache, self.save = cache, save
        self.root = root  # the way from a page back to html/: "" or "../"
        self.sets: dict[str, PictureSet] = {}

    def at(self, root: str) -> Pictures:
        """The same picture sets, linked from a page `root` away from html/."""
        other = Pictures(self.cache, self.save, root)
        other.sets = self.sets
        return other

    def of(self, photo: Photo) -> PictureSet:
        if photo.sha256 not in self.sets:
            self.sets[photo.sha256] = picture_set(photo, self.cache, self.save)
        return self.sets[photo.sha256]

    def url(self, image: WebImage) -> str:
        return f"{self.root}{PAGE_IMAGES_FOLDER}/{image.name}"

    def srcset(self, images: tuple[WebImage, ...]) -> str:
        return ", ".join(f"{self.url(image)} {image.width}w" for image in images)

    def inline(self, photo: Photo, alt: str, target: RenderTarget) -> Markup:
        """An image inside a sentence (the render's inline_image callback): its smallest copy."""
        image = self.of(photo).fallback[0]
        return Markup('<img class="inline-image" src="{}" alt="{}" width="{}" height="{}" />').format(
            self.url(image), alt, image.width, image.height)

    def __call__(self, figure: Figure, img_id: str | None, target: RenderTarget) -> Markup:
        """A <picture>: AVIF sources, then the fallback <img> with its size and alt text."""
        pictures = self.of(figure.photo)
        largest = pictures.largest
        default = pictures.fallback[min(1, len(pictures.fallback) - 1)]
        portrait = largest.height > largest.width
        sizes = PORTRAIT_SIZES if portrait else SIZES
        return Markup('<picture{}>\n<source type="{}" srcset="{}" sizes="{}" />\n'
                      '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" loading="lazy" '
                      'decoding="async" {} />\n</picture>').format(
            Markup(' class="portrait"') if portrait else "",
            pictures.modern[0].media_type, self.srcset(pictures.modern), sizes,
            self.url(default), self.srcset(pictures.fallback), sizes, largest.width, largest.height,
            img_attributes(figure, img_id))
