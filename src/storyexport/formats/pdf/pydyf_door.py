"""The one door to pydyf, the PDF object library WeasyPrint writes with: its objects, and how to find them.

The finisher (finishing.py) and the structure-tree fixes (tagging.py) edit WeasyPrint's PDF
objects before they are written: pages, their content streams, the catalog, the structure tree.
That is pydyf's object model, which has no stability promise; this module is written for pydyf
0.13 (WeasyPrint 70's) and refuses another minor version, saying so.
"""

from __future__ import annotations

import pydyf
from pydyf import Array, Dictionary, Stream, String

WRITTEN_FOR = "0.13"
if ".".join(pydyf.__version__.split(".")[:2]) != WRITTEN_FOR:
    raise ImportError(f"storyexport's PDF finishing was written for pydyf {WRITTEN_FOR}.x (the PDF objects "
                      f"WeasyPrint 70 writes), but pydyf {pydyf.__version__} is installed: "
                      f"pip install 'pydyf>={WRITTEN_FOR},<0.14'")

__all__ = ["Array", "Dictionary", "Stream", "String", "resolve", "page_objects", "page_numbers"]


def resolve(pdf, reference):
    """The object a pydyf reference (b"12 0 R") points to."""
    return pdf.objects[int(reference.split()[0])]


def page_numbers(pdf) -> list[int]:
    """The object numbers of the page dictionaries, in page order."""
    return pdf.pages["Kids"][::3]  # the Kids array holds "n 0 R" as three items


def page_objects(pdf) -> list:
    return [pdf.objects[number] for number in page_numbers(pdf)]
