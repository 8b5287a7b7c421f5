"""The Markdown dialect: CommonMark plus pandoc's extensions that stories use.

markdown-it-py's own rules (pipe tables, strikethrough, task lists, smart quotes) and
mdit-py-plugins (attributes, spans, footnotes, definition lists, sub/superscript) where they
exist; our rules in `syntax/` for what no plugin parses (fenced divs, simple/multiline/grid
tables and captions, pandoc's list markers, line blocks, the raw HTML subset, typography).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attr_text
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from ..text.languages import quotation_marks
from .syntax.line_blocks import line_block_plugin
from .syntax.lists import list_block
from .syntax.raw_html import raw_html_plugin
from .syntax.tables import pandoc_tables_plugin
from .syntax.typography import typography_plugin

from .limits import MAX_NESTING

# markdown-it stops reading a document silently when blocks nest deeper than its maxNesting
# (everything after is lost). The guard rule below stops well before that: deeper lines become
# `nesting_too_deep` tokens, which the converter reports with their line. A nesting level of ours
# (a list, a quote, a div, a table) is at most four of markdown-it's (a grid table, its body, row
# and cell), so the converter's own limit, MAX_NESTING, is always reached first.
GUARD_LEVEL = 4 * MAX_NESTING + 4
PARSER_MAX_NESTING = 2 * GUARD_LEVEL
DIV_OPEN = re.compile(r"^(:{3,})[ \t]*(\{[^{}]*\}|[^\s:{}]+)[ \t]*:*[ \t]*$")
DIV_CLOSE = re.compile(r"^:{3,}[ \t]*$")
CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TRAILING_ATTRS = re.compile(r"\s*(\{[^{}]*\})\s*$")


def markdown(lang: str = "en") -> MarkdownIt:
    """The parser for text in `lang` (its quotation marks); raw HTML is read, then filtered."""
    return _markdown(quotation_marks(lang))


@lru_cache(maxsize=8)
def _markdown(quotes: tuple[str, str, str, str]) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": False, "tasklists": True, "maxNesting": PARSER_MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # every link and image is judged, with its line, by parse
    md.use(footnote_plugin, move_to_end=False, inline=True)
    md.use(attrs_plugin, spans=True).use(attrs_block_plugin)
    md.use(deflist_plugin).use(sub_plugin).use(superscript_plugin)
    md.block.ruler.at("list", list_block, {"alt": ["paragraph", "reference", "blockquote"]})
    md.use(pandoc_tables_plugin).use(line_block_plugin)
    md.block.ruler.before("fence", "fenced_div", fenced_div,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.use(raw_html_plugin)
    md.core.ruler.after("inline", "heading_attrs", heading_attrs)
    typography_plugin(md, quotes)
    md.block.ruler.before(md.block.ruler.__rules__[0].name, "nesting_guard", nesting_guard)
    return md


def nesting_guard(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Block rule: a line nested deeper than GUARD_LEVEL becomes a `nesting_too_deep` token, kept."""
    if state.level < GUARD_LEVEL or silent:
        return False
    token = state.push("nesting_too_deep", "", 0)
    token.map = [start, start + 1]
    token.content = _line(state, start)
    state.line = start + 1
    return True


def heading_attrs(state: StateCore) -> None:
    """Core rule: a heading's trailing `{#id .class}` moves into heading_open.attrs before the
    typography rules could curl the quotes inside it."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type != "heading_open" or not inline.children or inline.children[-1].type != "text":
            continue
        last = inline.children[-1]
        if (match := TRAILING_ATTRS.search(last.content)) and (parsed := parse_attrs(match[1])) is not None:
            last.content = last.content[: match.start()]
            for key, value in parsed.items():
                token.attrSet(key, value)


def parse_attrs(text: str) -> dict[str, str] | None:
    """`{#id .cls key=value}` or a bare class name, as a dict; None when it does not parse."""
    text = text.strip()
    if not text.startswith("{"):
        return {"class": text}
    try:
        return parse_attr_text(text)[1]
    except ParseError:
        return None


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]: state.eMarks[line]]


def find_div_end(lines: list[str], start: int) -> int | None:
    """The index of the bare ::: that closes the div opened at lines[start] (Pandoc nesting)."""
    depth, code_fence = 0, None
    for index in range(start, len(lines)):
        text = lines[index]
        fence = CODE_FENCE.match(text)
        if code_fence:
            if fence and fence[1][0] == code_fence[0] and len(fence[1]) >= len(code_fence):
                code_fence = None
            continue
        if fence:
            code_fence = fence[1]
        elif DIV_OPEN.match(text):
            depth += 1
        elif DIV_CLOSE.match(text):
            depth -= 1
            if depth == 0:
                return index
    return None


def fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Block rule for `::: {attrs}` ... `:::`; a stray closing fence becomes a `fenced_div_stray`."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = _line(state, start)
    if DIV_CLOSE.match(first):
        if not silent:
            token = state.push("fenced_div_stray", "", 0)
            token.map = [start, start + 1]
        state.line = start + 1
        return True
    opening = DIV_OPEN.match(first)
    if not opening:
        return False
    if silent:
        return True
    last = start
    while last + 1 < end and (state.isEmpty(last + 1) or state.sCount[last + 1] >= state.blkIndent):
        last += 1
    lines = [_line(state, n) for n in range(start, last + 1)]
    close = find_div_end(lines, 0)
    inner_end = start + close if close is not None else last + 1
    token = state.push("fenced_div_open", "div", 1)
    token.info = opening[2]
    token.map = [start, inner_end + (close is not None)]
    token.meta = {"closed": close is not None}
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType, state.lineMax = "fenced_div", inner_end
    state.md.block.tokenize(state, start + 1, inner_end)
    state.parentType, state.lineMax = old_parent, old_max
    state.push("fenced_div_close", "div", -1)
    state.line = inner_end + (close is not None)
    return True
