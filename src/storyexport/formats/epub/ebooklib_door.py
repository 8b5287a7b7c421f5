"""The one door to ebooklib's internals: its EPUB writer made reproducible, strict and lean.

ebooklib 0.20 stamps zip entries with the wall clock, writes a generator meta, builds a nav
whose page-list picks up every element with an epub:type, writes the NCX with a depth of 0
whatever its nesting, swallows write errors, and holds every item and the whole zip in memory.
This writer fixes the entry dates and attributes, serves the navigation document we made,
writes the NCX's true depth, adds xml:lang to the package, and turns any failure (or a value
ebooklib only logs and drops) into BuildError. A `FileItem` (the narration's MP3) is listed in the
package but left out of the zip: `add_file` appends it afterwards, copied from its file a block at
a time, so the book travels from a worker without its audio and the driver adds it from the file
it wrote. It overrides private methods of `EpubWriter`, so it refuses another ebooklib version than
the one it was written for (book.py uses only ebooklib's public classes, `FileItem` and `add_file`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO

from ebooklib import epub
from lxml import etree

from ...errors import BuildError
from .xml import XML_LANG

WRITTEN_FOR = "0.20"
if not version("EbookLib").startswith(WRITTEN_FOR):
    raise ImportError(f"storyexport's EPUB writer was written for EbookLib {WRITTEN_FOR} (it overrides private "
                      f"parts of its writer), but EbookLib {version('EbookLib')} is installed: "
                      f"pip install 'EbookLib>={WRITTEN_FOR},<0.21'")

UNIX = 3  # ZipInfo.create_system: the same on every platform
FILE_MODE = 0o644 << 16
COPY_BLOCK = 1 << 20
BOOK_FOLDER = "EPUB"  # ebooklib 0.20's EpubBook.FOLDER_NAME: the folder of the items in the zip


class FileItem(epub.EpubItem):
    """An item the package lists but the zip gets later, from its file (add_file): the narration's
    MP3. It must be the book's last item, as its entry comes last."""

    def __init__(self, uid: str, file_name: str, media_type: str):
        super().__init__(uid=uid, file_name=file_name, media_type=media_type)


class _FixedZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry one date, fixed attributes, and mimetype stored; an
    entry given as a Path is copied from that file a block at a time."""

    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            info = zipfile.ZipInfo(name, date_time=self.date_time)
            info.create_system, info.external_attr = UNIX, FILE_MODE
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            name = info
        if isinstance(data, Path):
            self._copy(name, data)
        else:
            super().writestr(name, data, compress_type=compress_type, compresslevel=compresslevel)

    def _copy(self, info: zipfile.ZipInfo, path: Path) -> None:
        """What writestr does with bytes (same header, same compression), from a file."""
        info.file_size = path.stat().st_size
        with open(path, "rb") as source, self._lock, self.open(info, mode="w") as entry:
            shutil.copyfileobj(source, entry, COPY_BLOCK)


class ReproducibleWriter(epub.EpubWriter):
    def __init__(self, book: epub.EpubBook, out: BinaryIO, modified: dt.datetime,
                 zip_time: tuple[int, int, int, int, int, int]):
        super().__init__(out, book, {"mtime": modified.astimezone(dt.timezone.utc), "compresslevel": 9})
        self.zip_time = zip_time

    def write(self) -> None:
        self.out = _FixedZip(self.file_name, "w", zipfile.ZIP_DEFLATED, compresslevel=self.options["compresslevel"])
        self.out.date_time = self.zip_time
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        return item.content  # made by epub.nav, not ebooklib's (its page-list lists every epub:type)

    def _get_ncx(self) -> bytes:
        """ebooklib's NCX with `dtb:depth` saying how deep its navMap really nests."""
        ncx = etree.fromstring(super()._get_ncx())
        namespace = {"ncx": "http://www.daisy.org/z3986/2005/ncx/"}
        depth = max((len(point.xpath("ancestor-or-self::ncx:navPoint", namespaces=namespace))
                     for point in ncx.iterfind(".//ncx:navPoint", namespace)), default=0)
        for meta in ncx.iterfind("ncx:head/ncx:meta[@name='dtb:depth']", namespace):
            meta.set("content", str(depth))
        return etree.tostring(ncx, pretty_print=True, encoding="utf-8", xml_declaration=True)

    def _write_items(self) -> None:
        """ebooklib's, without the file items (add_file writes them, after the others)."""
        items = self.book.items
        files = [item for item in items if isinstance(item, FileItem)]
        if files and items[-len(files):] != files:
            raise ValueError("a file item must come after every other item of the book")
        self.book.items = items[:len(items) - len(files)]
        try:
            super()._write_items()
        finally:
            self.book.items = items

    def _write_opf_file(self, root) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def _check_metadata(book: epub.EpubBook, written_epub: BinaryIO, name: str) -> None:
    """Every metadata value we gave must be in the written OPF: ebooklib logs and drops a value it
    cannot write (e.g. one with a character XML forbids) instead of failing."""
    written_epub.seek(0)
    with zipfile.ZipFile(written_epub) as archive:
        opf = etree.fromstring(archive.read(f"{book.FOLDER_NAME}/content.opf"))
    written = Counter(el.text or "" for el in opf.find("{http://www.idpf.org/2007/opf}metadata")
                      if el.get("property") != "dcterms:modified")
    wanted = Counter(value or "" for names in book.metadata.values() for values in names.values()
                     for value, _ in values)
    if missing := wanted - written:
        raise BuildError(f"could not write {name}: its metadata lost {', '.join(map(repr, missing))}")


def write_epub(book: epub.EpubBook, out: BinaryIO, modified: dt.datetime,
               zip_time: tuple[int, int, int, int, int, int], name: str) -> None:
    """The EPUB container, written into `out` (readable too) without its file items; BuildError
    (naming `name`) when ebooklib fails in any way."""
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)  # names ebooklib's version
    writer = ReproducibleWriter(book, out, modified, zip_time)
    try:
        writer.process()
        writer.write()
    except (OSError, ValueError, zipfile.LargeZipFile, etree.LxmlError, epub.EpubException) as exc:
        raise BuildError(f"could not write {name}: {exc}") from exc
    _check_metadata(book, out, name)


def add_file(out: BinaryIO, file_name: str, path: Path, zip_time: tuple[int, int, int, int, int, int],
             name: str) -> None:
    """Append the file item `file_name` (e.g. audio/x.mp3) to the EPUB write_epub wrote into `out`,
    copied from `path` a block at a time: the same bytes as if it had been written with the others.
    BuildError (naming `name`) when it cannot be."""
    out.seek(0)
    try:
        with _FixedZip(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            archive.date_time = zip_time
            archive.writestr(f"{BOOK_FOLDER}/{file_name}", path)
    except (OSError, ValueError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise BuildError(f"could not write {name}: {exc}") from exc
