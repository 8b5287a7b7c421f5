"""The tagged PDF as a screen reader meets it: the expert review's findings, each rechecked on the
expert-review story (bilingual, a footnote, lists, links, a six-page A6 edition), read back with
pikepdf, poppler and two independent checkers (pdfua, outloud)."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest

pytestmark = pytest.mark.slow  # the story is built with every format, PDFs included


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in tree order."""
    found = []

    def walk(node) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid)
    walk(pdf.Root.StructTreeRoot)
    return found


def kinds(element: pikepdf.Dictionary) -> list[str]:
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    return [str(k.S) for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def pages_of(element: pikepdf.Dictionary, pdf: pikepdf.Pdf) -> set[int]:
    """The pages an element's content is on (its own /Pg, its marked-content references')."""
    numbers = {page.objgen: n for n, page in enumerate(pdf.pages, 1)}
    found = {numbers[element.Pg.objgen]}
    for kid in element.K if isinstance(element.K, pikepdf.Array) else [element.K]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            found.add(numbers[kid.Pg.objgen])
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_footnote_is_a_note_with_its_own_id_not_nonstruct_and_its_call_links_both_ways(expert_review, lang):
    pdf = pikepdf.open(expert_review.path(".pdf", lang))
    (note,) = [e for e in elements(pdf) if e.S == "/Note"]
    assert str(note.ID) == "fn-1"
    names = list(pdf.Root.StructTreeRoot.IDTree.Names)
    assert str(names[0]) == "fn-1" and names[1].objgen == note.objgen  # the /IDTree finds it
    links = {str(a.get("/Dest")): a for page in pdf.pages for a in page.get("/Annots", [])}
    assert "fn-1" in links and "fnref-1" in links  # the call leads to the note, the note's number back
    assert kinds(note)[0] == "/Link"  # the number that leads back comes first in the note


@pytest.mark.parametrize("lang", ["en", "es"])
def test_list_items_are_a_label_and_a_body_not_a_label_and_a_paragraph(expert_review, lang):
    pdf = pikepdf.open(expert_review.path(".pdf", lang))  # kept open while its objects are read
    items = [e for e in elements(pdf) if e.S == "/LI"]
    assert len(items) == 3 and all(kinds(item) == ["/Lbl", "/LBody"] for item in items)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_story_is_one_article_not_one_per_page(expert_review, lang):
    pdf = pikepdf.open(expert_review.path(".pdf", lang))
    (article,) = [e for e in elements(pdf) if e.S == "/Art"]
    spanned = {page for e in elements(pdf) if _inside(e, article) for page in pages_of(e, pdf)}
    # the one article runs from the page after the cover over every page of the story's text
    assert len(spanned) >= 3 and spanned == set(range(2, max(spanned) + 1))


def _inside(element: pikepdf.Dictionary, ancestor: pikepdf.Dictionary) -> bool:
    while "/P" in element and element.P.get("/Type") == "/StructElem":
        if element.P.objgen == ancestor.objgen:
            return True
        element = element.P
    return False


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_word_is_broken_across_lines_in_the_extracted_text(expert_review, lang):
    text = subprocess.run(["pdftotext", str(expert_review.path(".pdf", lang)), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "otorhinolaryngologists" in text or "otorrinolaringólogos" in text  # long words kept whole
    assert not [line for line in text.splitlines() if line.endswith(("\u2010", "\u00ad"))]


def test_the_print_edition_still_hyphenates(expert_review):
    text = subprocess.run(["pdftotext", str(expert_review.path(".print.pdf", "en")), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert [line for line in text.splitlines() if line.endswith("\u2010")]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_links_print_and_say_where_they_lead(expert_review, lang):
    pdf = pikepdf.open(expert_review.path(".pdf", lang))
    links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
    assert len(links) == 4  # the report link, the note's call, the note's way back; the report link twice (2 lines)
    assert all(int(a.F) & 4 for a in links)
    contents = {str(a.Contents) for a in links}
    assert {"Note 1", "Back to the text"} <= contents or {"Nota 1", "Volver al texto"} <= contents
    assert any(c.endswith("(https://example.org/report)") for c in contents)


def test_text_left_in_english_is_marked_english_in_the_spanish_pdf(expert_review):
    pdf = pikepdf.open(expert_review.path(".pdf", "es"))
    english = [e for e in elements(pdf) if str(e.get("/Lang", "")) == "en"]
    assert english  # the rights line the translation does not give
    details = {o["file"]: o for o in expert_review.report["outputs"]}["expert-review.es.pdf"]["details"]
    assert "/Lang en" in details["language_tagging"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_independent_checkers_find_nothing(expert_review, lang):
    pdfua = pytest.importorskip("pdfua")  # 16 machine-checkable PDF/UA-1 rules
    outloud = pytest.importorskip("outloud")  # 91 rules: lists, notes, links, reading order, furniture...
    path = str(expert_review.path(".pdf", lang))
    assert not pdfua.validate(path).findings
    result = outloud.check(path)
    assert result.verdict == "pass" and [(f.rule, f.message) for f in result.findings] == []


def test_the_report_checks_each_of_these(expert_review):
    checks = {(o["file"], c["name"]): c for o in expert_review.report["outputs"] for c in o["checks"]}
    for lang in ("en", "es"):
        name = f"expert-review.{lang}.pdf"
        for check in ("pdf.article", "pdf.notes", "pdf.lists", "pdf.links", "pdf.whole-words", "pdf.languages"):
            assert checks[(name, check)]["status"] == "pass", (name, check, checks[(name, check)]["detail"])
    assert "1 footnote, each a /Note" in checks[("expert-review.en.pdf", "pdf.notes")]["detail"]
    assert "text in en marked /Lang en" in checks[("expert-review.es.pdf", "pdf.languages")]["detail"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_merged_tree_stays_consistent(expert_review, lang):
    """Every element is a kid of its /P, and the ParentTree maps each page's marked content to the
    element that holds it (an MCID of another page than the element's, through an /MCR)."""
    pdf = pikepdf.open(expert_review.path(".pdf", lang))
    for element in elements(pdf):
        parent_kids = element.P.K if isinstance(element.P.K, pikepdf.Array) else [element.P.K]
        assert element.objgen in {k.objgen for k in parent_kids if isinstance(k, pikepdf.Dictionary)}
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    for index, page in enumerate(pdf.pages):
        holders = nums[2 * index + 1]
        for mcid, holder in enumerate(holders):
            if not isinstance(holder, pikepdf.Dictionary):
                continue  # an artifact now (running head, page number)
            kids = holder.K if isinstance(holder.K, pikepdf.Array) else [holder.K]
            owned = {k for k in kids if isinstance(k, int)} if holder.Pg.objgen == page.objgen else set()
            owned |= {int(k.MCID) for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"
                      and k.Pg.objgen == page.objgen}
            assert mcid in owned, (index + 1, mcid, str(holder.S))
