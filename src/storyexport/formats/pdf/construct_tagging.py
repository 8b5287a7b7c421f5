"""Structure-tree fixes for tables, definition lists and inline formatting (WeasyPrint 70 leaves them out).

- Table header cells get `/Scope` (/Column or /Row, from `<th scope>`): WeasyPrint writes IDs and
  /Headers but no /Scope, which PDF/UA checkers and screen readers also look for.
- A definition list becomes `L > LI > (Lbl term, LBody definitions)`: WeasyPrint makes every
  `<dt>` and `<dd>` an `LI > LBody` of its own, so a term cannot be told from its definition.
- Inline formatting that WeasyPrint leaves as /NonStruct becomes a structure element: `<sub>`,
  `<sup>`, `<del>`, `<mark>`, `<small>`, small caps a /Span, `<q>` a /Quote, `<code>` and `<kbd>`
  a /Code, `<abbr title>` a /Span with its expansion (/E). A task list's check mark gets the
  words it stands for as /ActualText ("Done").

`ConstructTagging.retag` is called by tagging.structure_fixes for each structure element
WeasyPrint yields, with the box it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INLINE_ROLES = {"sub": "/Span", "sup": "/Span", "del": "/Span", "s": "/Span", "mark": "/Span", "small": "/Span",
                "q": "/Quote", "code": "/Code", "kbd": "/Code", "abbr": "/Span"}


@dataclass
class ConstructTagging:
    """Fixes made while one PDF's structure tree is built; `counts` says how many of each."""

    pdf: object
    items: dict[bytes, tuple[object, str]] = field(default_factory=dict)  # LI reference -> (LI, "dt"|"dd")
    counts: dict[str, int] = field(default_factory=dict)

    def retag(self, box, element) -> None:
        tag = getattr(box, "element_tag", None)
        element_type = element.get("S")
        if tag == "th" and element_type == "/TH" and "A" in element:
            element["A"]["Scope"] = "/Row" if box.element.get("scope") == "row" else "/Column"
            self._count("scope")
        elif tag in ("dt", "dd") and element_type == "/LI":
            self.items[element.reference] = (element, tag)
        elif tag == "dl" and element_type == "/L":
            self._pair_terms(element)
        elif tag in INLINE_ROLES and element_type == "/NonStruct":
            element["S"] = INLINE_ROLES[tag]
            if tag == "abbr" and box.element.get("title"):
                from .pydyf_door import String
                element["E"] = String(box.element.get("title"))
            self._count(tag)
        elif tag == "span" and "task-mark" in (box.element.get("class") or "").split():
            from .pydyf_door import String
            element["ActualText"] = String(box.element.get("aria-label") or "")
            self._count("task")

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def _pair_terms(self, dl) -> None:
        """Each term's LI keeps its body as /Lbl and takes the bodies of the definitions after it."""
        from .pydyf_door import Array, resolve

        kept, term, term_body = [], None, None
        for reference in dl["K"]:
            li, kind = self.items.get(reference, (None, ""))
            bodies = [resolve(self.pdf, kid) for kid in li["K"]] if li is not None else []
            if kind == "dt" and bodies:
                bodies[0]["S"] = "/Lbl"
                term, term_body = li, None
            elif kind == "dd" and term is not None and bodies:
                for body in bodies:  # the first definition's LBody, then the others' content in it
                    if term_body is None:
                        term_body = body
                        body["P"] = term.reference
                        term["K"].append(body.reference)
                    else:
                        for kid in body["K"]:
                            if isinstance(kid, bytes):
                                resolve(self.pdf, kid)["P"] = term_body.reference
                            term_body["K"].append(kid)
                self._count("definition")
                continue
            else:
                term = None
            kept.append(reference)
        dl["K"] = Array(kept)
