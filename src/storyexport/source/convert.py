"""One language's Markdown syntax tree to model blocks, footnotes and figures, collecting problems."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..errors import Problem
from ..model import (
    Block,
    CodeBlock,
    Division,
    Figure,
    Footnote,
    Heading,
    Inline,
    ItemList,
    ListItem,
    Paragraph,
    Quote,
    ThematicBreak,
    plain_text,
)
from ..text.labels import credit_label, credit_line
from ..text.languages import language_problem
from . import lint
from .inline import InlineReader
from .markdown import parse_attrs
from .photos import PhotoChecker, PhotoProblem

FIGURE_ATTRS = ("id", "class", "credit", "caption", "src", "alt")
TRAILING_ATTRS = re.compile(r"\s*(\{[^{}]*\})\s*$")
MAX_BLOCK_CHARS = 20_000  # about 3,000 words: sentence splitting and narration stay fast
RESERVED_ID = re.compile(r"^(s\d+|fn-\d+|fnref-\d+(-\d+)?|notes-title|main|narration-title)$")


@dataclass
class Section:
    """What a language's text turned into, before it becomes an Article."""

    blocks: tuple[Block, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    figures: dict[str, Figure] = field(default_factory=dict)


class SectionConverter:
    """Converts one language's syntax tree; problems go into the shared list."""

    def __init__(self, source: Path, lang: str, photos: PhotoChecker, problems: list[Problem],
                 primary_figures: dict[str, Figure] | None = None, default_credit: str = ""):
        self.source, self.lang, self.photos, self.problems = source, lang, photos, problems
        self.primary_figures = primary_figures or {}
        self.default_credit = default_credit  # the front matter's credit for this language
        self.figures: dict[str, Figure] = {}
        self.heading_ids: set[str] = set()
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
        if kind == "paragraph":
            return self._paragraph_or_figure(node, line)
        if kind == "heading":
            return self._heading(node, line)
        if kind in ("bullet_list", "ordered_list"):
            start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else 1
            items = tuple(ListItem(self.blocks(item.children)) for item in node.children)
            return ItemList(kind == "ordered_list", start, items, line)
        if kind == "blockquote":
            return Quote(self.blocks(node.children), line)
        if kind in ("fence", "code_block"):
            if len(node.content) > MAX_BLOCK_CHARS:
                self.error(line, f"code block of {len(node.content):,} characters: the limit is {MAX_BLOCK_CHARS:,}")
            return CodeBlock(node.content.rstrip("\n"), line)
        if kind == "hr":
            return ThematicBreak(line)
        if kind == "fenced_div":
            return self._division(node, line)
        if kind == "fenced_div_stray":
            self.error(line, "closing ::: without an opening fence: remove it, or open a div above "
                       "with ::: {.class} or ::: {lang=xx}")
        elif kind == "footnote_reference":
            self.error(line, "a footnote definition must start at the margin, not inside another block")
        return None

    def _paragraph_or_figure(self, node: SyntaxTreeNode, line: int) -> Block | None:
        inline = node.children[0]
        content = [c for c in inline.children if not (c.type in ("text", "softbreak") and not c.content.strip())]
        if len(content) == 1 and content[0].type == "image":
            return self._figure(content[0], line)
        paragraph = Paragraph(self.inline(inline, line), line)
        if (size := len(plain_text(paragraph.content))) > MAX_BLOCK_CHARS:
            self.error(line, f"paragraph of {size:,} characters: a paragraph may have at most "
                       f"{MAX_BLOCK_CHARS:,} (about 3,000 words); split it with blank lines")
        return paragraph

    def _heading(self, node: SyntaxTreeNode, line: int) -> Heading:
        attrs = dict(node.attrs)
        inline = node.children[0]
        last = inline.children[-1] if inline.children else None
        if last is not None and last.type == "text" and (match := TRAILING_ATTRS.search(last.content)):
            parsed = parse_attrs(match[1])
            if parsed is not None:
                attrs.update(parsed)
                last.token.content = last.content[: match.start()]
        content = self.inline(inline, line)
        heading_id = self._unique_id(str(attrs.get("id") or slugify(plain_text(content))))
        return Heading(int(node.tag[1]), heading_id, content, line)

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
        alt = " ".join(_alt_text(node).split())
        decorative = "decorative" in attrs.get("class", "").split()
        figure_id = attrs.get("id", "")
        primary = self.primary_figures.get(figure_id)
        if not figure_id:
            self.error(line, f"figure {src!r} has no id: add one after the image, "
                       "e.g. ![alt](photos/x.jpg){#x}, so translations can share the photo")
        elif figure_id in self.figures:
            self.error(line, f'figure id "{figure_id}" is used twice in the {self.lang} text')
            figure_id = ""
        if primary is not None:
            decorative = decorative or primary.decorative
        if not alt and not decorative:
            self.error(line, f'figure "{figure_id or src}" has no alt text: describe what the photo shows '
                       "between the brackets, or mark it {.decorative} if it carries no information")
        for name in sorted(set(attrs) - set(FIGURE_ATTRS)):
            self.warn(line, f"figure attribute `{name}` is ignored: figures take #id, .decorative, "
                      "credit and caption")
        try:
            photo = self.photos.photo(src)
        except PhotoProblem as problem:
            self.error(line, str(problem))
            return None
        if primary is not None and primary.photo.src != photo.src:
            self.error(line, f'figure "{figure_id}" shows {photo.src} in {self.lang} but {primary.photo.src} '
                       "in the primary text: a figure id names one photo in every language")
        credit = self._credit(attrs.get("credit", ""), figure_id or src, line)
        credit = credit or self.default_credit or (primary.credit if primary else "")
        figure = Figure(figure_id, photo, "" if decorative else alt, attrs.get("caption", ""), credit,
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
            elif target in self.descriptions:
                self.error(line, f'figure "{target}" has a second long description; join them into one')
            else:
                self.descriptions[target] = self.blocks(node.children)
                self._description_lines[target] = line

    # -- inline and footnotes -------------------------------------------------------------------

    def inline(self, inline: SyntaxTreeNode, line: int) -> Inline:
        return InlineReader(line, self.error, self._note_label).read(inline.children)

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
                root = SyntaxTreeNode(_wrap_inline(data["tokens"], data.get("content", "")))
                bodies[label] = ((Paragraph(self.inline(root.children[0].children[0], line), line),), line)
        return tuple(Footnote(label, number, *bodies[label])
                     for number, label in enumerate((lb for lb in self.note_order if lb in bodies), start=1))

    def _unique_id(self, base: str) -> str:
        if RESERVED_ID.match(base):  # ids the renders give sentences and notes
            base = f"h-{base}"
        candidate, n = base, 1
        while candidate in self.heading_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.heading_ids.add(candidate)
        return candidate


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

