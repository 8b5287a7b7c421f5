"""The narration plan: what is read aloud, sentence by sentence, with ids every render shares.

Reading order: the title, the subtitle, the byline, the abstract ("Abstract: ..."), then the body.
Each paragraph, heading, list item, line block and definition is split into sentences (pysbd,
per block); a task list's item starts with "Done:" or "Not done:". A figure is read as "Photo
description: <alt text>", then its caption, then its credit line; decorative figures and long
descriptions are not read; an inline image's alt text is part of its sentence. A table is read as
its caption, its column names, then one sentence per body row naming each column ("Peru.
People: 1,500,000. Share: 19%."), anchored on the row. Footnotes are read at the end of the section that calls them
("Note 1: ..."). Each heading starts an audio chapter; a story without headings gets a chapter
every few paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..model import Article, Block, CodeBlock, DefinitionList, Division, Figure, Heading, Inline, ItemList, LineBlock
from ..model import Paragraph, Quote, Story, Table, ThematicBreak, blocks_text, inline_content, plain_text, walk_blocks
from .labels import byline, credit_line, label
from .languages import primary_subtag

PARAGRAPHS_PER_CHAPTER = 4  # when a story has no headings
CHAPTER_TITLE_WORDS = 6


@dataclass(frozen=True)
class Anchor:
    """Where a sentence's words are in the article, so a render can wrap them in its <span id>."""

    part: str  # title, subtitle, byline, abstract, block, alt, caption, credit, term, head, row, note
    path: tuple[int, ...] = ()  # a block's position (see block_paths); for "note", (number, *path)
    start: int = 0  # the sentence's characters in that part's plain text: [start, end)
    end: int = 0


LanguageRun = tuple[int, int, str]  # [start, end) characters of a sentence's text, and their language


@dataclass(frozen=True)
class Sentence:
    id: str  # "s1", "s2", ...: the id of its element in the HTML, the EPUB and the PDF
    text: str  # the words read, as the captions show them (text/speech.py says how they are spoken)
    anchor: Anchor
    pause: str  # silence before it: "none", "sentence", "paragraph" or "section"
    chapter: str | None = None  # an audio chapter starts here, with this title
    languages: tuple[LanguageRun, ...] = ()  # the words in another language than the plan's


@dataclass(frozen=True)
class NarrationPlan:
    lang: str
    sentences: tuple[Sentence, ...]

    def at(self, part: str, path: tuple[int, ...] = ()) -> tuple[Sentence, ...]:
        """The sentences of one part of one block, in order."""
        return self._by_anchor.get((part, path), ())

    @cached_property
    def _by_anchor(self) -> dict[tuple[str, tuple[int, ...]], tuple[Sentence, ...]]:
        """The sentences grouped by where they are: derived once, on first use."""
        grouped: dict[tuple[str, tuple[int, ...]], list[Sentence]] = {}
        for sentence in self.sentences:
            grouped.setdefault((sentence.anchor.part, sentence.anchor.path), []).append(sentence)
        return {key: tuple(value) for key, value in grouped.items()}


SPANISH_TITLES = ("sr", "sres", "sra", "srta", "dra", "dña", "d", "ud", "uds", "lic", "lcdo", "ing")


@lru_cache(maxsize=1)
def _spanish():
    """pysbd's Spanish, knowing that "Sr." and "Dra." come before a name (pysbd ends the sentence
    there): a language of our own, given to our segmenters only, so pysbd itself is left as it is."""
    from pysbd.lang.spanish import Spanish

    class Abbreviation(Spanish.Abbreviation):
        PREPOSITIVE_ABBREVIATIONS = sorted(set(Spanish.Abbreviation.PREPOSITIVE_ABBREVIATIONS) | set(SPANISH_TITLES))

    return type("Spanish", (Spanish,), {"Abbreviation": Abbreviation})


def _segmenter(lang: str):
    import pysbd

    language = primary_subtag(lang)
    try:
        segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    except ValueError:  # a language pysbd does not know
        segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    if language == "es":
        segmenter.language_module = _spanish()
    return segmenter


@lru_cache(maxsize=4096)
def sentence_ranges(text: str, lang: str) -> tuple[tuple[int, int], ...]:
    """The sentences of one block of text as [start, end) ranges without surrounding spaces."""
    if not text.strip():
        return ()
    ranges, position = [], 0
    for span in _segmenter(lang).segment(text):
        start = text.find(span.sent.strip(), position)
        if start < 0:  # pysbd lost the alignment; fall back to its own offsets
            start = span.start
        end = start + len(span.sent.strip())
        if end > start:
            ranges.append((start, end))
            position = end
    return tuple(ranges)


def block_paths(blocks: tuple[Block, ...], prefix: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Block]]:
    """Every block with its path, in reading order; a list item's blocks are (list, item, block), a
    definition's (list, term, definition, block). A table's cells are read by rows, not as blocks."""
    for index, block in enumerate(blocks):
        path = (*prefix, index)
        yield path, block
        if isinstance(block, (Quote, Division)):
            yield from block_paths(block.blocks, path)
        elif isinstance(block, ItemList):
            for item_index, item in enumerate(block.items):
                yield from block_paths(item.blocks, (*path, item_index))
        elif isinstance(block, DefinitionList):
            for item_index, item in enumerate(block.items):
                for number, definition in enumerate(item.definitions):
                    yield from block_paths(definition, (*path, item_index, number))


def table_row_text(table: Table, row_index: int) -> str:
    """A body row as one sentence: "Peru. People: 1,500,000. Share: 19%." (the first cell alone
    when it names the row; each other cell after its column's name)."""
    names = table.column_names
    parts = []
    for index, cell in enumerate(table.body[row_index].cells):
        text = " ".join(blocks_text(cell).split())
        if not text:
            continue
        named = index < len(names) and names[index] and not (index == 0 and table.row_headers)
        parts.append(f"{names[index]}: {text}" if named else text)
    return " ".join(part if part[-1] in ".!?…" else part + "." for part in parts)


class _PlanWriter:
    """Accumulates sentences with ids, pauses and chapter starts."""

    def __init__(self, lang: str):
        self.lang = lang
        self.sentences: list[Sentence] = []
        self.pending_pause = "none"
        self.pending_chapter: str | None = None

    def add(self, text: str, anchor: Anchor, spoken: str | None = None,
            languages: tuple[LanguageRun, ...] = ()) -> None:
        """One sentence; `languages` are runs of `spoken` (or `text`) in other languages."""
        said = spoken if spoken is not None else text
        words, runs = _collapse_spaces(said, languages)
        if not words:
            return
        self.sentences.append(Sentence(f"s{len(self.sentences) + 1}", words, anchor,
                                       self.pending_pause, self.pending_chapter, runs))
        self.pending_pause, self.pending_chapter = "sentence", None

    def add_text(self, text: str, part: str, path: tuple[int, ...], prefix: str = "",
                 languages: tuple[LanguageRun, ...] = ()) -> None:
        """Every sentence of one block of text; `prefix` is spoken before the first.
        `languages` are the block's runs in other languages, in `text`'s characters."""
        for number, (start, end) in enumerate(sentence_ranges(text, self.lang)):
            lead = prefix + " " if prefix and number == 0 else ""
            runs = tuple((max(a, start) - start + len(lead), min(b, end) - start + len(lead), lang)
                         for a, b, lang in languages if a < end and b > start)
            self.add(text[start:end], Anchor(part, path, start, end), lead + text[start:end], runs)

    def pause(self, kind: str) -> None:
        order = ("none", "sentence", "paragraph", "section")
        if self.sentences and order.index(kind) > order.index(self.pending_pause):
            self.pending_pause = kind

    def chapter(self, title: str) -> None:
        self.pending_chapter = " ".join(title.split())


@lru_cache(maxsize=16)  # every builder asks for the same plans; a Story is immutable
def narration_plan(story: Story, lang: str) -> NarrationPlan:
    """Every sentence read aloud in one language, in reading order."""
    article = story.article(lang)
    writer = _PlanWriter(lang)
    writer.chapter(article.title)
    writer.add(article.title, Anchor("title", (), 0, len(article.title)))
    if article.subtitle:
        writer.add(article.subtitle, Anchor("subtitle", (), 0, len(article.subtitle)))
    if by := byline(article.authors, lang):
        writer.pause("paragraph")
        writer.add(by, Anchor("byline", (), 0, len(by)))
    _read_abstract(article, writer)
    has_headings = any(isinstance(b, Heading) for _, b in block_paths(article.blocks))
    _read_body(article, writer, has_headings)
    return NarrationPlan(lang, tuple(writer.sentences))


def _collapse_spaces(text: str, runs: tuple[LanguageRun, ...]) -> tuple[str, tuple[LanguageRun, ...]]:
    """`text` with its runs of white space made one space (and none at the ends), runs moved along."""
    kept: list[int] = []  # for each character of `text`, its position in the result (or -1)
    out: list[str] = []
    for char in text:
        if char.isspace() and (not out or out[-1] == " "):
            kept.append(-1)
            continue
        kept.append(len(out))
        out.append(" " if char.isspace() else char)
    while out and out[-1] == " ":
        out.pop()
    length = len(out)
    kept.append(length)

    def moved(position: int) -> int:
        return min(length, next(k for k in kept[position:] if k >= 0))
    moved_runs = tuple((moved(a), moved(b), lang) for a, b, lang in runs if moved(a) < moved(b))
    return "".join(out), moved_runs


def language_runs(content: Inline, block_lang: str | None, plan_lang: str) -> tuple[LanguageRun, ...]:
    """The runs of a block's plain text said in another language than the plan's: its spans
    marked with `lang`, or the whole block when a division marks it."""
    runs: list[LanguageRun] = []
    position = 0
    for span in content:
        length = len(plain_text((span,)))
        lang = span.lang or block_lang or plan_lang
        if length and lang.lower() != plan_lang.lower():
            if runs and runs[-1][1] == position and runs[-1][2] == lang:
                runs[-1] = (runs[-1][0], position + length, lang)
            else:
                runs.append((position, position + length, lang))
        position += length
    return tuple(runs)


def _division_language(path: tuple[int, ...], divisions: dict[tuple[int, ...], str]) -> str | None:
    """The language of the innermost `::: {lang=xx}` division around the block at `path`."""
    for depth in range(len(path) - 1, 0, -1):
        if path[:depth] in divisions:
            return divisions[path[:depth]]
    return None


def _read_body(article: Article, writer: _PlanWriter, has_headings: bool) -> None:
    notes = {note.label: note for note in article.footnotes}
    called: list[str] = []
    tasks: dict[tuple[int, ...], str] = {}  # a task item's first block -> "Done:" / "Not done:"
    terms: dict[tuple[int, ...], list] = {}  # a definition's first block -> the terms read before it
    read: set[str] = set()  # a note called again in a later section is not read (nor anchored) twice
    paragraphs_in_chapter = 0
    divisions: dict[tuple[int, ...], str] = {}
    for path, block in block_paths(article.blocks):
        if isinstance(block, Division) and block.lang:
            divisions[path] = block.lang
        block_lang = _division_language(path, divisions)
        if isinstance(block, Heading):
            _read_notes(writer, [notes[c] for c in called if c in notes])
            read.update(called)
            called.clear()
            writer.pause("section")
            writer.chapter(plain_text(block.content))
            writer.add_text(plain_text(block.content), "block", path,
                            languages=language_runs(block.content, block_lang, writer.lang))
            continue
        if isinstance(block, ThematicBreak):
            writer.pause("section")
            continue
        if not has_headings and isinstance(block, (Paragraph, Figure)):
            if paragraphs_in_chapter == PARAGRAPHS_PER_CHAPTER:
                writer.chapter(_opening_words(block, writer.lang))
                paragraphs_in_chapter = 0
            paragraphs_in_chapter += 1
        for term_path, term in terms.pop(path, ()):  # a definition list's term, before its definition
            writer.pause("paragraph")
            writer.add_text(plain_text(term), "term", term_path)
        writer.pause("paragraph")
        _read_block(block, path, writer, tasks.pop(path, ""), block_lang)
        if isinstance(block, ItemList):
            tasks.update(_task_prefixes(block, path, writer.lang))
        elif isinstance(block, DefinitionList):
            terms.update(_term_places(block, path))
        called += [note for note in _notes_called(block) if note not in called and note not in read]
    _read_notes(writer, [notes[c] for c in called if c in notes])


def _read_abstract(article: Article, writer: _PlanWriter) -> None:
    writer.pause("paragraph")
    prefix = label(writer.lang, "abstract") + ":"
    for path, block in block_paths(article.abstract):
        if isinstance(block, Paragraph):
            writer.add_text(plain_text(block.content), "abstract", path, prefix)
            prefix = ""


def _task_prefixes(block: ItemList, path: tuple[int, ...], lang: str) -> dict[tuple[int, ...], str]:
    """"Done:" / "Not done:" before the first block of each task list item."""
    return {(*path, index, 0): label(lang, "task_done" if item.task else "task_open") + ":"
            for index, item in enumerate(block.items) if item.task is not None and item.blocks}


def _term_places(block: DefinitionList, path: tuple[int, ...]) -> dict[tuple[int, ...], list]:
    """Each term goes before the first block of its first definition (block_paths gives the blocks)."""
    return {(*path, index, 0, 0): [((*path, index), item.term)]
            for index, item in enumerate(block.items) if item.definitions and item.definitions[0]}


def _notes_called(block: Block) -> list[str]:
    """The footnotes a block calls in its own text (a table's: in its caption and cells)."""
    inner = walk_blocks(tuple(b for row in (*block.head, *block.body) for cell in row.cells for b in cell)) \
        if isinstance(block, Table) else ()
    return [span.note for b in (block, *inner) for span in inline_content(b) if span.note]


def _read_block(block: Block, path: tuple[int, ...], writer: _PlanWriter, prefix: str = "",
                block_lang: str | None = None) -> None:
    if isinstance(block, (Paragraph, LineBlock)):
        runs = language_runs(block.content, block_lang, writer.lang)
        writer.add_text(plain_text(block.content), "block", path, prefix, runs)
    elif isinstance(block, Table):
        _read_table(block, path, writer)
    elif isinstance(block, CodeBlock):
        whole = ((0, len(block.text), block_lang),) if block_lang and block_lang != writer.lang else ()
        writer.add_text(block.text, "block", path, languages=whole)
    elif isinstance(block, Figure) and not block.decorative:
        alt_prefix = label(writer.lang, "photo_description") + ":"
        writer.add(block.alt, Anchor("alt", path, 0, len(block.alt)), f"{alt_prefix} {block.alt}")
        writer.add_text(block.caption, "caption", path)
        credit = credit_line(block.credit, writer.lang)
        writer.add(credit, Anchor("credit", path, 0, len(credit)))


def _read_table(table: Table, path: tuple[int, ...], writer: _PlanWriter) -> None:
    """The caption, the column names, then one sentence per body row, each anchored on its row."""
    caption = plain_text(table.caption)
    writer.add_text(caption, "caption", path, label(writer.lang, "table") + ":")
    if names := [name for name in table.column_names if name]:
        text = ", ".join(names) + "."
        writer.add(text, Anchor("head", path, 0, len(text)))
    for index in range(len(table.body)):
        text = table_row_text(table, index)
        prefix = label(writer.lang, "table") + ": " if not caption and index == 0 else ""
        writer.add(text, Anchor("row", (*path, index), 0, len(text)), prefix + text)


def _read_notes(writer: _PlanWriter, notes) -> None:
    for note in notes:
        writer.pause("paragraph")
        prefix = f"{label(writer.lang, 'note')} {note.number}:"
        for index, (path, block) in enumerate(block_paths(note.blocks, (note.number,))):
            if isinstance(block, Paragraph):
                writer.add_text(plain_text(block.content), "note", path, prefix if index == 0 else "",
                                language_runs(block.content, None, writer.lang))


def _opening_words(block: Block, lang: str) -> str:
    text = block.alt if isinstance(block, Figure) else plain_text(block.content)  # type: ignore[union-attr]
    words = re.sub(r"[“”\"«»]", "", text).split()
    return " ".join(words[:CHAPTER_TITLE_WORDS]) + ("…" if len(words) > CHAPTER_TITLE_WORDS else "")

