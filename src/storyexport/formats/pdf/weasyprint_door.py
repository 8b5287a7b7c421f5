"""The one door to WeasyPrint: its public API, and every use of its private code, checked at import.

storyexport reaches into WeasyPrint 70 in four places, all here: the structure-tree builder
`weasyprint.pdf.tags._build_box_tree` (wrapped while a PDF is written, see tagging.py), the
laid-out page boxes `Page._page_box` (read by the preflight and the page map), the box
classes, and the per-page steps `layout.page.make_page`, `layout.make_margin_boxes` and
`Page.paint` (wrapped so that an interrupted run stops a long PDF between two pages, see
`interruptible`). A WeasyPrint with another major version may have changed any of them, so this
module refuses to load with one, saying which version it was written for.

Importing WeasyPrint also sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True`,
which would let a truncated photo pass storyexport's image check (source/photos.py) in the same
process. WeasyPrint only ever gets complete renditions from us, so Pillow's default is restored.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import weasyprint
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint import layout
from weasyprint.layout import page as page_layout
from weasyprint.pdf import tags
from weasyprint.urls import URLFetcher, URLFetcherResponse

ImageFile.LOAD_TRUNCATED_IMAGES = False

WRITTEN_FOR = "70"  # the WeasyPrint major version whose private code this module uses
if weasyprint.__version__.split(".")[0] != WRITTEN_FOR:
    raise ImportError(f"storyexport's PDFs were written for WeasyPrint {WRITTEN_FOR}.x (they use its private "
                      f"structure-tree and layout code), but WeasyPrint {weasyprint.__version__} is installed: "
                      f"pip install 'weasyprint>={WRITTEN_FOR},<{int(WRITTEN_FOR) + 1}'")

BOX_TREE_PARAMETERS = ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags")
_box_tree_lock = threading.Lock()

__all__ = ["HTML", "URLFetcher", "URLFetcherResponse", "wrapped_box_tree", "page_boxes", "descendants",
           "is_margin_box", "own_element_language", "drawn_images", "box_element", "box_tag", "is_inline",
           "link_annotation", "drop_links", "flow_text_boxes", "layout_hyphen", "root_element", "missing_glyphs",
           "interruptible"]
NOTDEF_MESSAGE = ".notdef glyph rendered for Unicode string unsupported by fonts"  # WeasyPrint 70's draw/text.py


_this_thread = threading.local()  # .check: what interruptible() asked this thread's pages to call


@contextmanager
def interruptible(check: Callable[[], None]) -> Iterator[None]:
    """While active, this thread's WeasyPrint calls `check` before it lays out or draws each page;
    `check` raises to stop. One call to render() or write_pdf() can take minutes for a long story,
    and an interrupt (Ctrl-C, SIGTERM) reaches only the main thread: without this, a PDF being
    made in a worker would hold the run until it was done."""
    previous = getattr(_this_thread, "check", None)
    _this_thread.check = check
    try:
        yield
    finally:
        _this_thread.check = previous


def _checked_per_page(step: Callable) -> Callable:
    @functools.wraps(step)
    def step_after_check(*args, **kwargs):
        if (check := getattr(_this_thread, "check", None)) is not None:
            check()
        return step(*args, **kwargs)
    return step_after_check


page_layout.make_page = _checked_per_page(page_layout.make_page)  # remake_page() looks it up in its module
layout.make_margin_boxes = _checked_per_page(layout.make_margin_boxes)  # layout_document() in its own
Page.paint = _checked_per_page(Page.paint)  # generate_pdf() paints page by page


@contextmanager
def missing_glyphs() -> Iterator[list[str]]:
    """Collects the characters this thread's PDF writing draws as .notdef (no font has them): WeasyPrint
    logs each one (args: the character, its code point) while writing, not while laying out. Those
    records are taken here, not shown: the pdf builder says it once, with the fix."""
    found: list[str] = []
    thread = threading.get_ident()

    def collect(record: logging.LogRecord) -> bool:
        if record.thread == thread and str(record.msg).startswith(NOTDEF_MESSAGE) and record.args:
            found.append(str(record.args[0]))
            return False
        return True

    logger = logging.getLogger("weasyprint")
    logger.addFilter(collect)
    try:
        yield found
    finally:
        logger.removeFilter(collect)


@contextmanager
def wrapped_box_tree(wrap: Callable[[Callable], Callable]) -> Iterator[bool]:
    """While active, WeasyPrint builds its structure tree through `wrap(original)`; yields False
    (and wraps nothing) when `_build_box_tree` is not what this module was written for."""
    original = getattr(tags, "_build_box_tree", None)
    if original is None or tuple(inspect.signature(original).parameters) != BOX_TREE_PARAMETERS:
        yield False
        return
    with _box_tree_lock:
        tags._build_box_tree = wrap(original)
        try:
            yield True
        finally:
            tags._build_box_tree = original


def page_boxes(document) -> Iterator[tuple[int, object]]:
    """(page number from 1, laid-out page box) of a rendered document."""
    for number, page in enumerate(document.pages, 1):
        yield number, page._page_box


def descendants(box) -> Iterator:
    return box.descendants(placeholders=True)


def is_margin_box(box) -> bool:
    return isinstance(box, boxes.MarginBox)


def own_element_language(box) -> str | None:
    """The `lang` a box's element declares itself (not html/body: the catalog /Lang has those)."""
    element = getattr(box, "element", None)
    if element is None or isinstance(box, (boxes.PageBox, boxes.MarginBox)) or box.element_tag in ("html", "body"):
        return None
    return element.get("lang") or None


def drawn_images(page_box) -> Iterator[tuple[str, tuple[int, int], float, float]]:
    """(URL, its pixels, drawn width and height in CSS px) of every image on a page: an <img> box,
    or the background of an element carrying `data-image`."""
    for box in descendants(page_box):
        element = getattr(box, "element", None)
        if element is None:
            continue
        image = getattr(box, "replacement", None)
        if image is not None and element.tag == "img" and box.width and box.height:
            yield element.get("src", ""), (image.width, image.height), box.width, box.height
        background = getattr(box, "background", None)
        if background is not None and element.get("data-image"):
            for layer in background.layers:
                if layer.image is not None and hasattr(layer.image, "width"):
                    yield element.get("data-image"), (layer.image.width, layer.image.height), *layer.size


def box_element(box):
    """The HTML element a box was made for (an xml.etree element), or None for anonymous boxes."""
    return getattr(box, "element", None)


def box_tag(box) -> str | None:
    """The element's tag as WeasyPrint names it ("p", "li::marker"), or None for anonymous boxes."""
    return box.element_tag if box_element(box) is not None else None


def is_inline(box) -> bool:
    return isinstance(box, boxes.InlineBox)


def link_annotation(box):
    """The /Link annotation WeasyPrint made for a link box (tagged PDFs only), or None."""
    return getattr(box, "link_annotation", None)


def drop_links(document) -> None:
    """No link annotations on a rendered document's pages (its named destinations stay)."""
    for page in document.pages:
        page.links[:] = []


def flow_text_boxes(page_box) -> Iterator[tuple[object, str]]:
    """(box, text) of every text and replaced box of a page's body flow, in order: margin boxes
    (running heads, page numbers) and the footnote area left out. A replaced box (an image) gives ""."""
    for top in page_box.children:
        if isinstance(top, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        for box in top.descendants(placeholders=True):
            if isinstance(box, boxes.TextBox) and box.text.strip():
                yield box, box.text
            elif isinstance(box, boxes.ReplacedBox):
                yield box, ""


def layout_hyphen(box) -> str:
    """The hyphen the layout added at the end of a text box's line, or "" (none, or a real one)."""
    style = box.style
    hyphen = style["hyphenate_character"]
    return hyphen if style["hyphens"] == "auto" and hyphen and box.text.endswith(hyphen) else ""


def root_element(document):
    """The <html> element a rendered document was laid out from (its first page's root box's)."""
    page_box = document.pages[0]._page_box
    return next(child.element for child in page_box.children
                if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)) and child.element is not None)
