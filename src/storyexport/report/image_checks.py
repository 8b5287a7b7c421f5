"""Published photos carry no metadata: no EXIF (camera, GPS), no XMP, IPTC or comments."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from .checks import Check, failed, passed

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif")
METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc", "Comment")


def metadata_found(data: bytes) -> list[str]:
    """The kinds of metadata an image file carries (empty when clean)."""
    try:
        image = Image.open(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError):
        return ["not a readable image"]
    with image:
        found = [key for key in METADATA_KEYS if image.info.get(key)]
        if image.getexif():
            found.append("EXIF")
        if b"Exif\x00\x00" in data[:65536] and "EXIF" not in found:
            found.append("EXIF")
        return sorted(set(found))


def check_images(named: list[tuple[str, bytes]]) -> Check:
    dirty = [f"{name} ({', '.join(kinds)})" for name, data in named if (kinds := metadata_found(data))]
    if dirty:
        return failed("images.metadata", f"metadata in {'; '.join(dirty)}")
    return passed("images.metadata", f"{len(named)} image{'s' * (len(named) != 1)}: no GPS, camera, "
                  "XMP or comment metadata")


def images_in_folder(folder: Path, only: set[Path] | None = None) -> list[tuple[str, bytes]]:
    """The images under `folder` (of those in `only`, when given), named relative to its parent."""
    return [(p.relative_to(folder.parent).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() and (only is None or p in only)]


def images_in_epub(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as book:
        return [(name, book.read(name)) for name in book.namelist() if name.lower().endswith(IMAGE_SUFFIXES)]


def images_in_pdf(path: Path) -> list[tuple[str, bytes]]:
    """The JPEG streams of a PDF, each once, as stored (WeasyPrint embeds JPEGs unchanged). Its pages
    share one resource dictionary, so an image is listed on every page: it is counted once."""
    import pikepdf

    found, seen = [], set()
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for name, image in page.get_images().items():
                if image.get("/Filter") == "/DCTDecode" and image.objgen not in seen:
                    seen.add(image.objgen)
                    found.append((f"{path.name} page {number} {name}", image.read_raw_bytes()))
    return found
