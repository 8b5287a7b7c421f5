"""Pandoc's grid tables (without row or column spans, as pandoc 2.17): cells are parsed as blocks."""

from __future__ import annotations

import re

from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

GRID_BORDER = re.compile(r"^\+(?:[-=:]+\+)+\s*$")


def _text(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n]: state.eMarks[n]]


def _pluses(line: str) -> list[int]:
    return [i for i, ch in enumerate(line.rstrip()) if ch == "+"]


def _is_regular(lines: list[str], bounds: list[int]) -> bool:
    """Every border has the top line's `+`s and every cell line its `|`s: no spans, no ragged lines."""
    return all(_pluses(line) == bounds if GRID_BORDER.match(line) else
               len(line.rstrip()) == bounds[-1] + 1 and all(line[b] == "|" for b in bounds)
               for line in lines)


def _alignments(line: str, bounds: list[int]) -> list[str | None]:
    """From the header separator (or the top line): ":--" left, "--:" right, ":-:" center."""
    found: list[str | None] = []
    for a, b in zip(bounds, bounds[1:]):
        seg = line[a + 1: b]
        found.append("center" if seg.startswith(":") and seg.endswith(":") else
                     "right" if seg.endswith(":") else "left" if seg.startswith(":") else None)
    return found


def grid_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """+---+ bordered tables; a table with spans or ragged lines becomes `grid_table_invalid`."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    top = _text(state, start)
    if not GRID_BORDER.match(top) or "=" in top:
        return False
    n, lines = start, []
    while n < end and _text(state, n)[:1] in ("+", "|"):
        lines.append(_text(state, n))
        n += 1
    if len(lines) < 3 or not GRID_BORDER.match(lines[-1]):
        return False
    if silent:
        return True
    state.line = n
    bounds = _pluses(top)
    if not _is_regular(lines, bounds):  # row/column spans (pandoc 3 only) or ragged lines
        token = state.push("grid_table_invalid", "", 0)
        token.map, token.content = [start, n], "\n".join(lines)
        return True
    _push_table(state, start, n, lines, bounds)
    return True


def _push_table(state: StateBlock, start: int, end: int, lines: list[str], bounds: list[int]) -> None:
    separators = [i for i, line in enumerate(lines) if GRID_BORDER.match(line)]
    header_sep = next((i for i in separators if "=" in lines[i]), None)
    aligns = _alignments(lines[header_sep] if header_sep is not None else lines[0], bounds)
    total = bounds[-1] - bounds[0]
    token = state.push("table_open", "table", 1)
    token.map = [start, end]
    token.meta = {"kind": "grid", "widths": [(b - a) / total for a, b in zip(bounds, bounds[1:])]}
    section = "thead" if header_sep is not None else "tbody"
    state.push(f"{section}_open", section, 1)
    for top_sep, bottom_sep in zip(separators, separators[1:]):
        if header_sep is not None and top_sep == header_sep:
            state.push("thead_close", "thead", -1)
            state.push("tbody_open", "tbody", 1)
            section = "tbody"
        kind = "th" if header_sep is not None and bottom_sep <= header_sep else "td"
        row_lines = lines[top_sep + 1: bottom_sep]
        _push_row(state, kind, start + top_sep + 1, row_lines, bounds, aligns)
    state.push(f"{section}_close", section, -1)
    state.push("table_close", "table", -1)


def _push_row(state: StateBlock, kind: str, first: int, row_lines: list[str], bounds: list[int],
              aligns: list[str | None]) -> None:
    state.push("tr_open", "tr", 1).map = [first, first + len(row_lines)]
    for (a, b), align in zip(zip(bounds, bounds[1:]), aligns):
        cell = state.push(f"{kind}_open", kind, 1)
        if align:
            cell.attrSet("style", f"text-align:{align}")
        cell.map = [first, first + len(row_lines)]
        inner: list[Token] = []
        state.md.block.parse(_dedent("\n".join(line[a + 1: b].rstrip() for line in row_lines)),
                             state.md, state.env, inner)
        for token in inner:  # cell lines to file lines
            token.map = [first + token.map[0], first + token.map[1]] if token.map else None
            token.level += state.level
        state.tokens.extend(inner)
        state.push(f"{kind}_close", kind, -1)
    state.push("tr_close", "tr", -1)


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indent = min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)
    return "\n".join(line[indent:] for line in lines)
