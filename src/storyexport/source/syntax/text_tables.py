"""Pandoc's simple and multiline tables: columns from runs of dashes, alignment from where the
header text sits against its dashes (pandoc's alignType)."""

from __future__ import annotations

import re

from markdown_it.rules_block import StateBlock

DASHES = re.compile(r"-+")
FULL_DASHES = re.compile(r"^-{3,}\s*$")


def _raw_lines(state: StateBlock):
    """A line of the source without the enclosing block's indent (columns count from there)."""
    return lambda n: state.src[state.bMarks[n] + min(state.blkIndent, state.tShift[n]): state.eMarks[n]]


def _text(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n]: state.eMarks[n]]


Row = tuple[tuple[int, int], list[str]]  # (its source lines [first, end), the text of each cell)


def push_table(state: StateBlock, lines: tuple[int, int], meta: dict, head: Row | None, body: list[Row],
               aligns: list[str | None]) -> None:
    """The tokens of a whole table, the shape of markdown-it's pipe tables."""
    token = state.push("table_open", "table", 1)
    token.map, token.meta = list(lines), meta
    if head is not None:
        state.push("thead_open", "thead", 1)
        _push_row(state, "th", head, aligns)
        state.push("thead_close", "thead", -1)
    state.push("tbody_open", "tbody", 1)
    for row in body:
        _push_row(state, "td", row, aligns)
    state.push("tbody_close", "tbody", -1)
    state.push("table_close", "table", -1)
    state.line = lines[1]


def _push_row(state: StateBlock, kind: str, row: Row, aligns: list[str | None]) -> None:
    """One row of th or td cells, each holding one inline token."""
    lines, texts = row
    state.push("tr_open", "tr", 1).map = list(lines)
    for text, align in zip(texts, aligns):
        cell = state.push(f"{kind}_open", kind, 1)
        if align:
            cell.attrSet("style", f"text-align:{align}")
        inline = state.push("inline", "", 0)
        inline.content, inline.map, inline.children = text, list(lines), []
        state.push(f"{kind}_close", kind, -1)
    state.push("tr_close", "tr", -1)


def _columns(dash_line: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in DASHES.finditer(dash_line)]


def _is_dash_line(text: str) -> bool:
    return bool(text.strip()) and set(text.strip()) <= {"-", " "} and len(_columns(text)) >= 2


def _cells(line: str, cols: list[tuple[int, int]]) -> list[str]:
    starts = [s for s, _ in cols] + [None]
    return [line[starts[i]: starts[i + 1]].strip() if i + 1 < len(cols) else line[starts[i]:].strip()
            for i in range(len(cols))]


def _align(line: str, cols: list[tuple[int, int]], index: int) -> str | None:
    """pandoc's alignType: the raw cell text (from its column's start to the next column's
    start) against the dash run's length. Flush left only -> left, indented only -> right,
    indented and shorter -> center, neither -> default (None)."""
    start, end = cols[index]
    stop = cols[index + 1][0] if index + 1 < len(cols) else None
    cell = line[start:stop].rstrip()
    if not cell:
        return None
    left_space, right_space = cell[0] in " \t", len(cell) < end - start
    return {(True, False): "right", (False, True): "left", (True, True): "center"}.get((left_space, right_space))


def simple_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """pandoc simple_tables: header line + dash groups, rows to a blank line; or headerless,
    between two dash lines. (Multiline tables are not handled here.)"""
    dash_at = start if _is_dash_line(_text(state, start)) else start + 1
    if dash_at >= end or state.sCount[dash_at] - state.blkIndent >= 4:
        return False  # a header may be indented 4+ spaces (pandoc), the dash line may not
    raw = _raw_lines(state)
    first = raw(start)
    if _is_dash_line(first):
        header, dash_line, body_start = None, first, start + 1
    elif start + 1 < end and _is_dash_line(raw(start + 1)) and first.strip():
        header, dash_line, body_start = first, raw(start + 1), start + 2
    else:
        return False
    cols = _columns(dash_line)
    rows, n = [], body_start
    while n < end and not state.isEmpty(n):
        if header is None and _is_dash_line(raw(n)):
            break
        rows.append((n, raw(n)))
        n += 1
    if header is None:
        if n >= end or state.isEmpty(n) or not rows:
            return False  # headerless needs its closing dash line
        close = n + 1
    else:
        close = n
        if not rows:
            return False
    if silent:
        return True
    source_for_align = header if header is not None else rows[0][1]
    aligns = [_align(source_for_align, cols, i) for i in range(len(cols))]
    head = ((start, start + 1), _cells(header, cols)) if header is not None else None
    body = [((line, line + 1), _cells(text, cols)) for line, text in rows]
    push_table(state, (start, close), {"kind": "simple", "widths": None}, head, body, aligns)
    return True


def multiline_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """pandoc multiline_tables. With header: full dash line, header lines, dash groups, rows
    separated by blank lines, full dash line. Headerless: dash groups, rows with at least one
    blank line between them, the same dash groups. The closing line is required."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    raw = _raw_lines(state)
    first = raw(start)
    if FULL_DASHES.match(first):
        n = start + 1
        while n < end and not state.isEmpty(n) and not _is_dash_line(raw(n)):
            n += 1
        if n >= end or state.isEmpty(n) or n == start + 1:
            return False
        header_lines, group_line, body_start = [raw(k) for k in range(start + 1, n)], raw(n), n + 1
        closing = lambda text: bool(FULL_DASHES.match(text))
    elif _is_dash_line(first):
        header_lines, group_line, body_start = None, first, start + 1
        closing = lambda text: _is_dash_line(text)
    else:
        return False
    cols = _columns(group_line)
    rows: list[tuple[int, list[str]]] = []
    n, current, saw_blank = body_start, None, False
    while n < end:
        text = raw(n) if not state.isEmpty(n) else ""
        if text and closing(text):
            break
        if not text:
            if current is None and not rows:
                return False
            saw_blank, current = True, None
        else:
            if current is None:
                current = (n, [])
                rows.append(current)
            current[1].append(text)
        n += 1
    if n >= end or not rows or (header_lines is None and not saw_blank):
        return False  # no closing line; or headerless without blank lines: a simple table
    if silent:
        return True
    def cell_texts(lines: list[str]) -> list[str]:
        per_col: list[list[str]] = [[] for _ in cols]
        for line in lines:
            for i, cell in enumerate(_cells(line, cols)):
                per_col[i].append(cell)
        return ["\n".join(c for c in cells if c) for cells in per_col]
    align_lines = header_lines if header_lines is not None else rows[0][1][:1]  # pandoc: first line
    aligns = []
    for i in range(len(cols)):  # pandoc: the shortest non-empty header line of the column decides
        candidates = [line for line in align_lines if _slice(line, cols, i).strip()]
        shortest = min(candidates, key=lambda l: len(_slice(l, cols, i).rstrip()), default="")
        aligns.append(_align(shortest, cols, i))
    total = max(len(group_line.rstrip()), 72)
    starts = [c[0] for c in cols] + [len(group_line.rstrip()) + 1]
    widths = [(starts[i + 1] - starts[i]) / total for i in range(len(cols))]
    head = None
    if header_lines is not None and any(line.strip() for line in header_lines):
        head = ((start + 1, start + 1 + len(header_lines)), cell_texts(header_lines))
    body = [((line, line + len(lines)), cell_texts(lines)) for line, lines in rows]
    push_table(state, (start, n + 1), {"kind": "multiline", "widths": widths}, head, body, aligns)
    return True


def _slice(line: str, cols: list[tuple[int, int]], i: int) -> str:
    stop = cols[i + 1][0] if i + 1 < len(cols) else None
    return line[cols[i][0]:stop]


