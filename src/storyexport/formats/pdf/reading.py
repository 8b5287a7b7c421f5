"""The tagged PDF's structure as a screen reader needs it, beyond what WeasyPrint 70 writes.

WeasyPrint builds the structure tree page by page, element by element (tagging.py wraps that
step). What it writes, and what a reader gets instead once these fixes are applied:

- one structure element per page an HTML element spans: the story is one /Art per page, a
  paragraph split by a page break two /P. The fragments of later pages are merged into the
  first (`merge_fragment`), so the story is one /Art and a paragraph one /P;
- `<li><p>…</p></li>` as /LI → /Lbl + /P: ISO 32000 wants /LI → /Lbl + /LBody (`list_body`);
- a footnote as a /Span inside an anonymous /NonStruct: it becomes a /Note with a unique /ID,
  listed in the structure tree's /IDTree (`footnote_note`, `add_id_tree`); its call and its
  number are links to each other (the render writes them as `<a>`, see text/render.py);
- link annotations without the print flag, and with the bare target as /Contents: they get
  /F 4 and a /Contents that says what they are, "IOM report (https://…)" (`describe_link`).

Each is a separate function of one structure element, so that other fixes (tables, definition
lists) can sit beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .pydyf_door import (
    Array,
    String,
    is_reference,
    marked_content_reference,
    resolve,
    struct_element,
    struct_elements,
)
from .weasyprint_door import box_element, box_tag, is_inline, link_annotation

PRINT_FLAG = 4  # annotation flag bit 3: print the annotation with the page (PDF/UA-1 7.18.1)
MERGED = frozenset({"/Art", "/Sect", "/Div", "/Part", "/P", "/L", "/LI", "/LBody", "/BlockQuote", "/Note",
                    "/Caption", "/NonStruct", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Span", "/Link"})


@dataclass
class ReadingFixes:
    """What the fixes did to one PDF (the report shows it), and what they remember between pages."""

    merged: dict[str, int] = field(default_factory=dict)  # structure type -> page fragments merged
    list_bodies: int = 0
    notes: list[str] = field(default_factory=list)  # the /ID of each /Note
    links: int = 0
    first_fragments: dict[tuple, tuple[int, Any]] = field(default_factory=dict)  # key -> (page, element)

    def summary(self) -> dict[str, Any]:
        return {"notes": len(self.notes), "note_ids": list(self.notes), "list_bodies": self.list_bodies,
                "links": self.links, "merged_fragments": dict(sorted(self.merged.items()))}

    def adjust(self, element, box, pdf, page_index: int, nums: dict, annotations: list) -> bool:
        """Fix one structure element WeasyPrint made; False when it was merged into an earlier
        page's and must not be added to the tree."""
        if is_empty_grouping(element):
            return False
        describe_link(self, element, box)
        footnote_note(self, element, box)
        list_body(self, element, box, pdf, page_index)
        return not merge_fragment(self, element, box, pdf, page_index, nums, annotations)


def _classes(box) -> list[str]:
    element = box_element(box)
    return (element.get("class") or "").split() if element is not None else []


def is_empty_grouping(element) -> bool:
    """A /NonStruct with nothing in it (what WeasyPrint leaves of a pseudo-element that draws
    nothing, such as the footnote call it no longer writes): left out of the tree."""
    if str(element["S"]) != "/NonStruct" or len(element["K"]):
        return False
    element.clear()
    return True


def describe_link(fixes: ReadingFixes, element, box) -> None:
    """A link annotation that prints with the page and says where it leads."""
    annotation = link_annotation(box)
    if annotation is None or str(element["S"]) != "/Link":
        return
    html = box_element(box)
    href = html.get("href", "") if html is not None else ""
    text = " ".join("".join(html.itertext()).split()) if html is not None else ""
    name = html.get("aria-label") if html is not None else None
    annotation["F"] = PRINT_FLAG
    if name:
        annotation["Contents"] = String(name)
    elif href.startswith("#"):
        annotation["Contents"] = String(text or href)
    else:
        annotation["Contents"] = String(f"{text} ({href})" if text and text != href else href)
    fixes.links += 1


def footnote_note(fixes: ReadingFixes, element, box) -> None:
    """The footnote's text (a block in the footnote area, made from `<span class="footnote" id>`)
    as a /Note with that id."""
    if box_tag(box) != "span" or "footnote" not in _classes(box) or is_inline(box):
        return
    note_id = box_element(box).get("id")
    if not note_id or note_id in fixes.notes:
        return
    element["S"] = "/Note"
    element["ID"] = String(note_id)
    fixes.notes.append(note_id)


def list_body(fixes: ReadingFixes, element, box, pdf, page_index: int) -> None:
    """/LI → /Lbl + /LBody: everything of the item but its label goes into one /LBody (on a later
    page, into the body the item began on an earlier one)."""
    if str(element["S"]) != "/LI":
        return
    kids = list(element["K"])
    labels = [k for k in kids if is_reference(k) and str(resolve(pdf, k)["S"]) in ("/Lbl", "/LBody")]
    body = [k for k in kids if k not in labels]
    if not body or not all(is_reference(k) for k in body):
        return
    key = (id(box_element(box)), "li-body", "/LBody")
    first = fixes.first_fragments.get(key)
    lbody = first[1] if first and first[0] < page_index else None
    if lbody is None:
        lbody = struct_element(pdf, "LBody", [], page_index, element.reference)
        fixes.first_fragments[key] = (page_index, lbody)
        fixes.list_bodies += 1
        labels.append(lbody.reference)
    for kid in body:
        resolve(pdf, kid)["P"] = lbody.reference
        lbody["K"].append(kid)
    element["K"] = Array(labels)


def merge_fragment(fixes: ReadingFixes, element, box, pdf, page_index: int, nums: dict, annotations: list) -> bool:
    """True when `element` is a later page's fragment of an element already in the tree: its
    content then moves into that element (in order, after what the earlier pages hold)."""
    html, kind = box_element(box), str(element["S"])
    if html is None or kind not in MERGED:
        return False
    key = (id(html), box_tag(box), kind)
    first = fixes.first_fragments.setdefault(key, (page_index, element))
    if first[1] is element or first[0] >= page_index:
        return False
    _move_kids(pdf, element, first[1], page_index, nums, annotations)
    element.clear()  # an orphan, written as an empty dictionary that nothing refers to
    fixes.merged[kind] = fixes.merged.get(kind, 0) + 1
    return True


def _move_kids(pdf, source, target, page_index: int, nums: dict, annotations: list) -> None:
    """Every kid of `source` appended to `target`: elements re-parented, this page's MCIDs as
    marked-content references (with their page), annotations' structure parent re-pointed."""
    for kid in source["K"]:
        if isinstance(kid, int):
            target["K"].append(marked_content_reference(pdf, kid, page_index))
            nums[kid] = target.reference
            continue
        if is_reference(kid) and resolve(pdf, kid).get("Type") == "/StructElem":
            resolve(pdf, kid)["P"] = target.reference
        target["K"].append(kid)
    for index, (reference, annotation) in enumerate(annotations):
        if reference == source.reference:
            annotations[index] = (target.reference, annotation)


def add_id_tree(pdf) -> int:
    """ISO 32000-1 14.7.2: when structure elements have an /ID, the structure tree root maps each
    ID to its element in an /IDTree (a name tree, keys sorted). WeasyPrint writes none."""
    from .pydyf_door import Dictionary

    ids = sorted((_text(element["ID"]), element.reference) for element in struct_elements(pdf) if "ID" in element)
    if not ids:
        return 0
    names = Array()
    for key, reference in ids:
        names.extend([String(key), reference])
    tree = Dictionary({"Names": names})
    pdf.add_object(tree)
    resolve(pdf, pdf.catalog["StructTreeRoot"])["IDTree"] = tree.reference
    return len(ids)


def _text(value) -> str:
    """The text of a pydyf String (or of a plain str)."""
    return getattr(value, "string", value)
