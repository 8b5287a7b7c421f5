"""Article to semantic HTML, once for every format; each format passes a RenderTarget for its differences.

The markup is also well-formed XHTML (void elements self-closed, `xml:lang` beside `lang` when
asked), so the EPUB can use it as is. Every sentence of the narration plan becomes a
`<span id="sN" class="sentence">` (a figure's alt text puts its id on the `<img>`); a target
that follows the narration word by word also wraps each shown word of a sentence in
`<span id="sNwK" class="word">` (text.words says what a word is and how it is numbered).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from itertools import groupby

from markupsafe import Markup, escape

from ..model import STYLES, Article, Block, CodeBlock, DefinitionList, Division, Figure, Footnote, Heading, Inline
from ..model import ItemList, LineBlock, Localized, Paragraph, Photo, Quote, Span, Story, Table, ThematicBreak
from ..model import plain_text
from .editions import subtitle_language
from .labels import byline, credit_line, label
from .narration_plan import NarrationPlan, Sentence
from .render_blocks import BlockMarkup
from .words import shown_words, word_id

STYLE_TAGS = {"del": "del", "q": "q", "mark": "mark", "small": "small", "kbd": "kbd", "sub": "sub", "sup": "sup",
              "smallcaps": 'span class="smallcaps"'}


def foreign_text(value: Localized, document_lang: str, xml_lang: bool = False) -> Markup:
    """Front-matter text as a document shows it: wrapped in a <span lang> (and xml:lang for XHTML)
    when it is in another language than the document's (a translation that did not give its own)."""
    if not value.lang or value.lang == document_lang:
        return escape(value.text)
    attributes = (Markup(' lang="{0}" xml:lang="{0}"') if xml_lang else Markup(' lang="{0}"')).format(value.lang)
    return Markup("<span{}>{}</span>").format(attributes, value.text)


def plain_img(figure: Figure, img_id: str | None, target: "RenderTarget") -> Markup:
    """An <img> pointing at the photo's source path (formats that copy images override this)."""
    return Markup('<img src="{}" alt="{}" width="{}" height="{}"{} />').format(
        figure.photo.src, figure.alt, figure.photo.width, figure.photo.height,
        Markup(' id="{}"').format(img_id) if img_id else "")


def figure_element_ids(figure_id: str) -> tuple[str, str, str]:
    """Every element id a figure's render may use: the figure's own, its long description's and
    that description's text alone (the parser keeps them unique across headings and figures)."""
    return figure_id, f"{figure_id}-description", f"{figure_id}-description-text"


def plain_inline_img(photo: Photo, alt: str, target: "RenderTarget") -> Markup:
    """An image inside a sentence, at the source path (formats that copy images override this)."""
    return Markup('<img class="inline-image" src="{}" alt="{}" width="{}" height="{}" />').format(
        photo.src, alt, photo.width, photo.height)


def render_stylesheet() -> str:
    """The CSS every format adds to its own for the markup written here (tables, definition
    lists, line blocks, list markers, task marks, inline images, small caps)."""
    return resources.files("storyexport").joinpath("assets", "css", "render.css").read_text("utf-8")


def long_description_id(figure: Figure) -> str:
    """The id of a figure's long description, for links and aria-details pointing at it."""
    return figure_element_ids(figure.id)[1]


def long_description_text_id(figure: Figure) -> str:
    """The id of the long description's text alone (without its summary): a link target for it.
    (A photo names its long description once, by aria-details; see formats/html/pictures.py.)"""
    return figure_element_ids(figure.id)[2]


@dataclass(frozen=True)
class RenderTarget:
    """What differs between the formats that share the render."""

    name: str
    notes: str = "endnotes"  # "endnotes" (web), "epub" (aside epub:type=footnote), "inline" (PDF float)
    xml_lang: bool = False  # also write xml:lang (XHTML for EPUB)
    words: bool = False  # wrap each word of each sentence in its <span id> (word-by-word read-along)
    break_long_words: bool = False  # offer a line break every few characters of very long words (see breakable)
    image: Callable[[Figure, str | None, "RenderTarget"], Markup] = plain_img
    inline_image: Callable[[Photo, str, "RenderTarget"], Markup] = plain_inline_img


@dataclass(frozen=True)
class RenderedArticle:
    lang: str
    title: Markup  # the inside of the <h1>
    subtitle: Markup  # the inside of <p class="subtitle">; may be empty
    byline: Markup  # "By IOM", sentence-wrapped; may be empty
    abstract: Markup  # <section class="abstract">; may be empty
    body: Markup
    notes: Markup  # the notes section (empty for inline notes or when there are none)


def render_article(story: Story, article: Article, plan: NarrationPlan | None,
                   target: RenderTarget) -> RenderedArticle:
    renderer = _Renderer(article, plan, target)
    title = renderer.sentences((Span(article.title),), "title", ())
    subtitle_lang = subtitle_language(story, article)  # a translation may show the original's
    subtitle = renderer.sentences((Span(article.subtitle, lang=subtitle_lang if subtitle_lang != article.lang
                                        else None),), "subtitle", ()) if article.subtitle else Markup("")
    by = byline(article.authors, article.lang)
    return RenderedArticle(article.lang, title, subtitle,
                           renderer.sentences((Span(by),), "byline", ()) if by else Markup(""),
                           renderer.abstract(), renderer.blocks(article.blocks, ()), renderer.notes_section())


class _Renderer:
    def __init__(self, article: Article, plan: NarrationPlan | None, target: RenderTarget):
        self.article, self.plan, self.target = article, plan, target
        self.notes = {note.label: note for note in article.footnotes}
        self.calls: dict[int, int] = {}  # footnote number -> calls rendered so far
        self.markup = BlockMarkup(self)

    def abstract(self) -> Markup:
        if not self.article.abstract:
            return Markup("")
        return Markup('<section class="abstract" role="doc-abstract" aria-labelledby="abstract-title">\n'
                      '<p class="abstract-title" id="abstract-title">{}</p>\n{}\n</section>').format(
            label(self.article.lang, "abstract"), self.blocks(self.article.abstract, (), "abstract"))

    # -- blocks ---------------------------------------------------------------------------------

    def blocks(self, blocks: tuple[Block, ...], prefix: tuple[int, ...], part: str = "block") -> Markup:
        return Markup("\n").join(self.block(b, (*prefix, i), part) for i, b in enumerate(blocks))

    def block(self, block: Block, path: tuple[int, ...], part: str) -> Markup:
        if isinstance(block, Paragraph):
            return Markup("<p>{}</p>").format(self.sentences(block.content, part, path))
        if isinstance(block, Heading):
            return Markup('<h{0} id="{1}">{2}</h{0}>').format(block.level, block.id,
                                                              self.sentences(block.content, part, path))
        if isinstance(block, Figure):
            return self.figure(block, path)
        if isinstance(block, ItemList):
            return self.item_list(block, path, part)
        if isinstance(block, Quote):
            return Markup("<blockquote>\n{}\n</blockquote>").format(self.blocks(block.blocks, path, part))
        if isinstance(block, Division):
            classes = Markup(' class="{}"').format(" ".join(block.classes)) if block.classes else ""
            return Markup("<div{}{}>\n{}\n</div>").format(classes, self.lang_attrs(block.lang),
                                                          self.blocks(block.blocks, path, part))
        if isinstance(block, CodeBlock):
            text = self.sentences((Span(block.text, code=False),), part, path)
            return Markup("<pre><code>{}</code></pre>").format(text)
        if isinstance(block, ThematicBreak):
            return Markup("<hr />")
        if isinstance(block, Table):
            return self.markup.table(block, path, part)
        if isinstance(block, DefinitionList):
            return self.markup.definition_list(block, path, part)
        if isinstance(block, LineBlock):
            return Markup('<p class="line-block">{}</p>').format(self.sentences(block.content, part, path))
        raise TypeError(f"cannot render {type(block).__name__}")

    def item_list(self, block: ItemList, path: tuple[int, ...], part: str) -> Markup:
        return self.markup.item_list(block, path, part)

    def figure(self, figure: Figure, path: tuple[int, ...]) -> Markup:
        alt_sentence = self._sentences("alt", path)
        img = self.target.image(figure, alt_sentence[0].id if alt_sentence else None, self.target)
        caption = Markup("")
        if figure.caption:
            caption = Markup('<span class="caption">{}</span>').format(
                self.sentences((Span(figure.caption),), "caption", path))
        credit = Markup("")
        if figure.credit:
            credit = Markup('<span class="credit">{}</span>').format(
                self.sentences((Span(credit_line(figure.credit, self.article.lang)),), "credit", path))
        figcaption = (Markup("\n<figcaption>{}{}{}</figcaption>").format(caption, " " if caption and credit else "", credit)
                      if caption or credit else Markup(""))
        details = Markup("")
        if figure.long_description:
            details = Markup('\n<details class="long-description" id="{0}">'
                             '<summary>{1}</summary>\n<div class="long-description-text" id="{2}">\n{3}\n'
                             "</div>\n</details>").format(
                long_description_id(figure), label(self.article.lang, "long_description"),
                long_description_text_id(figure), self.blocks(figure.long_description, (*path, 0), "description"))
        classes = ""
        if figure.decorative:  # a decorative image alone is not a figure to assistive technology
            classes = ' class="decorative"' if figcaption else ' class="decorative" role="none"'
        return Markup('<figure id="{}"{}>\n{}{}{}\n</figure>').format(
            figure.id, Markup(classes), img, details, figcaption)

    # -- notes ----------------------------------------------------------------------------------

    def note_call(self, label_text: str) -> Markup:
        note = self.notes.get(label_text)
        if note is None:
            return Markup("")
        n = note.number
        name = f"{label(self.article.lang, 'note')} {n}"
        ref_id = self.note_ref_id(n)
        if self.target.notes == "inline":  # the text floats from its first call; every call links to it
            call = Markup('<a class="noteref" id="{1}" href="#fn-{0}" aria-label="{2}">{0}</a>').format(n, ref_id, name)
            if ref_id != f"fnref-{n}":
                return call
            back = Markup('<a class="footnote-back" href="#{0}" aria-label="{1}">{2}.</a> ').format(
                ref_id, label(self.article.lang, "back_to_text"), n)
            return call + Markup('<span class="footnote" id="fn-{}">{}{}</span>').format(n, back, self.note_inline(note))
        if self.target.notes == "epub":
            return Markup('<a class="noteref" id="{1}" href="#fn-{0}" epub:type="noteref" '
                          'role="doc-noteref">{0}</a>').format(n, ref_id)
        return Markup('<sup><a class="noteref" id="{2}" href="#fn-{0}" role="doc-noteref" '
                      'aria-label="{1}">{0}</a></sup>').format(n, name, ref_id)

    def note_ref_id(self, number: int) -> str:
        """fnref-N for a note's first call (its back link's target), fnref-N-2, -3... for later ones."""
        self.calls[number] = self.calls.get(number, 0) + 1
        return f"fnref-{number}" if self.calls[number] == 1 else f"fnref-{number}-{self.calls[number]}"

    def note_inline(self, note: Footnote) -> Markup:
        """A footnote's paragraphs as inline markup (a PDF footnote floats from the call)."""
        return Markup("<br />").join(self.sentences(block.content, "note", (note.number, i))
                                     for i, block in enumerate(note.blocks) if isinstance(block, Paragraph))

    def notes_section(self) -> Markup:
        if not self.article.footnotes or self.target.notes == "inline":
            return Markup("")
        lang = self.article.lang
        back = label(lang, "back_to_text")
        if self.target.notes == "epub":
            asides = Markup("\n").join(
                Markup('<aside id="fn-{0}" epub:type="footnote" role="doc-footnote">\n{1}\n'
                       '<p><a href="#fnref-{0}" role="doc-backlink">{2}</a></p>\n</aside>').format(
                    note.number, self.blocks(note.blocks, (note.number,), "note"), back)
                for note in self.article.footnotes)
            return Markup('<section class="footnotes" aria-labelledby="notes-title">\n'
                          '<h2 id="notes-title">{}</h2>\n{}\n</section>').format(label(lang, "notes"), asides)
        items = Markup("\n").join(
            Markup('<li id="fn-{0}">\n{1}\n<p><a href="#fnref-{0}" role="doc-backlink" aria-label="{2} ({3} {0})">'
                   "↩ {2}</a></p>\n</li>").format(note.number, self.blocks(note.blocks, (note.number,), "note"),
                                                  back, label(lang, "note"))
            for note in self.article.footnotes)
        return Markup('<section class="footnotes" role="doc-endnotes" aria-labelledby="notes-title">\n'
                      '<h2 id="notes-title">{}</h2>\n<ol>\n{}\n</ol>\n</section>').format(label(lang, "notes"), items)

    # -- inline ---------------------------------------------------------------------------------

    def _sentences(self, part: str, path: tuple[int, ...]) -> tuple[Sentence, ...]:
        return self.plan.at(part, path) if self.plan else ()

    def sentences(self, content: Inline, part: str, path: tuple[int, ...]) -> Markup:
        """Inline content with each planned sentence wrapped in its <span id>."""
        sentences = self._sentences(part, path)
        if not sentences:
            return self.spans(list(content))
        out, position = [], 0
        for sentence in sentences:
            start, end = sentence.anchor.start, sentence.anchor.end
            if start > position:
                out.append(self.spans(_slice(content, position, start)))
            out.append(Markup('<span id="{}" class="sentence">{}</span>').format(
                sentence.id, self.sentence_words(sentence, _slice(content, start, end))))
            position = end
        out.append(self.spans(_slice(content, position, None)))
        return Markup("").join(out)

    def sentence_words(self, sentence: Sentence, spans: list[Span]) -> Markup:
        """A sentence's inline content; for a word-by-word target, each shown word in its <span id>."""
        if not self.target.words:
            return self.spans(spans)
        numbered = shown_words(sentence.text, plain_text(tuple(spans)))
        if not numbered:
            return self.spans(spans)
        ranges = [(word.start, word.end, word_id(sentence.id, number)) for number, word in numbered]
        return self.spans(*_cut_at_words(spans, ranges))

    def spans(self, spans: list[Span], words: list[str | None] | None = None) -> Markup:
        """Flat spans as nested markup: links outermost, then language, then words, then emphasis.
        `words` gives each span's word id (None between words); a word cut by a link or language
        change keeps its id on its first part."""
        pieces = list(zip(spans, words or [None] * len(spans)))
        placed: set[str] = set()
        out = []
        for href, by_link in groupby(pieces, key=lambda piece: piece[0].href):
            inner = Markup("").join(self.lang_group(lang, list(group), placed)
                                    for lang, group in groupby(by_link, key=lambda piece: piece[0].lang))
            out.append(Markup('<a href="{}">{}</a>').format(href, inner) if href else inner)
        return Markup("").join(out)

    def lang_group(self, lang: str | None, pieces: list[tuple[Span, str | None]], placed: set[str]) -> Markup:
        parts = []
        for word, group in groupby(pieces, key=lambda piece: piece[1]):
            inner = Markup("").join(self.span(span) for span, _ in group)
            if word and word not in placed:
                placed.add(word)
                inner = Markup('<span id="{}" class="word">{}</span>').format(word, inner)
            parts.append(inner)
        inner = Markup("").join(parts)
        return Markup("<span{}>{}</span>").format(self.lang_attrs(lang), inner) if lang else inner

    def span(self, span: Span) -> Markup:
        if span.note:
            return self.note_call(span.note)
        if span.line_break:
            return Markup("<br />")
        if span.image:
            text = self.target.inline_image(span.image, span.text, self.target)
        else:
            text = breakable(span.text) if self.target.break_long_words else escape(span.text)
        if span.code:
            text = Markup("<code>{}</code>").format(text)
        for style in reversed(STYLES):
            if style in span.styles:
                tag = STYLE_TAGS[style]
                text = Markup("<{}>{}</{}>").format(Markup(tag), text, Markup(tag.split()[0]))
        if span.abbr:
            text = Markup('<abbr title="{}">{}</abbr>').format(span.abbr, text)
        if span.emphasis:
            text = Markup("<em>{}</em>").format(text)
        if span.strong:
            text = Markup("<strong>{}</strong>").format(text)
        return text

    def lang_attrs(self, lang: str | None) -> Markup:
        if not lang:
            return Markup("")
        if self.target.xml_lang:
            return Markup(' lang="{0}" xml:lang="{0}"').format(lang)
        return Markup(' lang="{}"').format(lang)


def _cut_at_words(spans: list[Span], ranges: list[tuple[int, int, str]]) -> tuple[list[Span], list[str | None]]:
    """The spans cut where words begin and end, with each piece's word id (None between words);
    `ranges` are (start, end, id) in the spans' plain text, in order."""
    pieces: list[Span] = []
    ids: list[str | None] = []
    position = 0
    for span in spans:
        length = 1 if span.line_break else len(span.text)
        if span.note or span.line_break or span.image is not None or not length:  # never cut, never a word
            pieces.append(span)
            ids.append(None)
            position += 0 if span.note else length
            continue
        cuts = sorted({0, length, *(edge - position for start, end, _ in ranges for edge in (start, end)
                                    if position < edge < position + length)})
        for lo, hi in zip(cuts, cuts[1:]):
            pieces.append(replace(span, text=span.text[lo:hi]))
            ids.append(next((i for start, end, i in ranges if start <= position + lo and position + hi <= end), None))
        position += length
    return pieces, ids


LONG_WORD = re.compile(r"\S{%d,}" % 81)  # longer than any line: it must break somewhere
WORD_PIECE = 8  # characters between the breaks offered in a long word
ZERO_WIDTH_SPACE = "\u200b"
JOINED = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner, variation selectors: part of the character before


def breakable(text: str) -> Markup:
    """`text` escaped, each word longer than a line (a 150-digit number, a pasted address) in a
    `<span class="long-word">` with a zero-width space every WORD_PIECE characters, never inside a
    character with its marks (the class keeps hyphens out of it: it is not a word to hyphenate).

    WeasyPrint could break such a word itself (CSS overflow-wrap: anywhere), but its time grows with
    the cube of the word's length: 4,000 letters took four minutes. With break opportunities given,
    20,000 letters take a second.
    """
    out, position = [], 0
    for match in LONG_WORD.finditer(text):
        word, pieces = match[0], []
        for index, char in enumerate(word):
            if index and index % WORD_PIECE == 0 and _starts_character(char) and word[index - 1] not in JOINED:
                pieces.append(ZERO_WIDTH_SPACE)
            pieces.append(char)
        out += [escape(text[position:match.start()]), Markup('<span class="long-word">{}</span>').format("".join(pieces))]
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def _starts_character(char: str) -> bool:
    """False for marks, joiners, variation selectors and skin tones, which belong to the character before."""
    return (not unicodedata.category(char).startswith("M") and char not in JOINED
            and not 0x1F3FB <= ord(char) <= 0x1F3FF)


def _slice(content: Inline, start: int, end: int | None) -> list[Span]:
    """The spans covering characters [start, end) of the content's plain text (a line break is one
    character; a footnote call goes with the character before it; an inline image is whole, with
    the sentence its alt text starts in)."""
    out, position = [], 0
    for span in content:
        length = 1 if span.line_break else len(span.text)
        if span.note:
            if (start < position or position == 0 == start) and (end is None or position <= end):
                out.append(span)
            continue
        if span.image is not None:
            if start <= position and (end is None or position < end):
                out.append(span)
            position += length
            continue
        lo, hi = max(start, position), min(end if end is not None else position + length, position + length)
        if hi > lo:
            out.append(span if (lo, hi) == (position, position + length) else
                       replace(span, text=span.text[lo - position: hi - position]))
        position += length
    return out

