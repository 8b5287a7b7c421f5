"""Two fixes to WeasyPrint's structure tree: /Lang on language changes, running heads as artifacts.

- PDF/UA-1 (7.2): WeasyPrint 70 writes the document's language on the catalog only, so
  `<span lang="es">` in an English page becomes a /Span without /Lang and a screen reader speaks
  "Jesús" with English rules. We copy each element's own `lang` onto its structure element
  (children inherit it, as PDF specifies).
- PDF/UA-1 (7.8): the running head and page numbers (CSS margin boxes) are marked as content
  tied to structure elements that are left out of the tree; we turn them into pagination artifacts.

WeasyPrint builds the tree in `weasyprint.pdf.tags._build_box_tree`, one call per box. While a
PDF is written we wrap that function. If a later WeasyPrint changes it, nothing is wrapped and
the outcome says so (the report shows it).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

EXPECTED_PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
_lock = threading.Lock()


@dataclass
class StructureFixes:
    """What the wrap did: whether it could, the languages it tagged, the artifacts it found."""

    supported: bool
    languages: dict[str, int] = field(default_factory=dict)  # lang -> structure elements tagged
    artifacts: dict[int, set[int]] = field(default_factory=dict)  # page index -> MCIDs of margin boxes

    def language_summary(self) -> str:
        if not self.supported:
            return "not tagged: this WeasyPrint version cannot be made to write /Lang on structure elements"
        if not self.languages:
            return "no language changes in the text"
        return "tagged: " + ", ".join(f"/Lang {lang} on {n} structure elements"
                                      for lang, n in sorted(self.languages.items()))


def _own_language(box) -> str | None:
    """The `lang` a box's element declares itself (not html/body: the catalog /Lang has those)."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    if element is None or isinstance(box, (boxes.PageBox, boxes.MarginBox)) or box.element_tag in ("html", "body"):
        return None
    return element.get("lang") or None


@contextmanager
def structure_fixes() -> Iterator[StructureFixes]:
    """While active, WeasyPrint's structure tree gets /Lang where the language changes, and
    the marked content of margin boxes is recorded (see `mark_pagination_artifacts`)."""
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None or tuple(inspect.signature(original).parameters) != EXPECTED_PARAMETERS:
        yield StructureFixes(supported=False)
        return
    fixes = StructureFixes(supported=True)

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tag_map):
        if isinstance(box, boxes.MarginBox):
            fixes.artifacts.setdefault(page_number, set()).update(
                tag_map[child]["mcid"] for child in box.descendants(placeholders=True) if child in tag_map)
        lang = _own_language(box)
        for element in original(box, parent, pdf, page_number, nums, annotations, tag_map):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
                fixes.languages[lang] = fixes.languages.get(lang, 0) + 1
            yield element

    with _lock:
        tags._build_box_tree = build_box_tree
        try:
            yield fixes
        finally:
            tags._build_box_tree = original


def mark_pagination_artifacts(pdf, fixes: StructureFixes) -> None:
    """Rewrite `/Span <</MCID n>> BDC` of margin boxes as `/Artifact <</Type /Pagination>> BDC`."""
    import pydyf

    for index, number in enumerate(pdf.pages["Kids"][::3]):
        mcids = fixes.artifacts.get(index)
        if not mcids:
            continue
        items = _object(pdf, pdf.objects[number]["Contents"]).stream
        for position, item in enumerate(items):
            if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and position > 0:
                items[position - 1] = "/Artifact"
                items[position] = pydyf.Dictionary({"Type": "/Pagination"})
        _forget_in_parent_tree(pdf, index, mcids)


def _object(pdf, reference: bytes):
    """The object a pydyf reference (b"12 0 R") points to."""
    return pdf.objects[int(reference.split()[0])]


def _forget_in_parent_tree(pdf, page_index: int, mcids: set[int]) -> None:
    """The page's ParentTree array is indexed by MCID: what is an artifact now maps to null."""
    parent_tree = _object(pdf, _object(pdf, pdf.catalog["StructTreeRoot"])["ParentTree"])
    page_array = parent_tree["Nums"][2 * page_index + 1]
    for mcid in mcids:
        if mcid < len(page_array):
            page_array[mcid] = "null"
