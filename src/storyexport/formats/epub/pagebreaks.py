"""Print page numbers in the book: a page-break marker where each page of the print PDF begins.

The pdf builder recorded where each printed page starts (text/pagination.py): an element id of
the shared render and how many characters of it (white space not counted) were printed on the
pages before. The marker goes at that very place, an empty
`<span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>`: before the
element when the page starts with it (before its paragraph, heading or figure when it is their
first content), else inside it, before the word the page starts with.
"""

from __future__ import annotations

import logging

from lxml import etree

from ...text.pagination import PageStart
from .xml import EPUB_NAMESPACE, XHTML_NAMESPACE

log = logging.getLogger(__name__)
X = f"{{{XHTML_NAMESPACE}}}"
# a marker may move up out of these (when it is their first content) ...
HOISTED_OUT_OF = {f"{X}{tag}" for tag in ("span", "a", "em", "strong", "code", "sup", "p", "h1", "h2", "h3", "h4",
                                          "h5", "h6", "blockquote", "figure", "header", "img")}
# ... but not into these, whose content model does not take a <span>
NOT_INTO = {f"{X}{tag}" for tag in ("ul", "ol", "dl", "details", "table", "thead", "tbody", "tr", "picture")}


def page_id(number: int) -> str:
    return f"page-{number}"


def add_page_breaks(xhtml: bytes, pages: tuple[PageStart, ...]) -> tuple[bytes, tuple[PageStart, ...]]:
    """The document with a marker for each page whose start it holds, and those pages."""
    root = etree.fromstring(xhtml, etree.XMLParser(resolve_entities=False, no_network=True))
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    placed = []
    for page in pages:
        element = by_id.get(page.anchor)
        if element is None:
            log.debug("page %d starts at #%s, which the book does not have; no marker", page.number, page.anchor)
            continue
        marker = _marker(page.number)
        if page.offset and "sentence" in (element.get("class") or "").split():
            _insert_inside(element, page.offset, marker)
        else:
            _insert_before(_outermost_start(element), marker)
        placed.append(page)
    if not placed:
        return xhtml, ()
    text = etree.tostring(root, encoding="unicode")
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' + text.encode("utf-8") + b"\n",
            tuple(placed))


def _marker(number: int) -> etree._Element:
    marker = etree.Element(f"{X}span")  # lxml reuses the document's namespace declarations once inserted
    marker.set(f"{{{EPUB_NAMESPACE}}}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("id", page_id(number))
    # its name is the page number (DAISY's and DPUB-ARIA's way; Ace checks it so). axe-core run on its
    # own, outside Ace, ignores DPUB roles there and reports aria-label on a <span> as prohibited.
    marker.set("aria-label", str(number))
    return marker


def _outermost_start(element: etree._Element) -> etree._Element:
    """The outermost element that `element` begins: a sentence that opens a paragraph gives the
    paragraph, a photo that opens its figure gives the figure."""
    while True:
        parent = element.getparent()
        if (parent is None or parent.tag not in HOISTED_OUT_OF or parent.getparent() is None
                or parent.getparent().tag in NOT_INTO or element.getprevious() is not None
                or (parent.text or "").strip()):
            return element
        element = parent


def _insert_before(element: etree._Element, marker: etree._Element) -> None:
    marker.tail = None
    element.addprevious(marker)


def _insert_inside(element: etree._Element, offset: int, marker: etree._Element) -> None:
    """Put `marker` in `element`'s text after `offset` non-space characters, at the start of the word
    there (a word the print edition hyphenated across the pages goes whole to the new page)."""
    seen = 0
    for holder, attribute in _text_slots(element):
        text = getattr(holder, attribute) or ""
        for index, char in enumerate(text):
            if char.isspace():
                continue
            if seen == offset:
                _split(holder, attribute, _word_start(text, index), marker)
                return
            seen += 1
    element.append(marker)  # the page starts after the element's last character


def _text_slots(element: etree._Element):
    """(node, "text" or "tail") of every piece of text inside `element`, in document order."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, "tail"


def _word_start(text: str, index: int) -> int:
    while index > 0 and not text[index - 1].isspace():
        index -= 1
    return index


def _split(holder: etree._Element, attribute: str, index: int, marker: etree._Element) -> None:
    text = getattr(holder, attribute)
    setattr(holder, attribute, text[:index])
    marker.tail = text[index:]
    if attribute == "text":
        holder.insert(0, marker)
    else:
        holder.addnext(marker)
