"""One language's Markdown syntax tree to model blocks, footnotes and figures, collecting problems."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..errors import Problem
from ..model import Block, CodeBlock, Division, Figure, Footnote, Heading, Inline, ItemList, LineBlock, ListItem
from ..model import Paragraph, Photo, Quote, Span, ThematicBreak, plain_text
from ..text.labels import credit_label, credit_line
from ..text.languages import language_problem, quotation_marks
from . import lint
from .blocks import TableReader, definition_list
from .element_ids import ElementIds, id_problem, shown
from .inline import InlineHooks, InlineReader
from .limits import MAX_BLOCK_CHARS, MAX_NESTING, too_long
from .markdown import markdown, parse_attrs
from .photos import PhotoChecker, PhotoProblem
from .syntax.typography import smart_text, smarten_tokens

FIGURE_ATTRS = ("id", "class", "credit", "caption", "src", "alt", "title")
CONTAINERS = ("bullet_list", "ordered_list", "blockquote", "fenced_div", "dl", "table")  # blocks in blocks


@dataclass
class Section:
    """What a language's text turned into, before it becomes an Article."""

    blocks: tuple[Block, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class Leniency:
    """What the story lets the converter decide for the author."""

    figure_ids_required: bool = True  # False for a one-language story: ids are made from file names
    heading_shift: int | None = None  # the front matter's shift-heading-level-by; None: decide


class SectionConverter:
    """Converts one language's syntax tree; problems go into the shared list."""

    def __init__(self, source: Path, lang: str, photos: PhotoChecker, problems: list[Problem],
                 primary_figures: dict[str, Figure] | None = None, leniency: Leniency = Leniency(),
                 default_credit: str = ""):
        self.source, self.lang, self.photos, self.problems = source, lang, photos, problems
        self.primary_figures = primary_figures or {}
        self.leniency = leniency
        self.default_credit = default_credit  # the front matter's credit for this language
        self.shift = 0
        self.previous_level = 1  # the last heading's level, shifted (the title is level 1)
        self.in_cell = False  # inside a table cell, an image alone is an inline image, not a figure
        self.figures: dict[str, Figure] = {}
        self.ids = ElementIds(self.error, lang)
        self.depth = 0  # lists, quotes, divs... around the block being converted
        self.note_order: list[str] = []
        self.note_lines: dict[str, int] = {}
        self.descriptions: dict[str, tuple[Block, ...]] = {}
        self.env: dict = {}

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))

    def convert(self, tree: SyntaxTreeNode, env: dict) -> Section:
        self.env = env
        self.shift = self._heading_shift(tree)
        self._report_dropped_html(env)
        self.ids.collect_figures(tree)
        definitions = [n for n in tree.children if n.type == "footnote_reference"]
        self._collect_descriptions(tree)
        blocks = self.blocks([n for n in tree.children if n.type != "footnote_reference"])
        footnotes = self._footnotes(definitions)
        for figure_id in set(self.descriptions) - set(self.figures):
            self.error(self._description_lines[figure_id], f'long description for figure "{figure_id}", '
                       f"but this {self.lang} text has no figure with that id")
        return Section(blocks, footnotes, self.figures)

    # -- blocks ---------------------------------------------------------------------------------

    def blocks(self, nodes: list[SyntaxTreeNode]) -> tuple[Block, ...]:
        return tuple(block for node in nodes if (block := self.block(node)) is not None)

    def block(self, node: SyntaxTreeNode) -> Block | None:
        line = _line(node)
        kind = node.type
        if kind in CONTAINERS and self.depth >= MAX_NESTING or kind == "nesting_too_deep":
            self.error(line, f"lists, quotes and divs nest more than {MAX_NESTING} deep here; nothing this "
                       "deep can be shown in every format: flatten it (fewer indents or > marks)")
            return None
        if kind in CONTAINERS:
            self.depth += 1
            try:
                return self._container(node, kind, line)
            finally:
                self.depth -= 1
        if kind == "paragraph":
            return self._paragraph_or_figure(node, line)
        if kind == "heading":
            return self._heading(node, line)
        if kind == "line_block":
            return LineBlock(self.inline(node.children[0], line), line)
        if kind in ("fence", "code_block"):
            if len(node.content) > MAX_BLOCK_CHARS:
                self.error(line, f"code block of {len(node.content):,} characters: the limit is {MAX_BLOCK_CHARS:,}")
            return CodeBlock(node.content.rstrip("\n"), line)
        if kind == "hr":
            return ThematicBreak(line)
        if kind == "fenced_div_stray":
            self.error(line, "closing ::: without an opening fence: remove it, or open a div above "
                       "with ::: {.class} or ::: {lang=xx}")
        elif kind == "footnote_reference":
            self.error(line, "a footnote definition must start at the margin, not inside another block")
        elif kind == "grid_table_invalid":
            self.error(line, "this grid table has merged cells (row or column spans) or lines of different "
                       "lengths; storyexport reads grid tables as pandoc 2 does: give every row every "
                       "column, with the + and | of each line under those of the top line")
        return None

    def _container(self, node: SyntaxTreeNode, kind: str, line: int) -> Block | None:
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, line)
        if kind == "table":
            return TableReader(self).table(node, line)
        if kind == "dl":
            return definition_list(self, node, line)
        if kind == "blockquote":
            return Quote(self.blocks(node.children), line)
        return self._division(node, line)

    def _list(self, node: SyntaxTreeNode, line: int) -> ItemList:
        ordered = node.type == "ordered_list"
        items = tuple(ListItem(self.blocks(item.children), item.meta.get("checked")) for item in node.children)
        meta = node.meta or {}
        return ItemList(ordered, int(node.attrs.get("start", 1)) if ordered else 1, items, line,
                        meta.get("style", "decimal"), meta.get("delim", "."))

    def _heading_shift(self, tree: SyntaxTreeNode) -> int:
        """The front matter's shift-heading-level-by, or 1 (with a warning) when the body has a
        level-1 heading: the story's title is its only level-1 heading."""
        if self.leniency.heading_shift is not None:
            return self.leniency.heading_shift
        first = next((n for n in tree.walk() if n.type == "heading" and n.tag == "h1"), None)
        if first is None:
            return 0
        self.warn(_line(first), f"level-1 heading in the {self.lang} text: the story's title (front matter "
                  "`title`) is its only level-1 heading, so every heading is moved one level down; "
                  "write ## here, or say so with `shift-heading-level-by: 1` in the front matter (as in pandoc)")
        return 1

    def _report_dropped_html(self, env: dict) -> None:
        for line, what, why in env.get("html_dropped", []):
            self.warn(line + 1, f"raw HTML {what} dropped: {why}")

    def _paragraph_or_figure(self, node: SyntaxTreeNode, line: int) -> Block | None:
        inline = node.children[0]
        content = [c for c in inline.children if not (c.type in ("text", "softbreak") and not c.content.strip())]
        if len(content) == 1 and content[0].type == "image" and not self.in_cell:
            return self._figure(content[0], line)
        paragraph = Paragraph(self.inline(inline, line), line)
        if (size := len(plain_text(paragraph.content))) > MAX_BLOCK_CHARS:
            self.error(line, f"paragraph of {size:,} characters: a paragraph may have at most "
                       f"{MAX_BLOCK_CHARS:,} (about 3,000 words); split it with blank lines")
        return paragraph

    def _heading(self, node: SyntaxTreeNode, line: int) -> Heading:
        content = self.inline(node.children[0], line)  # its {#id} was taken out by markdown.heading_attrs
        if problem := too_long("heading", plain_text(content), "the heading"):
            self.error(line, problem)
        given = node.attrs.get("id")
        heading_id = self.ids.heading(str(given), line) if given else self.ids.unique(slugify(plain_text(content)))
        written = int(node.tag[1])
        level = min(max(written + self.shift, 1), 6)
        if level > self.previous_level + 1:  # said in the levels the author wrote
            before = self.previous_level - self.shift
            after = f"level {before}" if before >= 1 else "the story's title"
            self.error(line, f"heading level {written} follows {after}: headings may not skip a level; "
                       f"use {'#' * (before + 1)} here")
        self.previous_level = level
        return Heading(level, heading_id, content, line)

    def _division(self, node: SyntaxTreeNode, line: int) -> Block | None:
        if not node.meta.get("closed", True):
            self.error(line, "fenced div opened here is never closed: add a line ::: after its content")
        attrs = parse_attrs(node.info)
        if attrs is None:
            self.error(line, f"cannot read the attributes {node.info!r}: write them as {{.class key=value}}")
            attrs = {}
        classes = tuple(str(attrs.get("class", "")).split())
        if "description" in classes:
            return None  # attached to its figure by _collect_descriptions
        lang = attrs.get("lang")
        if lang is not None and (problem := language_problem(str(lang))):
            self.error(line, problem)
            lang = None
        return Division(classes, str(lang) if lang else None, self.blocks(node.children), line)

    # -- figures --------------------------------------------------------------------------------

    def _figure(self, node: SyntaxTreeNode, line: int) -> Figure | None:
        attrs = {k: str(v) for k, v in node.attrs.items()}
        src = attrs.get("src", "")
        alt = self._alt_text(node)
        decorative = "decorative" in attrs.get("class", "").split()
        figure_id = attrs.get("id", "")
        if not figure_id and (decorative or not self.leniency.figure_ids_required):
            figure_id = self.ids.unique(slugify(PurePosixPath(src).stem))
        else:
            figure_id = self.ids.figure(figure_id, src, line, self.figures)
        primary = self.primary_figures.get(figure_id)
        for field, text, shown_as in (("alt", alt, "the alt text"), ("caption", attrs.get("caption", ""), "the caption"),
                                      ("credit", attrs.get("credit", ""), "the credit"), ("src", src, "the image path")):
            if problem := too_long(field, text, f'{shown_as} of figure "{shown(figure_id) or src[:40]}"'):
                self.error(line, problem)
        if primary is not None:
            decorative = decorative or primary.decorative
        if not alt and not decorative:
            self.error(line, f'figure "{figure_id or src}" has no alt text: describe what the photo shows '
                       "between the brackets, or mark it {.decorative} if it carries no information")
        for name in sorted(set(attrs) - set(FIGURE_ATTRS)):
            self.warn(line, f"figure attribute `{name}` is ignored: figures take #id, .decorative, "
                      "credit and caption")
        if (photo := self._photo(src, line)) is None:
            return None
        if primary is not None and primary.photo.src != photo.src:
            self.error(line, f'figure "{figure_id}" shows {photo.src} in {self.lang} but {primary.photo.src} '
                       "in the primary text: a figure id names one photo in every language")
        credit = self.smart(self._credit(attrs.get("credit", ""), figure_id or src, line))
        credit = credit or self.default_credit or (primary.credit if primary else "")
        figure = Figure(figure_id, photo, "" if decorative else alt, self.smart(attrs.get("caption", "")), credit,
                        decorative, self.descriptions.get(figure_id, ()), line)
        self.problems.extend(lint.figure_problems(self.source, figure, alt))
        if figure_id:
            self.figures[figure_id] = figure
        return figure

    def _credit(self, written: str, name: str, line: int) -> str:
        """The credit as written, without a "Photo:" the author put first (storyexport adds its own)."""
        written = " ".join(written.split())
        if prefix := credit_label(written):
            credit = written[len(prefix):]
            self.warn(line, f'figure "{name}": the credit starts with "{prefix.strip()}", which storyexport '
                      f'adds itself ("{credit_line(credit, self.lang)}"); write credit="{credit}"')
            return credit
        return written

    def _collect_descriptions(self, tree: SyntaxTreeNode) -> None:
        self._description_lines: dict[str, int] = {}
        for node in tree.walk():
            if node.type != "fenced_div":
                continue
            attrs = parse_attrs(node.info) or {}
            if "description" not in str(attrs.get("class", "")).split():
                continue
            line, target = _line(node), str(attrs.get("for", ""))
            if not target:
                self.error(line, "a long description needs the figure it describes: ::: {.description for=<figure id>}")
            elif problem := id_problem(target):
                self.error(line, f"the description's `for`: {problem}")
                self.descriptions[shown(target)] = self.blocks(node.children)
                self._description_lines[shown(target)] = line
            elif target in self.descriptions:
                self.error(line, f'figure "{target}" has a second long description; join them into one')
            else:
                self.descriptions[target] = self.blocks(node.children)
                self._description_lines[target] = line

    def _inline_image(self, node: SyntaxTreeNode, line: int) -> Span | None:
        """An image inside a sentence: its alt text is part of the sentence (spoken, shown if it fails)."""
        src, alt = str(node.attrs.get("src", "")), self._alt_text(node)
        decorative = "decorative" in str(node.attrs.get("class", "")).split()
        if not alt and not decorative:
            self.error(line, f"image {src!r} has no alt text: write what it shows between the brackets, "
                       "or mark it {.decorative} if it carries no information")
        photo = self._photo(src, line)
        return Span("" if decorative else alt, image=photo) if photo else None

    def _photo(self, src: str, line: int) -> Photo | None:
        try:
            return self.photos.photo(src)
        except PhotoProblem as problem:
            self.error(line, str(problem))
            return None

    def _alt_text(self, node: SyntaxTreeNode) -> str:
        if node.token is not None and node.token.children:
            smarten_tokens(markdown(self.lang), node.token.children, self.env)
        return " ".join(_alt_text(node).split())

    def smart(self, text: str) -> str:
        """Attribute text (a caption, a credit) unescaped (\\" is ") with this language's typography."""
        return smart_text(re.sub(r"\\(.)", r"\1", text), quotation_marks(self.lang))

    # -- inline and footnotes -------------------------------------------------------------------

    def inline(self, inline: SyntaxTreeNode, line: int) -> Inline:
        hooks = InlineHooks(self.error, self.warn, self._note_label, self._inline_image)
        return InlineReader(line, hooks).read(inline.children)

    def _note_label(self, node: SyntaxTreeNode, line: int) -> str:
        label = node.meta.get("label") or f"^{node.meta['id']}"
        if label not in self.note_order:
            self.note_order.append(label)
            self.note_lines[label] = line
        return label

    def _footnotes(self, definitions: list[SyntaxTreeNode]) -> tuple[Footnote, ...]:
        bodies: dict[str, tuple[tuple[Block, ...], int]] = {}
        for node in definitions:
            label, line = str(node.meta.get("label")), _line(node)
            if label in bodies:
                self.error(line, f"footnote [^{label}] is defined twice in the {self.lang} text")
                continue
            bodies[label] = (self.blocks(node.children), line)
            if label not in self.note_order:
                self.warn(line, f"footnote [^{label}] is never referred to in the text; it will not appear")
        for note_id, data in self.env.get("footnotes", {}).get("list", {}).items():
            if "tokens" in data:  # an inline note ^[...]
                label = f"^{note_id}"
                line = self.note_lines.get(label, 0)
                smarten_tokens(markdown(self.lang), data["tokens"], self.env)
                root = SyntaxTreeNode(_wrap_inline(data["tokens"], data.get("content", "")))
                bodies[label] = ((Paragraph(self.inline(root.children[0].children[0], line), line),), line)
        return tuple(Footnote(label, number, *bodies[label])
                     for number, label in enumerate((lb for lb in self.note_order if lb in bodies), start=1))


def _line(node: SyntaxTreeNode) -> int:
    """The 1-based file line of a block (token maps are 0-based and span the whole file)."""
    return node.map[0] + 1 if node.map else 0


def _alt_text(node: SyntaxTreeNode) -> str:
    return "".join(child.content for child in node.walk() if child.type in ("text", "code_inline", "text_special"))


def _wrap_inline(children: list[Token], content: str) -> list[Token]:
    inline = Token("inline", "", 0, content=content, children=children)
    return [Token("paragraph_open", "p", 1), inline, Token("paragraph_close", "p", -1)]


def slugify(text: str) -> str:
    """An ASCII id from heading text: "¿Qué pasó?" -> "que-paso"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug if slug and slug[0].isalpha() else f"section-{slug}" if slug else "section"

