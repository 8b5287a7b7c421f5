"""A language change inside the text gets its own /Lang on its structure element (PDF/UA-1, 7.2).

WeasyPrint 70 writes the document's language on the catalog only: `<span lang="es">` inside an
English page becomes a /Span without /Lang, and a screen reader speaks "Jesús" with English
rules. WeasyPrint builds the structure tree in `weasyprint.pdf.tags._build_box_tree`, one call per
box; while a PDF is written we wrap that function and copy each element's own `lang` attribute
onto the structure element the box produced (children inherit it, as PDF specifies). If a later
WeasyPrint changes that function, nothing is wrapped and the outcome says so.
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
class LanguageTagging:
    """What the wrap did: whether it could, and the languages it wrote on structure elements."""

    supported: bool
    languages: dict[str, int] = field(default_factory=dict)  # lang -> structure elements tagged

    def summary(self) -> str:
        if not self.supported:
            return "not tagged: this WeasyPrint version cannot be made to write /Lang on structure elements"
        if not self.languages:
            return "no language changes in the text"
        return "tagged: " + ", ".join(f"/Lang {lang} on {n} structure elements"
                                      for lang, n in sorted(self.languages.items()))


def _own_language(box) -> str | None:
    """The `lang` a box's element declares itself (not html/body: the catalog /Lang has those)."""
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) in ("html", "body"):
        return None
    if type(box).__name__ in ("PageBox", "MarginBox"):
        return None
    return element.get("lang") or None


@contextmanager
def language_tagging() -> Iterator[LanguageTagging]:
    """While active, structure elements of boxes with their own `lang` get /Lang."""
    import pydyf
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None or tuple(inspect.signature(original).parameters) != EXPECTED_PARAMETERS:
        yield LanguageTagging(supported=False)
        return
    outcome = LanguageTagging(supported=True)

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tag_map):
        lang = _own_language(box)
        for element in original(box, parent, pdf, page_number, nums, annotations, tag_map):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
                outcome.languages[lang] = outcome.languages.get(lang, 0) + 1
            yield element

    with _lock:
        tags._build_box_tree = build_box_tree
        try:
            yield outcome
        finally:
            tags._build_box_tree = original
