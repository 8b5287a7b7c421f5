"""Tables and definition lists: their syntax-tree nodes to model blocks (the converter reads the rest)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from ..model import Block, Definition, DefinitionList, Inline, Paragraph, Table, TableRow, blocks_text

if TYPE_CHECKING:
    from .convert import SectionConverter

ALIGNMENT = re.compile(r"text-align:\s*(left|right|center)")


def _line(node: SyntaxTreeNode, fallback: int) -> int:
    return node.map[0] + 1 if node.map else fallback


class TableReader:
    """One table node (any of pandoc's kinds) to a Table."""

    def __init__(self, converter: SectionConverter):
        self.converter = converter

    def table(self, node: SyntaxTreeNode, line: int) -> Table:
        caption: Inline = ()
        head: list[TableRow] = []
        body: list[TableRow] = []
        for child in node.children:
            if child.type == "table_caption":
                caption = self.converter.inline(child.children[0], _line(child, line))
            elif child.type in ("thead", "tbody"):
                rows = [self.row(tr, line) for tr in child.children]
                (head if child.type == "thead" else body).extend(rows)
        first_row = next((tr for part in node.children if part.type in ("thead", "tbody") for tr in part.children),
                         None)
        alignments = tuple(_alignment(cell) for cell in first_row.children) if first_row else ()
        head = [row for row in head if any(blocks_text(cell).strip() for cell in row.cells)]
        widths = tuple((node.meta or {}).get("widths") or ())
        return Table(caption, alignments, widths, tuple(head), tuple(body), _names_rows(head, body), line)

    def row(self, node: SyntaxTreeNode, fallback: int) -> TableRow:
        line = _line(node, fallback)
        return TableRow(tuple(self.cell(cell, line) for cell in node.children), line)

    def cell(self, node: SyntaxTreeNode, line: int) -> tuple[Block, ...]:
        if len(node.children) == 1 and node.children[0].type == "inline":
            return (Paragraph(self.converter.inline(node.children[0], line), line),)
        self.converter.in_cell = True
        try:  # a grid table's cell: blocks
            return self.converter.blocks(node.children)
        finally:
            self.converter.in_cell = False


def _alignment(cell: SyntaxTreeNode) -> str | None:
    match = ALIGNMENT.search(str(cell.attrs.get("style", "")))
    return match[1] if match else None


def _names_rows(head: list[TableRow], body: list[TableRow]) -> bool:
    """The first column holds row headers when the table has column headers, at least two columns,
    and a distinct, non-empty first cell in every row (a country, a year...)."""
    if not head or not body or len(head[-1].cells) < 2:
        return False
    firsts = [blocks_text(row.cells[0]).strip() if row.cells else "" for row in body]
    return all(firsts) and len(set(firsts)) == len(firsts)


def definition_list(converter: SectionConverter, node: SyntaxTreeNode, line: int) -> DefinitionList:
    """`Term` then `:   definition` lines: each dt with the dd nodes that follow it."""
    items: list[Definition] = []
    for child in node.children:
        if child.type == "dt":
            term_line = _line(child, line)
            items.append(Definition(converter.inline(child.children[0], term_line), (), term_line))
        elif child.type == "dd" and items:
            last = items[-1]
            items[-1] = Definition(last.term, (*last.definitions, converter.blocks(child.children)), last.line)
    return DefinitionList(tuple(items), line)
