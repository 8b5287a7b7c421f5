"""The navigation document: table of contents, list of illustrations, print page list and landmarks."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from ...model import Article, Heading, plain_text, walk_blocks
from ...text.labels import label
from ...text.pagination import PageStart
from .documents import xhtml_document
from .pagebreaks import page_id

NAV, COVER, STORY = "nav.xhtml", "cover.xhtml", "story.xhtml"


@dataclass
class TocEntry:
    title: str
    href: str
    level: int = 1
    children: list[TocEntry] = field(default_factory=list)


def toc_entries(article: Article) -> list[TocEntry]:
    """The story's title, its headings nested by level, then the notes."""
    top = [TocEntry(article.title, STORY)]
    stack = list(top)
    for block in walk_blocks(article.blocks):
        if isinstance(block, Heading):
            entry = TocEntry(plain_text(block.content), f"{STORY}#{block.id}", block.level)
            while len(stack) > 1 and stack[-1].level >= block.level:
                stack.pop()
            stack[-1].children.append(entry)
            stack.append(entry)
    if article.footnotes:
        top.append(TocEntry(label(article.lang, "notes"), f"{STORY}#notes-title"))
    return top


def _list(entries: list[TocEntry]) -> Markup:
    items = Markup("\n").join(
        Markup('<li><a href="{}">{}</a>{}</li>').format(e.href, e.title, _list(e.children) if e.children else "")
        for e in entries)
    return Markup("\n<ol>\n{}\n</ol>").format(items)


ROLES = {"toc": "doc-toc", "page-list": "doc-pagelist"}  # DPUB-ARIA roles of the navs that have one


def _nav(kind: str, title: str, items: Markup, extra: str = "") -> Markup:
    heading = "h1" if kind == "toc" else "h2"
    role = Markup(' role="{}"').format(ROLES[kind]) if kind in ROLES else ""
    return Markup('<nav epub:type="{0}" id="{0}"{1} aria-labelledby="{0}-title"{2}>\n'
                  '<{3} id="{0}-title">{4}</{3}>{5}\n</nav>').format(
        kind, role, Markup(extra), Markup(heading), title, items)


def nav_document(article: Article, has_cover: bool, pages: tuple[PageStart, ...] = (),
                 head: Markup = Markup("")) -> bytes:
    lang = article.lang
    parts = [_nav("toc", label(lang, "contents"), _list(toc_entries(article)))]
    figures = [f for f in article.figures() if not f.decorative]
    if figures:
        loi = [TocEntry(f.caption or f.alt, f"{STORY}#{f.id}") for f in figures]
        parts.append(_nav("loi", label(lang, "figures"), _list(loi)))
    if pages:  # the print edition's pages, in the text (formats/epub/pagebreaks.py)
        page_list = [TocEntry(str(page.number), f"{STORY}#{page_id(page.number)}") for page in pages]
        parts.append(_nav("page-list", label(lang, "pages"), _list(page_list), ' hidden="hidden"'))
    landmarks = ([("cover", label(lang, "cover"), COVER)] * has_cover
                 + [("toc", label(lang, "contents"), f"{NAV}#toc")]
                 + [("loi", label(lang, "figures"), f"{NAV}#loi")] * bool(figures)
                 + [("bodymatter", article.title, STORY)])
    items = Markup("\n").join(Markup('<li><a epub:type="{}" href="{}">{}</a></li>').format(kind, href, title)
                              for kind, title, href in landmarks)
    parts.append(_nav("landmarks", label(lang, "landmarks"), Markup("\n<ol>\n{}\n</ol>").format(items),
                      ' hidden="hidden"'))
    return xhtml_document(NAV, lang, label(lang, "contents"), Markup("\n").join(parts), head=head)
