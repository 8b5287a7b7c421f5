"""pdfium, one caller at a time: pdfium is not thread-safe, and the report reads several PDFs in threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_PDFIUM = threading.Lock()  # pypdfium2's documentation: never call pdfium from two threads at once


@contextmanager
def pdfium_document(path: Path) -> Iterator[Any]:
    """The PDF at `path` opened with pypdfium2, held by this thread alone until the block ends."""
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(str(path))
        try:
            yield document
        finally:
            document.close()
