"""Pandoc's line blocks (poetry, addresses): lines that start with "| " keep their line breaks.

Tokens: `line_block_open`, one `inline` whose lines are joined by hard breaks, `line_block_close`.
A line that starts with a space continues the previous one; spaces after "| " become no-break
spaces, as in pandoc. Registered after "table" (a pipe table wins) and in no other rule's
terminator chain, so it never ends a table, a quote or a paragraph.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

NBSP = "\u00a0"


def _line(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n]: state.eMarks[n]]


def _starts(state: StateBlock, n: int) -> bool:
    text = _line(state, n)
    return state.sCount[n] - state.blkIndent < 4 and (text == "|" or text.startswith("| "))


def line_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if not _starts(state, start):
        return False
    if silent:
        return True
    lines: list[str] = []
    n = start
    while n < end and not state.isEmpty(n):
        if _starts(state, n):
            body = _line(state, n)[2:]
            stripped = body.lstrip(" ")
            lines.append(NBSP * (len(body) - len(stripped)) + stripped)
        elif state.src[state.bMarks[n]: state.bMarks[n] + 1] in (" ", "\t") and lines:
            lines[-1] += "\n" + _line(state, n).strip()  # continues the line above
        else:
            break
        n += 1
    state.push("line_block_open", "div", 1).map = [start, n]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = "\\\n".join(line.rstrip("\\") for line in lines), [start, n], []
    state.push("line_block_close", "div", -1)
    state.line = n
    return True


def line_block_plugin(md: MarkdownIt) -> None:
    md.block.ruler.after("table", "line_block", line_block, {"alt": []})
