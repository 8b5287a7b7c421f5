"""The story model: what `parse` returns and every builder reads. Frozen; nothing is filled in later."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .text.languages import for_language


# Inline formatting beyond emphasis, strong and code, in the order the renderer nests it (outermost
# first): <del>, <q>, <mark>, <small>, <kbd>, small caps, <sub>, <sup>
STYLES = ("del", "q", "mark", "small", "kbd", "smallcaps", "sub", "sup")


@dataclass(frozen=True)
class Photo:
    """An image file of the story folder, checked and measured; shared by every language."""

    src: str  # as written in the source, relative to the story folder (POSIX)
    file: Path  # the story folder / src (symlinks are refused); never written into an output
    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF, TIFF
    sha256: str


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
    styles: frozenset[str] = frozenset()  # any of STYLES
    abbr: str | None = None  # an abbreviation's expansion (<abbr title>)
    image: Photo | None = None  # an image inside a sentence: `text` is its alt text ("" if decorative)


Inline = tuple[Span, ...]


def plain_text(content: Inline) -> str:
    """The words of some inline content (an inline image's alt text too), without formatting or
    footnote calls."""
    return "".join(" " if span.line_break else span.text for span in content)


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
    task: bool | None = None  # a task list's item: True done, False to do; None: not a task


@dataclass(frozen=True)
class ItemList:
    ordered: bool
    start: int
    items: tuple[ListItem, ...]
    line: int
    style: str = "decimal"  # ordered: decimal, lower-alpha, upper-alpha, lower-roman, upper-roman
    delimiter: str = "."  # ordered: "." as in 1., ")" as in 1), "()" as in (1)


@dataclass(frozen=True)
class Definition:
    """A term and its definitions (`Term` then one or more `:   definition`)."""

    term: Inline
    definitions: tuple[tuple[Block, ...], ...]
    line: int


@dataclass(frozen=True)
class DefinitionList:
    items: tuple[Definition, ...]  # terms and their definitions (<dl>)
    line: int


@dataclass(frozen=True)
class LineBlock:
    content: Inline  # lines whose breaks are kept (poetry, addresses): line_break spans separate them
    line: int


Cell = tuple["Block", ...]  # a table cell's blocks: one Paragraph, except in grid tables


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Cell, ...]  # header cells in a header row; in the body the first may name the row
    line: int


@dataclass(frozen=True)
class Table:
    caption: Inline  # may be empty
    alignments: tuple[str | None, ...]  # per column: "left", "right", "center" or None
    widths: tuple[float, ...]  # per column, fractions of the width; () for pipe and simple tables
    head: tuple[TableRow, ...]  # header rows (their cells are column headers); may be empty
    body: tuple[TableRow, ...]
    row_headers: bool  # the first cell of each body row names the row (a <th scope="row">)
    line: int

    @property
    def column_names(self) -> tuple[str, ...]:
        """Each column's header text (the last header row's), "" without a header."""
        if not self.head:
            return ("",) * len(self.alignments)
        return tuple(" ".join(blocks_text(cell).split()) for cell in self.head[-1].cells)


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


Block = Union[Heading, Paragraph, ItemList, Quote, Division, CodeBlock, ThematicBreak, Figure, Table,
              DefinitionList, LineBlock]


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """The words of some blocks, one line each (a table cell's, a definition's)."""
    lines = []
    for block in walk_blocks(blocks):
        if isinstance(block, (Paragraph, Heading, LineBlock)):
            lines.append(plain_text(block.content))
        elif isinstance(block, CodeBlock):
            lines.append(block.text)
        elif isinstance(block, Figure):
            lines.append(block.alt)
    return "\n".join(lines)


@dataclass(frozen=True)
class Author:
    """An author as the front matter names them: `author: Name` or `{name: ..., affiliation: ...}`."""

    name: str
    affiliation: str = ""


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
    authors: tuple[Author, ...] = ()
    publisher: Localized = Localized("", "")
    rights: Localized = Localized("", "")
    subjects: tuple[Localized, ...] = ()  # `subjects` and `keywords` together
    subtitle: str = ""
    abstract: tuple[Block, ...] = ()  # the front matter's `abstract`, read as Markdown

    def untranslated(self) -> tuple[tuple[str, Localized], ...]:
        """(front matter key, value) of the text this edition shows in another language: what a
        translation takes from the original because it does not give its own."""
        values = [("publisher", self.publisher), ("rights", self.rights)] + [("subjects", s) for s in self.subjects]
        return tuple((key, value) for key, value in values if value.text and value.lang != self.lang)

    def figures(self) -> tuple[Figure, ...]:
        """Every figure, in reading order (including those inside quotes, lists and divs)."""
        return tuple(b for b in walk_blocks(self.blocks) if isinstance(b, Figure))

    def figure(self, figure_id: str) -> Figure:
        return next(f for f in self.figures() if f.id == figure_id)

    def photos(self) -> tuple[Photo, ...]:
        """Every photo this text shows, figures' and inline images', in reading order, once each."""
        found: dict[str, Photo] = {}
        for block in walk_blocks((*self.abstract, *self.blocks, *(b for n in self.footnotes for b in n.blocks))):
            if isinstance(block, Figure):
                found.setdefault(block.photo.src, block.photo)
            for span in inline_content(block):
                if span.image is not None:
                    found.setdefault(span.image.src, span.image)
        return tuple(found.values())


@dataclass(frozen=True)
class Identifier:
    """One of the story's identifiers as its metadata names it."""

    value: str  # urn:isbn:9780000000002, urn:doi:10.1234/x, urn:uuid:..., or as the author wrote it
    scheme: str = ""  # "ISBN", "DOI", or "" for any other kind


@dataclass(frozen=True)
class ColourProfile:
    """The print team's ICC output profile (CMYK), checked; what the print PDF's photos are
    converted into and what its output intent embeds."""

    src: str  # as written in the source, relative to the story folder (POSIX)
    file: Path  # the story folder / src (symlinks are refused); never written into an output
    sha256: str
    description: str  # the profile's own name, e.g. "Coated FOGRA39 (ISO 12647-2:2004)"


@dataclass(frozen=True)
class PrintSettings:
    trim: str = "A5"  # a CSS page size: A5, A4, letter, "6in 9in", ...
    bleed_mm: float = 3.0
    marks: bool = True
    profile: ColourProfile | None = None  # None: storyexport's generic profile (ask the printer for theirs)
    condition: str = ""  # the printing condition the profile is for, as registered (e.g. FOGRA39)


@dataclass(frozen=True)
class AccessibilityDeclaration:
    """What the publisher declares after its own review (front matter `accessibility:`); storyexport
    never claims conformance by itself."""

    conforms_to: str = ""  # e.g. "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    certified_by: str = ""  # who evaluated it
    credential: str = ""  # the evaluator's credential, if any
    report: str = ""  # the address of the evaluation report, if published

    def __bool__(self) -> bool:
        return bool(self.conforms_to)


@dataclass(frozen=True)
class NarrationChoice:
    """The front matter's `narration:` entry for one language (with the publisher's own voice
    file for it, from the project configuration or --voice, when there is one)."""

    lang: str
    engine: str = "auto"  # auto, gtts, piper, kokoro, espeak
    voice: str | None = None
    tld: str | None = None  # gTTS accent, e.g. com.mx
    voice_file: Path | None = None  # a Piper .onnx or a Kokoro voice style; its engine speaks the language


def voice_file_parts(path: Path) -> tuple[Path, str]:
    """A voice path as its file and the voice named in it: "voices.bin#ef_dora" is voices.bin and
    "ef_dora"; a file of one voice ("es_MX-claude-high.onnx", "ef_dora.npy") names none ("")."""
    file_name, _, member = path.name.partition("#")
    return path.with_name(file_name), member


@dataclass(frozen=True)
class Pronunciation:
    """One entry of a pronunciation lexicon (a PLS `<lexeme>`): how to say some written words."""

    graphemes: tuple[str, ...]  # the written forms it applies to, e.g. ("Venezuelan", "venezuelan")
    phoneme: str = ""  # IPA: engines say exactly these sounds
    alias: str = ""  # a respelling, for engines that cannot take phonemes (and when no IPA is given)
    line: int = 0  # in its file


@dataclass(frozen=True)
class Lexicon:
    """The pronunciations of one language, from the story's own lexicon, the folder's shared one and
    storyexport's built-in entries, in that order of precedence (a grapheme keeps its first entry)."""

    lang: str  # as the file names it: "en", "es", "es-419"
    entries: tuple[Pronunciation, ...]
    files: tuple[str, ...] = ()  # where the entries came from, for messages: "serving-hope/pronunciation.en.pls"

    def entry(self, grapheme: str) -> Pronunciation | None:
        return next((e for e in self.entries if grapheme in e.graphemes), None)


@dataclass(frozen=True)
class Story:
    """One story: its metadata and one Article per language, the primary language first."""

    slug: str
    source: Path  # the story.md file
    folder: Path  # the story folder: the only place the renderers may read from
    lang: str
    date: dt.date | None
    identifier: str  # the book's unique identifier (urn:isbn:..., urn:doi:..., urn:uuid:...)
    url: str
    cover: Photo | None
    print: PrintSettings
    narration: tuple[NarrationChoice, ...]
    articles: tuple[Article, ...]
    identifiers: tuple[Identifier, ...] = ()  # the front matter's; the first is `identifier`
    lexicons: tuple[Lexicon, ...] = ()  # one per language that has entries; see `lexicon`
    accessibility: AccessibilityDeclaration = AccessibilityDeclaration()
    voices: tuple[tuple[str, Path], ...] = ()  # the publisher's voice file per language (project file, --voice)
    project_file: Path | None = None  # the storyexport.yaml whose settings the story took, if any
    lexicon_files: tuple[Path, ...] = ()  # the pronunciation lexicons beside it and shared (source/lexicons.py)

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

    def lexicon(self, lang: str) -> Lexicon | None:
        """The lexicon for text in `lang`: its own (es-419) before its language's (es)."""
        return for_language({lexicon.lang.lower(): lexicon for lexicon in self.lexicons}, lang)

    def narration_for(self, lang: str) -> NarrationChoice:
        """The front matter's narration entry for `lang`, with the publisher's voice file for it:
        the one given for its own tag (es-419), else for its language (es)."""
        choice = next((c for c in self.narration if c.lang == lang), NarrationChoice(lang))
        voice_file = for_language({tag.lower(): path for tag, path in self.voices}, lang)
        return dataclasses.replace(choice, voice_file=voice_file) if voice_file else choice

    def files(self) -> tuple[Path, ...]:
        """Every file the story was read from: its source, its photos, the print colour profile, the
        project file, its pronunciation lexicons and the publisher's voice files (a change to any of
        them changes the outputs)."""
        settings = (self.print.profile.file if self.print.profile else None, self.project_file)
        voices = tuple(voice_file_parts(path)[0] for _, path in self.voices)
        return (self.source, *(photo.file for photo in self.photos()), *(path for path in settings if path),
                *self.lexicon_files, *voices)

    def photos(self) -> tuple[Photo, ...]:
        """Every distinct photo the story shows, cover first."""
        seen: dict[str, Photo] = {}
        if self.cover:
            seen[self.cover.src] = self.cover
        for article in self.articles:
            for photo in article.photos():
                seen.setdefault(photo.src, photo)
        return tuple(seen.values())


def child_blocks(block: Block) -> tuple[Block, ...]:
    """The blocks directly inside a block, in reading order."""
    if isinstance(block, (Quote, Division)):
        return block.blocks
    if isinstance(block, ItemList):
        return tuple(b for item in block.items for b in item.blocks)
    if isinstance(block, Figure):
        return block.long_description
    if isinstance(block, DefinitionList):
        return tuple(b for item in block.items for blocks in item.definitions for b in blocks)
    if isinstance(block, Table):
        return tuple(b for row in (*block.head, *block.body) for cell in row.cells for b in cell)
    return ()


def inline_content(block: Block) -> Inline:
    """The inline text a block holds itself (not its children's): a paragraph's, a caption's..."""
    if isinstance(block, (Paragraph, Heading, LineBlock)):
        return block.content
    if isinstance(block, Table):
        return block.caption
    if isinstance(block, DefinitionList):
        return tuple(span for item in block.items for span in item.term)
    return ()


def walk_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block in reading order, depth first (containers before their children)."""
    for block in blocks:
        yield block
        yield from walk_blocks(child_blocks(block))
