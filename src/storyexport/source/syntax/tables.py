"""Pandoc's tables on markdown-it-py: pipe tables (markdown-it's own rule), simple, multiline and grid
tables (ours, in text_tables.py and grid_tables.py) and their captions (`Table: x` or `: x`,
before or after the table).

Every kind gives markdown-it's pipe-table tokens: table_open [table_caption_open inline
table_caption_close] thead_open tr_open th_open inline ... ; th/td carry `style` "text-align:..."
and table_open.meta {"kind": "pipe|simple|multiline|grid", "widths": [...] or None}. Grid cells
hold block tokens instead of one inline token, as pandoc allows.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore

from .grid_tables import grid_table
from .text_tables import multiline_table, simple_table

CAPTION = re.compile(r"^(?:[Tt]able)?:[ \t]+(\S.*)$")  # pandoc: "Table: x", "table: x" or ": x"


def _text(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n]: state.eMarks[n]]


def _next_content(state: StateBlock, n: int, end: int) -> int:
    while n < end and state.isEmpty(n):
        n += 1
    return n


def _block_end(state: StateBlock, n: int, end: int) -> int:
    """The first blank line (or the end) at or after line n."""
    while n < end and not state.isEmpty(n):
        n += 1
    return n


def _caption_before_table(state: StateBlock, n: int, end: int) -> bool:
    """Line n is a caption line and a table follows its paragraph."""
    if n >= end or not CAPTION.match(_text(state, n)):
        return False
    return _starts_table(state, _next_content(state, _block_end(state, n + 1, end), end), end)


def _starts_table(state: StateBlock, n: int, end: int) -> bool:
    if n >= end:
        return False
    for name in ("table", "simple_table", "multiline_table", "grid_table"):
        rule = state.md.block.ruler.__rules__[state.md.block.ruler.__find__(name)].fn
        if rule(state, n, end, True):
            return True
    return False


def table_caption(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """`Table: x` / `: x` lines (until a blank line) right before or after a table."""
    if state.sCount[start] - state.blkIndent >= 4 or not CAPTION.match(_text(state, start)):
        return False
    if silent:  # only called as a terminator ("blockquote" chain): end a pipe table's rows here
        return state.parentType == "table"
    last = _block_end(state, start + 1, end)
    after_table = bool(state.tokens) and state.tokens[-1].type == "table_close"
    if not after_table and not _starts_table(state, _next_content(state, last, end), end):
        return False
    text = "\n".join([CAPTION.match(_text(state, start))[1]] + [_text(state, n) for n in range(start + 1, last)])
    opening = state.push("table_caption_open", "caption", 1)
    opening.map, opening.meta = [start, last], {"after": after_table}  # after wins, as in pandoc
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = text.strip(), [start, last], []
    state.push("table_caption_close", "caption", -1)
    state.line = last
    return True


def move_captions(state: StateCore) -> None:
    """Core rule: put each caption (before or after) inside its table, after table_open."""
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type != "table_caption_open":
            i += 1
            continue
        caption = tokens[i:i + 3]
        del tokens[i:i + 3]
        if not caption[0].meta.get("after") and i < len(tokens) and tokens[i].type == "table_open":
            at = i + 1
        else:  # caption after: find the matching table_open backwards
            depth, at = 0, i - 1
            while at >= 0:
                depth += {"table_close": 1, "table_open": -1}.get(tokens[at].type, 0)
                if depth == 0:
                    break
                at -= 1
            at += 1
        tokens[at:at] = caption
        i = at + 3


def guard_deflist(md: MarkdownIt) -> None:
    """pandoc reads "Para\\n\\n: caption\\n\\n| table" as paragraph + captioned table; the deflist
    plugin would make "Para" a term. Refuse a definition list whose definition is a caption."""
    index = md.block.ruler.__find__("deflist")
    original = md.block.ruler.__rules__[index].fn

    def deflist(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        after_term = _next_content(state, _block_end(state, start + 1, end), end)
        if _text(state, after_term).startswith(":") and _caption_before_table(state, after_term, end):
            return False
        if _caption_before_table(state, start + 1, end):  # the compact form "Term\n: caption"
            return False
        return original(state, start, end, silent)

    # Ruler.at() without options resets the rule's alt chains: give them again
    md.block.ruler.at("deflist", deflist, {"alt": ["paragraph", "reference", "blockquote"]})


def pandoc_tables_plugin(md: MarkdownIt) -> None:
    """Every table kind and captions; use it after the deflist plugin (a caption is no definition)."""
    md.enable("table")
    alt = {"alt": ["paragraph", "reference"]}
    md.block.ruler.before("table", "grid_table", grid_table, alt)
    md.block.ruler.before("table", "multiline_table", multiline_table, alt)
    md.block.ruler.before("table", "simple_table", simple_table, alt)  # before hr/code/lheading
    md.block.ruler.before("grid_table", "table_caption", table_caption, {"alt": ["blockquote"]})
    md.core.ruler.after("block", "move_captions", move_captions)
    if "deflist" in md.block.ruler.get_all_rules():
        guard_deflist(md)
