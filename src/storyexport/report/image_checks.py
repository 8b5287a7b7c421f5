"""Published photos carry no metadata: no EXIF (camera, GPS), no XMP, IPTC or comments.

Images are read one at a time (from the folder, the EPUB or the PDF) and checked as they come,
so a book with many photos is never in memory at once.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
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


def check_images(named: Iterable[tuple[str, bytes]]) -> Check:
    dirty, count = [], 0
    for name, data in named:
        count += 1
        if kinds := metadata_found(data):
            dirty.append(f"{name} ({', '.join(kinds)})")
    if dirty:
        return failed("images.metadata", f"metadata in {'; '.join(dirty)}")
    return passed("images.metadata", f"{count} image{'s' * (count != 1)}: no GPS, camera, "
                  "XMP or comment metadata")


def images_in_folder(folder: Path, only: set[Path] | None = None) -> Iterator[tuple[str, bytes]]:
    """The images under `folder` (of those in `only`, when given), named relative to its parent,
    each read when it is checked."""
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file() and (only is None or path in only):
            yield path.relative_to(folder.parent).as_posix(), path.read_bytes()


def images_in_epub(path: Path) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.lower().endswith(IMAGE_SUFFIXES):
                yield name, book.read(name)


def images_in_pdf(path: Path) -> Iterator[tuple[str, bytes]]:
    """The JPEG streams of a PDF, each once, as stored (WeasyPrint embeds JPEGs unchanged). Its pages
    share one resource dictionary, so an image is listed on every page: it is counted once."""
    import pikepdf

    seen = set()
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for name, image in page.get_images().items():
                if image.get("/Filter") == "/DCTDecode" and image.objgen not in seen:
                    seen.add(image.objgen)
                    yield f"{path.name} page {number} {name}", image.read_raw_bytes()
