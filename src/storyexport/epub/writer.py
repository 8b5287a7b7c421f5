"""ebooklib's EPUB writer made reproducible and strict: fixed zip entries, our own nav, errors raised.

ebooklib 0.20 stamps zip entries with the wall clock, writes a generator meta, builds a nav
whose page-list picks up every element with an epub:type, and swallows write errors. This
writer fixes the entry dates and attributes, serves the navigation document we made, adds
xml:lang to the package, and turns any failure (or an error ebooklib only logs) into BuildError.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import zipfile
from collections.abc import Iterator

from ebooklib import epub
from lxml import etree

from ..errors import BuildError

UNIX = 3  # ZipInfo.create_system: the same on every platform
FILE_MODE = 0o644 << 16


class _FixedZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry one date, fixed attributes, and mimetype stored."""

    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            info = zipfile.ZipInfo(name, date_time=self.date_time)
            info.create_system, info.external_attr = UNIX, FILE_MODE
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            name = info
        super().writestr(name, data, compress_type=compress_type, compresslevel=compresslevel)


class ReproducibleWriter(epub.EpubWriter):
    def __init__(self, book: epub.EpubBook, modified: dt.datetime, zip_time: tuple[int, int, int, int, int, int]):
        self.buffer = io.BytesIO()
        super().__init__(self.buffer, book, {"mtime": modified.astimezone(dt.timezone.utc), "epub2_guide": False,
                                             "epub3_landmark": False, "epub3_pages": False, "compresslevel": 9})
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

    def _write_opf_file(self, root) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


class _LoggedErrors(logging.Handler):
    """Collects what ebooklib reports with logging.error instead of raising (e.g. dropped metadata)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "ebooklib" in record.pathname:
            self.messages.append(record.getMessage())


@contextlib.contextmanager
def _ebooklib_errors() -> Iterator[_LoggedErrors]:
    handler = _LoggedErrors()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


def epub_bytes(book: epub.EpubBook, modified: dt.datetime, zip_time: tuple[int, int, int, int, int, int],
               name: str) -> bytes:
    """The finished EPUB container; BuildError (naming `name`) when ebooklib fails in any way."""
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)  # names ebooklib's version
    writer = ReproducibleWriter(book, modified, zip_time)
    try:
        with _ebooklib_errors() as errors:
            writer.process()
            writer.write()
    except (OSError, ValueError, zipfile.LargeZipFile, etree.LxmlError, epub.EpubException) as exc:
        raise BuildError(f"could not write {name}: {exc}") from exc
    if errors.messages:
        raise BuildError(f"could not write {name}: {'; '.join(errors.messages)}")
    return writer.buffer.getvalue()
