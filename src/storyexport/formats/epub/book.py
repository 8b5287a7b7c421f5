"""One language's EPUB assembled with ebooklib from our documents, images, overlays and metadata."""

from __future__ import annotations

import io
from importlib import resources
from typing import BinaryIO

from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from ...errors import BuildError
from ...model import Article, Story
from ...store.cache import Cache
from ...store.clock import build_time, zip_time
from ...store.layout import EPUB, MP3
from ...text.accessibility import BOOK, Accessibility, NarrationFacts, accessibility, tagged_languages
from ...text.labels import label
from ...text.narration_plan import NarrationPlan
from ...text.pagination import PageStart, PrintPages
from ...text.render import RenderTarget, render_article, render_stylesheet
from .documents import STYLESHEET, cover_document, story_document
from .ebooklib_door import FileItem, add_file, write_epub
from .images import BookImage, book_images, image_markup, inline_image_markup
from .lexicons import MEDIA_TYPE, book_lexicons, pronunciation_links
from .metadata import access_modes, conformance, dublin_core, identifiers, media_properties, titles
from .narration import RecordedNarration
from .nav import COVER, NAV, STORY, TocEntry, nav_document, toc_entries
from .. import SENTENCE, WORD
from .overlays import Overlay, WordClips, clip_boundaries, media_overlay
from .pagebreaks import add_page_breaks
from .xml import XML_LANG

OVERLAY_ID, OVERLAY_FILE = "overlay-story", "overlays/story.smil"


class _Document(epub.EpubHtml):
    """A content document written exactly as we made it (ebooklib would re-parse it as HTML)."""

    def get_content(self, default=None) -> bytes:
        return self.content


def make_epub(story: Story, plan: NarrationPlan, recorded: RecordedNarration | None, cache: Cache,
              print_pages: PrintPages | None = None, overlay_level: str = SENTENCE) -> bytes:
    """The EPUB of one language, narrated when `recorded` is given (its read-aloud following
    sentences or, with overlay_level WORD, words), with the print edition's page numbers when
    `print_pages` is; a narrated book still lacks its MP3, which `add_narration_audio` appends."""
    article = story.article(plan.lang)
    images = book_images([*([story.cover] if story.cover else []), *article.photos()], cache)
    by_word = recorded is not None and overlay_level == WORD
    target = RenderTarget(name="epub", notes="epub", xml_lang=True, image=image_markup(images),
                          inline_image=inline_image_markup(images), words=by_word)
    lexicons = book_lexicons(story, plan, (article.lang, *tagged_languages(article)))
    head = pronunciation_links(lexicons)
    story_xhtml = story_document(story, render_article(story, article, plan, target), article.title, head)
    story_xhtml, pages = add_page_breaks(story_xhtml, print_pages.pages) if print_pages else (story_xhtml, ())
    audio_href = _audio_href(story, plan)
    overlay = _overlay(article, plan, recorded, story_xhtml, audio_href, by_word) if recorded else None
    narration = (NarrationFacts(recorded.narrator, overlay.duration_ms, by_word=by_word)
                 if recorded and overlay else None)
    book = epub.EpubBook()
    _describe(book, story, article, accessibility(story, article, BOOK, narration, print_pages=bool(pages)))
    if pages and print_pages:
        book.add_metadata(None, "meta", print_pages.source, {"property": "pageBreakSource"})
    _add_documents(book, story, article, images, story_xhtml, pages, head)
    _add_images(book, story, images)
    for number, lexicon in enumerate(lexicons, start=1):
        book.add_item(epub.EpubItem(uid=f"lexicon-{number}", file_name=lexicon.href, media_type=MEDIA_TYPE,
                                    content=lexicon.content))
    if recorded and overlay:
        _add_narration(book, recorded, overlay, audio_href)
    out = io.BytesIO()
    write_epub(book, out, build_time(story), zip_time(story), EPUB.name(story.slug, article.lang))
    return out.getvalue()


def add_narration_audio(out: BinaryIO, story: Story, plan: NarrationPlan, recorded: RecordedNarration) -> None:
    """Append the narration's MP3 to the book make_epub wrote into `out`, from its file."""
    add_file(out, _audio_href(story, plan), recorded.audio, zip_time(story), EPUB.name(story.slug, plan.lang))


def _audio_href(story: Story, plan: NarrationPlan) -> str:
    return f"audio/{MP3.name(story.slug, plan.lang)}"


def _overlay(article: Article, plan: NarrationPlan, recorded: RecordedNarration, story_xhtml: bytes,
             audio_href: str, by_word: bool) -> Overlay:
    ids = set(etree.fromstring(story_xhtml).xpath("//@id"))
    if missing := [s.id for s in plan.sentences if s.id not in ids]:
        raise BuildError(f"narrated sentences {', '.join(missing[:5])} are not in the {article.lang} text; "
                         "this is a bug in storyexport, re-run with --traceback and report it")
    boundaries = clip_boundaries(plan, recorded.timings)
    words = WordClips(recorded.timings, frozenset(ids)) if by_word else None
    return media_overlay(article, plan, boundaries, f"../{STORY}", f"../{audio_href}", words)


def _describe(book: epub.EpubBook, story: Story, article: Article, facts: Accessibility) -> None:
    for element_id, value, onix_type in identifiers(story, article.lang):
        if element_id == "id":
            book.set_identifier(value)
        else:
            book.add_metadata("DC", "identifier", value, {"id": element_id})
        if onix_type:
            book.add_metadata(None, "meta", onix_type, {"refines": f"#{element_id}", "property": "identifier-type",
                                                        "scheme": "onix:codelist5"})
    book.title = article.title  # ebooklib's name for the book in its nav and NCX
    for element_id, value, title_type, lang in titles(story, article.lang):
        book.add_metadata("DC", "title", value, {"id": element_id, **({XML_LANG: lang} if lang else {})})
        if title_type:
            book.add_metadata(None, "meta", title_type, {"refines": f"#{element_id}", "property": "title-type"})
    book.set_language(article.lang)
    creators = 0
    for name, value, lang in dublin_core(story, article.lang):
        if name == "creator":
            creators += 1
            book.add_author(value, uid=f"creator-{creators}")
        else:
            book.add_metadata("DC", name, value, {XML_LANG: lang} if lang else {})
    for prop, value in access_modes(facts):
        book.add_metadata(None, "meta", value, {"property": prop})
    for element, value, attributes in conformance(facts):
        book.add_metadata(None, element, value, attributes)


def _add_documents(book: epub.EpubBook, story: Story, article: Article, images: dict[str, BookImage],
                   story_xhtml: bytes, pages: tuple[PageStart, ...], head: Markup) -> None:
    css = resources.files("storyexport").joinpath("templates/epub/book.css").read_bytes() + b"\n" + \
        render_stylesheet().encode("utf-8")
    book.add_item(epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css", content=css))
    nav = book.add_item(epub.EpubNav(uid="nav", file_name=NAV, title=label(article.lang, "contents")))
    nav.content = nav_document(article, story.cover is not None, pages, head)
    book.add_item(epub.EpubNcx())
    spine: list = [nav]
    if story.cover:
        cover_image = images[story.cover.src]
        cover = book.add_item(_Document(uid="cover", file_name=COVER, title=label(article.lang, "cover")))
        cover.content = cover_document(article.lang, article.title, cover_image, _cover_alt(story, article), head)
        spine.insert(0, cover)
    text = book.add_item(_Document(uid="story", file_name=STORY, title=article.title))
    text.content = story_xhtml
    spine.append(text)
    book.spine = spine
    book.toc = [_ncx_link(entry, f"toc-{n}") for n, entry in enumerate(toc_entries(article), start=1)]


def _add_images(book: epub.EpubBook, story: Story, images: dict[str, BookImage]) -> None:
    """Every image once; the cover's (which a figure may share) marked as the cover image."""
    for number, image in enumerate(images.values(), start=1):
        is_cover = story.cover is not None and image is images[story.cover.src]
        kind = epub.EpubCover if is_cover else epub.EpubImage
        item = kind(uid="cover-image" if is_cover else f"image-{number}", file_name=image.href)
        item.media_type, item.content = image.media_type, image.data
        book.add_item(item)
    if story.cover:
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # for EPUB 2 readers


def _ncx_link(entry: TocEntry, uid: str) -> epub.Link | tuple[epub.Link, list]:
    """The EPUB 2 table of contents (toc.ncx) entry for one navigation entry and its children."""
    link = epub.Link(entry.href, entry.title, uid)
    if not entry.children:
        return link
    return (link, [_ncx_link(child, f"{uid}-{n}") for n, child in enumerate(entry.children, start=1)])


def _cover_alt(story: Story, article: Article) -> str:
    """The cover photo's alt text when the story shows it as a figure, else what the cover is."""
    shown = [f for f in article.figures() if story.cover and f.photo.src == story.cover.src and not f.decorative]
    return shown[0].alt if shown else f"{label(article.lang, 'cover')}: {article.title}"


def _add_narration(book: epub.EpubBook, recorded: RecordedNarration, overlay: Overlay, audio_href: str) -> None:
    book.get_item_with_id("story").media_overlay = OVERLAY_ID
    book.add_item(epub.EpubSMIL(uid=OVERLAY_ID, file_name=OVERLAY_FILE, content=overlay.smil))
    book.add_item(FileItem(uid="narration", file_name=audio_href, media_type="audio/mpeg"))  # add_narration_audio
    for prop, value, refines in media_properties(recorded.narrator, {OVERLAY_ID: overlay.duration_ms}):
        book.add_metadata(None, "meta", value, {"property": prop, **({"refines": refines} if refines else {})})
