"""Fixes to WeasyPrint's structure tree: /Lang on language changes, running heads as artifacts,
and (reading.py) notes, list bodies, one element per HTML element, links that print.

- PDF/UA-1 (7.2): WeasyPrint 70 writes the document's language on the catalog only, so
  `<span lang="es">` in an English page becomes a /Span without /Lang and a screen reader speaks
  "Jesús" with English rules. We copy each element's own `lang` onto its structure element
  (children inherit it, as PDF specifies).
- PDF/UA-1 (7.8): the running head and page numbers (CSS margin boxes) are marked as content
  tied to structure elements that are left out of the tree; we turn them into pagination artifacts.

WeasyPrint builds the tree in `weasyprint.pdf.tags._build_box_tree`, one call per box. While a
PDF is written we wrap that function (through weasyprint_door). If a later WeasyPrint changes
it, nothing is wrapped and the outcome says so (the report shows it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .reading import ReadingFixes


@dataclass
class StructureFixes:
    """What the wrap did: whether it could, the languages it tagged, the artifacts it found."""

    supported: bool
    languages: dict[str, int] = field(default_factory=dict)  # lang -> structure elements tagged
    artifacts: dict[int, set[int]] = field(default_factory=dict)  # page index -> MCIDs of margin boxes
    reading: ReadingFixes = field(default_factory=ReadingFixes)  # notes, list bodies, merged fragments, links
    constructs: dict[str, int] = field(default_factory=dict)  # construct_tagging's fixes, by kind

    def language_summary(self) -> str:
        if not self.supported:
            return "not tagged: this WeasyPrint version cannot be made to write /Lang on structure elements"
        if not self.languages:
            return "no language changes in the text"
        return "tagged: " + ", ".join(f"/Lang {lang} on {n} structure elements"
                                      for lang, n in sorted(self.languages.items()))


@contextmanager
def structure_fixes() -> Iterator[StructureFixes]:
    """While active, WeasyPrint's structure tree gets /Lang where the language changes, and
    the marked content of margin boxes is recorded (see `mark_pagination_artifacts`)."""
    from .pydyf_door import String
    from .weasyprint_door import (
        descendants,
        is_margin_box,
        own_element_language,
        wrapped_box_tree,
    )

    from .construct_tagging import ConstructTagging

    fixes = StructureFixes(supported=True)
    constructs: dict[int, ConstructTagging] = {}  # one per PDF being written

    def wrap(original):
        def build_box_tree(box, parent, pdf, page_number, nums, annotations, tag_map):
            if is_margin_box(box):
                fixes.artifacts.setdefault(page_number, set()).update(
                    tag_map[child]["mcid"] for child in descendants(box) if child in tag_map)
            lang = own_element_language(box)
            tagging = constructs.setdefault(id(pdf), ConstructTagging(pdf, counts=fixes.constructs))
            for element in original(box, parent, pdf, page_number, nums, annotations, tag_map):
                tagged = bool(lang) and "Lang" not in element
                if tagged:
                    element["Lang"] = String(lang)
                if not fixes.reading.adjust(element, box, pdf, page_number, nums, annotations):
                    continue  # merged into the same element on an earlier page
                if tagged:
                    fixes.languages[lang] = fixes.languages.get(lang, 0) + 1
                tagging.retag(box, element)
                yield element
        return build_box_tree

    with wrapped_box_tree(wrap) as supported:
        yield fixes if supported else StructureFixes(supported=False)


def mark_pagination_artifacts(pdf, fixes: StructureFixes) -> None:
    """Rewrite `/Span <</MCID n>> BDC` of margin boxes as `/Artifact <</Type /Pagination>> BDC`."""
    from .pydyf_door import Dictionary, page_numbers, resolve

    for index, number in enumerate(page_numbers(pdf)):
        mcids = fixes.artifacts.get(index)
        if not mcids:
            continue
        items = resolve(pdf, pdf.objects[number]["Contents"]).stream
        for position, item in enumerate(items):
            if isinstance(item, Dictionary) and item.get("MCID") in mcids and position > 0:
                items[position - 1] = "/Artifact"
                items[position] = Dictionary({"Type": "/Pagination"})
        _forget_in_parent_tree(pdf, index, mcids)


def _forget_in_parent_tree(pdf, page_index: int, mcids: set[int]) -> None:
    """The page's ParentTree array is indexed by MCID: what is an artifact now maps to null."""
    from .pydyf_door import resolve

    parent_tree = resolve(pdf, resolve(pdf, pdf.catalog["StructTreeRoot"])["ParentTree"])
    page_array = parent_tree["Nums"][2 * page_index + 1]
    for mcid in mcids:
        if mcid < len(page_array):
            page_array[mcid] = "null"
