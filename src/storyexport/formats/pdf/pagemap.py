"""Where each page of a laid-out document begins, in terms of the render's element ids.

For each page, the first box of its body flow (running heads, page numbers, the footnote area
and generated content such as a printed link address left out) tells which element the page
starts in: the innermost element with an id that holds it, usually a sentence `<span id="sN">`.
Characters are counted without white space and without the hyphen the layout adds when it
breaks a word, so the count means the same in the EPUB's text (text/pagination.py).
"""

from __future__ import annotations

import re

from ...text.pagination import PageStart
from .weasyprint_door import box_element, box_tag, flow_text_boxes, layout_hyphen, page_boxes, root_element

WHITE_SPACE = re.compile(r"\s+")


def page_starts(document) -> tuple[PageStart, ...]:
    """The start of every page that holds some element of the text with an id, in page order."""
    parent_of = _parents(root_element(document))
    printed: dict[int, int] = {}  # id(element) -> its characters on the pages done so far
    starts = []
    for number, page_box in page_boxes(document):
        on_page: dict[int, int] = {}
        first: PageStart | None = None
        for box, text in flow_text_boxes(page_box):
            if "::" in (box_tag(box) or ""):
                continue  # generated content (list markers, a printed URL): not in the text
            holders = list(_with_ids(box_element(box), parent_of))
            if not holders:
                continue
            if first is None:
                first = PageStart(number, holders[0].get("id"), printed.get(id(holders[0]), 0))
            count = len(WHITE_SPACE.sub("", text)) - len(layout_hyphen(box)) if text else 0
            for element in holders:
                on_page[id(element)] = on_page.get(id(element), 0) + count
        for key, count in on_page.items():
            printed[key] = printed.get(key, 0) + count
        if first is not None:
            starts.append(first)
    return tuple(starts)


def _parents(root) -> dict:
    """Each element's parent (xml.etree elements do not know theirs)."""
    return {child: parent for parent in root.iter() for child in parent}


def _with_ids(element, parent_of: dict):
    """The element and its ancestors that have an id, innermost first."""
    while element is not None:
        if element.get("id"):
            yield element
        element = parent_of.get(element)
