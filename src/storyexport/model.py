"""The story model: what `parse` returns and every builder reads. Frozen; nothing is filled in later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Union


@dataclass(frozen=True)
class Span:
    """A run of inline text with one formatting; an article's text is a flat tuple of these."""

    text: str
    emphasis: bool = False
    strong: bool = False
    code: bool = False
    href: str | None = None
    lang: str | None = None
    note: str | None = None  # a footnote call: the footnote's label (text is "")
    line_break: bool = False  # a hard line break (text is "\n")


Inline = tuple[Span, ...]


def plain_text(content: Inline) -> str:
    """The words of some inline content, without formatting or footnote calls."""
    return "".join(" " if span.line_break else span.text for span in content)


@dataclass(frozen=True)
class Photo:
    """An image file of the story folder, checked and measured; shared by every language."""

    src: str  # as written in the source, relative to the story folder (POSIX)
    file: Path  # resolved absolute path; never written into an output
    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF, TIFF
    sha256: str


@dataclass(frozen=True)
class Heading:
    level: int  # 2..6: the story's title is the only level-1 heading
    id: str
    content: Inline
    line: int


@dataclass(frozen=True)
class Paragraph:
    content: Inline
    line: int


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ItemList:
    ordered: bool
    start: int
    items: tuple[ListItem, ...]
    line: int


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]
    line: int


@dataclass(frozen=True)
class Division:
    """A fenced div other than a translation or a long description: `::: {.note lang=es}`."""

    classes: tuple[str, ...]
    lang: str | None
    blocks: tuple[Block, ...]
    line: int


@dataclass(frozen=True)
class Figure:
    """A photo standing in its own paragraph, with its words in one language."""

    id: str
    photo: Photo
    alt: str  # "" only when decorative
    caption: str
    credit: str
    decorative: bool
    long_description: tuple[Block, ...]  # from `::: {.description for=<id>}`; may be empty
    line: int


@dataclass(frozen=True)
class Footnote:
    label: str
    number: int  # 1, 2, ... in order of first call
    blocks: tuple[Block, ...]
    line: int


@dataclass(frozen=True)
class ThematicBreak:
    line: int


@dataclass(frozen=True)
class CodeBlock:
    text: str
    line: int


Block = Union[Heading, Paragraph, ItemList, Quote, Division, CodeBlock, ThematicBreak, Figure]


@dataclass(frozen=True)
class Localized:
    """Front-matter text as one edition shows it: a translation's own, or the original's (in the
    original's language, so that formats can mark it as such)."""

    text: str
    lang: str


@dataclass(frozen=True)
class Article:
    """The whole text of the story in one language, with that edition's metadata."""

    lang: str
    title: str
    description: str  # this edition's own; may be empty
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...]
    line: int  # where this language's body starts in the source
    authors: tuple[str, ...] = ()
    publisher: Localized = Localized("", "")
    rights: Localized = Localized("", "")
    subjects: tuple[Localized, ...] = ()

    def figures(self) -> tuple[Figure, ...]:
        """Every figure, in reading order (including those inside quotes, lists and divs)."""
        return tuple(b for b in walk_blocks(self.blocks) if isinstance(b, Figure))

    def figure(self, figure_id: str) -> Figure:
        return next(f for f in self.figures() if f.id == figure_id)


@dataclass(frozen=True)
class PrintSettings:
    trim: str = "A5"  # a CSS page size: A5, A4, letter, "6in 9in", ...
    bleed_mm: float = 3.0
    marks: bool = True


@dataclass(frozen=True)
class NarrationChoice:
    """The front matter's `narration:` entry for one language."""

    lang: str
    engine: str = "auto"  # auto, gtts, piper, kokoro, espeak
    voice: str | None = None
    tld: str | None = None  # gTTS accent, e.g. com.mx


@dataclass(frozen=True)
class Story:
    """One story: its metadata and one Article per language, the primary language first."""

    slug: str
    source: Path  # the story.md file
    folder: Path  # the story folder: the only place the renderers may read from
    lang: str
    date: dt.date | None
    identifier: str
    url: str
    cover: Photo | None
    print: PrintSettings
    narration: tuple[NarrationChoice, ...]
    articles: tuple[Article, ...]

    @property
    def title(self) -> str:
        return self.articles[0].title

    @property
    def original(self) -> Article:
        """The article in the story's own language (translations fall back to its metadata)."""
        return self.articles[0]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(a.lang for a in self.articles)

    def article(self, lang: str) -> Article:
        for article in self.articles:
            if article.lang == lang:
                return article
        raise KeyError(lang)

    def narration_for(self, lang: str) -> NarrationChoice:
        for choice in self.narration:
            if choice.lang == lang:
                return choice
        return NarrationChoice(lang)

    def files(self) -> tuple[Path, ...]:
        """Every file the story was read from: its source and its photos."""
        return (self.source, *(photo.file for photo in self.photos()))

    def photos(self) -> tuple[Photo, ...]:
        """Every distinct photo the story shows, cover first."""
        seen: dict[str, Photo] = {}
        if self.cover:
            seen[self.cover.src] = self.cover
        for article in self.articles:
            for figure in article.figures():
                seen.setdefault(figure.photo.src, figure.photo)
        return tuple(seen.values())


def walk_blocks(blocks: tuple[Block, ...]):
    """Every block in reading order, depth first (containers before their children)."""
    for block in blocks:
        yield block
        if isinstance(block, (Quote, Division)):
            yield from walk_blocks(block.blocks)
        elif isinstance(block, ItemList):
            for item in block.items:
                yield from walk_blocks(item.blocks)
        elif isinstance(block, Figure):
            yield from walk_blocks(block.long_description)
