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

__all__ = ["Array", "Dictionary", "Stream", "String", "resolve", "page_objects", "page_numbers", "is_reference",
           "struct_element", "marked_content_reference", "struct_elements"]


def resolve(pdf, reference):
    """The object a pydyf reference (b"12 0 R") points to."""
    return pdf.objects[int(reference.split()[0])]


def page_numbers(pdf) -> list[int]:
    """The object numbers of the page dictionaries, in page order."""
    return pdf.pages["Kids"][::3]  # the Kids array holds "n 0 R" as three items


def page_objects(pdf) -> list:
    return [pdf.objects[number] for number in page_numbers(pdf)]


def is_reference(item) -> bool:
    """A reference to another object (b"12 0 R"), as opposed to an MCID (an int) or a dictionary."""
    return isinstance(item, bytes)


def struct_element(pdf, kind: str, kids: list, page_index: int, parent: bytes) -> Dictionary:
    """A new structure element `/kind` on page `page_index` (from 0), added to the PDF."""
    element = Dictionary({"Type": "/StructElem", "S": f"/{kind}", "K": Array(kids),
                          "Pg": pdf.page_references[page_index], "P": parent})
    pdf.add_object(element)
    return element


def marked_content_reference(pdf, mcid: int, page_index: int) -> Dictionary:
    """An MCID of another page than its structure element's (/MCR with the page)."""
    return Dictionary({"Type": "/MCR", "MCID": mcid, "Pg": pdf.page_references[page_index]})


def struct_elements(pdf) -> list[Dictionary]:
    """Every structure element of the PDF (StructElem dictionaries), in object order."""
    return [obj for obj in pdf.objects if isinstance(obj, Dictionary) and obj.get("Type") == "/StructElem"]
