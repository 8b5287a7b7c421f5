"""What a screen-reader user meets in the tagged PDF, read back with pikepdf and pdfium: the story as
one article, notes that are notes, lists with bodies, links that say where they go, whole words,
and every language marked."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .checks import Check, failed, passed
from .pdf_checks import structure_elements

REPORT_A_BUG = "this is a bug in storyexport (or a WeasyPrint it was not written for): report it with the story"
# a word split at a line end by the hyphen the layout adds (U+2010) or a soft hyphen; a hard hyphen
# ("sought-" / "after") is the writer's own and reads the same either way
BROKEN_WORD = re.compile("\\w[\u2010\u00ad]\r?\n\\w")


def check_reading_structure(path: Path, notes: int, languages: tuple[str, ...]) -> list[Check]:
    """`notes`: the footnotes the edition has; `languages`: those its text marks besides its own."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        elements = structure_elements(pdf.Root)
        kinds = Counter(str(e.get("/S")) for e in elements)
        checks = [_one_article(kinds), _notes(pdf, elements, notes), _list_items(elements), _links(pdf),
                  _languages(elements, languages)]
    checks.append(_whole_words(path))
    return checks


def _one_article(kinds: Counter) -> Check:
    if kinds["/Art"] == 1:
        return passed("pdf.article", "the story is one article (/Art) from its first page to its last")
    return failed("pdf.article", f"the story is {kinds['/Art']} articles (/Art) instead of one: screen readers "
                  f"announce a new article at each page; {REPORT_A_BUG}")


def _notes(pdf, elements: list, expected: int) -> Check:
    notes = [e for e in elements if e.get("/S") == "/Note"]
    ids = [str(e.get("/ID", "")) for e in notes]
    id_tree = pdf.Root.StructTreeRoot.get("/IDTree")
    listed = {str(name) for name in (id_tree.get("/Names", []) if id_tree is not None else [])[::2]}
    calls = {str(a.get("/Dest")) for page in pdf.pages for a in page.get("/Annots", []) if "/Dest" in a}
    problems = []
    if len(notes) != expected:
        problems.append(f"{len(notes)} notes (/Note) for {expected} footnotes")
    if len(set(ids)) != len(ids) or not all(ids):
        problems.append("notes without a unique /ID")
    if not set(ids) <= listed:
        problems.append("note IDs missing from the structure tree's /IDTree")
    if not set(ids) <= calls:
        problems.append("notes that no link leads to from their call")
    if problems:
        return failed("pdf.notes", "; ".join(problems) + f"; {REPORT_A_BUG}")
    if not expected:
        return passed("pdf.notes", "no footnotes")
    return passed("pdf.notes", f"{expected} footnote{'s' * (expected != 1)}, each a /Note with its own /ID, "
                  "linked from its call and back")


def _list_items(elements: list) -> Check:
    items = [e for e in elements if e.get("/S") == "/LI"]
    without = [e for e in items if not any(_kind(k) == "/LBody" for k in _kids(e))]
    if without:
        return failed("pdf.lists", f"{len(without)} of {len(items)} list items have no /LBody (their text is "
                      f"not announced as the item's); {REPORT_A_BUG}")
    return passed("pdf.lists", f"{len(items)} list items, each a label and a body (/Lbl, /LBody)" if items
                  else "no lists")


def _kind(item) -> str:
    import pikepdf

    return str(item.get("/S")) if isinstance(item, pikepdf.Dictionary) else ""


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []


def _links(pdf) -> Check:
    links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
    unprinted = [a for a in links if not int(a.get("/F", 0)) & 4]
    unnamed = [a for a in links if not str(a.get("/Contents", "")).strip()]
    if unprinted or unnamed:
        return failed("pdf.links", f"of {len(links)} links, {len(unprinted)} lack the print flag and {len(unnamed)} "
                      f"a description (/Contents) (PDF/UA-1 7.18); {REPORT_A_BUG}")
    return passed("pdf.links", f"{len(links)} links, each printable and described (/F 4, /Contents)" if links
                  else "no links")


def _languages(elements: list, expected: tuple[str, ...]) -> Check:
    tagged = Counter(str(e.get("/Lang")) for e in elements if "/Lang" in e)
    missing = [lang for lang in expected if not tagged[lang]]
    if missing:
        return failed("pdf.languages", f"text in {', '.join(missing)} is not marked (/Lang): screen readers read "
                      f"it with the document's language rules; {REPORT_A_BUG}")
    if not expected:
        return passed("pdf.languages", "no text in another language than the document's")
    return passed("pdf.languages", "; ".join(f"text in {lang} marked /Lang {lang} ({tagged[lang]} elements)"
                                             for lang in expected))


def _whole_words(path: Path) -> Check:
    """Words the layout hyphenated at a line end reach text extraction and screen readers in two pieces."""
    from .pdfium import pdfium_document

    with pdfium_document(path) as document:
        broken = sum(len(BROKEN_WORD.findall(page.get_textpage().get_text_range())) for page in document)
    if broken:
        return failed("pdf.whole-words", f"{broken} words are split by a hyphen at a line end in the text a "
                      f"screen reader gets; {REPORT_A_BUG}")
    return passed("pdf.whole-words", "no word is broken across lines in the extracted text")
