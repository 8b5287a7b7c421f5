"""Published copies of a photo: upright, sRGB (or the print CMYK profile), resized, no metadata.

Every format gets its images from here, so none of them can leak GPS, camera or comment data:
the pixels are copied into a fresh image and nothing of the original's `info` is saved. A photo
is decoded only when its rendition is not cached, and let go as soon as it is converted: at most
two full-size copies of one photo are in memory at a time, whatever the number of photos.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from ..model import Photo
from ..source.photos import photo_bytes
from ..store.cache import Cache, cache_key

log = logging.getLogger(__name__)
RENDITION_VERSION = 1  # bump when the recipe changes, so cached renditions are remade
BUNDLED_CMYK_PROFILE = Path(__file__).resolve().parents[1] / "assets" / "icc" / "default_cmyk.icc"
CMYK_PROFILE_CANDIDATES = (
    BUNDLED_CMYK_PROFILE,
    Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),
    Path("/usr/share/ghostscript/iccprofiles/default_cmyk.icc"),
)


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int
    format: str  # JPEG, WEBP, AVIF, PNG
    media_type: str
    extension: str
    key: str  # where it is in the cache (kind "rendition")


MEDIA = {"JPEG": ("image/jpeg", ".jpg"), "WEBP": ("image/webp", ".webp"), "AVIF": ("image/avif", ".avif"),
         "PNG": ("image/png", ".png")}


def cmyk_profile() -> Path | None:
    """The freely licensed CMYK profile: Ghostscript's, bundled in assets/icc (else Debian's libgs-common)."""
    return next((p for p in CMYK_PROFILE_CANDIDATES if p.is_file()), None)


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def has_alpha(photo: Photo) -> bool:
    with Image.open(io.BytesIO(photo_bytes(photo))) as image:
        return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def to_srgb(image: Image.Image) -> Image.Image:
    """Upright pixels in sRGB (alpha kept), through the image's own ICC profile when it has one.

    `image` is turned upright in place (no copy of it is made for that)."""
    ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert("RGBA" if alpha else "RGB")
    if image.mode == "L":
        image = image.convert("RGB")
    source = None
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        except (OSError, ImageCms.PyCMSError):
            log.warning("ignoring an unreadable ICC profile")
    if source is None and image.mode == "CMYK" and (profile := cmyk_profile()):
        source = ImageCms.getOpenProfile(str(profile))
    if source is not None:
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        try:
            return ImageCms.profileToProfile(image, source, _srgb(), outputMode=output_mode)
        except ImageCms.PyCMSError:
            log.warning("could not apply an image's ICC profile; converting without it")
    return image if image.mode in ("RGB", "RGBA") else image.convert("RGB")


def to_cmyk(image: Image.Image, profile: Path) -> Image.Image:
    """sRGB pixels into the print profile (relative colorimetric), alpha flattened on white."""
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    transform = ImageCms.buildTransform(_srgb(), ImageCms.getOpenProfile(str(profile)), "RGB", "CMYK",
                                        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    return ImageCms.applyTransform(image, transform)


def rendition(photo: Photo, cache: Cache, *, width: int | None = None, image_format: str = "JPEG",
              quality: int = 82, cmyk: Path | None = None, square: bool = False) -> Rendition:
    """A clean copy of `photo`, at most `width` pixels wide (never enlarged), cached by content;
    `square`: its centre, cropped square (cover art)."""
    profile_digest = cache_key(cmyk.read_bytes()) if cmyk else None
    key = cache_key("rendition", RENDITION_VERSION, photo.sha256, width, image_format, quality, profile_digest,
                    *(["square"] if square else []))
    media_type, extension = MEDIA[image_format]
    if hit := cache.get(key, kind="rendition"):
        data, info = hit
        return Rendition(data, info["width"], info["height"], image_format, media_type, extension, key)
    image = _decoded(photo)
    if square:
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side))
    if width and width < image.width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
    if cmyk:
        image = to_cmyk(image, cmyk)
    data = _encode(image, image_format, quality)
    cache.put(key, data, {"width": image.width, "height": image.height}, kind="rendition")
    return Rendition(data, image.width, image.height, image_format, media_type, extension, key)


def _decoded(photo: Photo) -> Image.Image:
    """The photo's pixels upright in sRGB (its file checked to be the one parsed); the decoded
    original is released on return."""
    with Image.open(io.BytesIO(photo_bytes(photo))) as original:
        return to_srgb(original)


def _encode(image: Image.Image, image_format: str, quality: int) -> bytes:
    clean = Image.new(image.mode, image.size)  # a fresh image: nothing of the original's info survives
    clean.putdata(image.getdata()) if image.mode == "P" else clean.paste(image)
    if image_format == "JPEG" and clean.mode == "RGBA":
        flat = Image.new("RGB", clean.size, "white")
        flat.paste(clean, mask=clean.getchannel("A"))
        clean = flat
    buffer = io.BytesIO()
    options: dict = {"JPEG": {"quality": quality, "optimize": True, "progressive": True},
                     "WEBP": {"quality": quality, "method": 4},
                     "AVIF": {"quality": quality, "speed": 8},
                     "PNG": {"optimize": True}}[image_format]
    clean.save(buffer, image_format, **options)
    return buffer.getvalue()
