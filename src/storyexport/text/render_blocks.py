"""The markup of tables, definition lists and lists (ordered markers, task lists), for render.py.

A table sits in a focusable, labelled region that scrolls sideways on its own when it is wider
than the screen (WCAG 1.4.10: the page itself never does); its caption labels it, header cells
carry `scope`, and each body row carries the id of the sentence that reads it aloud.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from ..model import Block, DefinitionList, ItemList, ListItem, Paragraph, Table, TableRow
from .narration_plan import Sentence
from .labels import label

if TYPE_CHECKING:
    from .render import _Renderer

LIST_TYPES = {"decimal": "1", "lower-alpha": "a", "upper-alpha": "A", "lower-roman": "i", "upper-roman": "I"}
DELIMITER_CLASSES = {")": "marker-paren", "()": "marker-parens"}  # "." is the default look
TASK_MARKS = {True: "☑", False: "☐"}


class BlockMarkup:
    """Writes the blocks that need more than one element, through the renderer's inline writer."""

    def __init__(self, renderer: _Renderer):
        self.renderer = renderer
        self.tables = 0

    @property
    def lang(self) -> str:
        return self.renderer.article.lang

    # -- tables ---------------------------------------------------------------------------------

    def table(self, table: Table, path: tuple[int, ...], part: str) -> Markup:
        self.tables += 1
        table_id = f"table-{self.tables}"
        caption = Markup("")
        if table.caption:
            caption = Markup('\n<caption id="{}-caption">{}</caption>').format(
                table_id, self.renderer.sentences(table.caption, "caption", path))
            name = Markup('aria-labelledby="{}-caption"').format(table_id)
        else:
            name = Markup('aria-label="{} {}"').format(label(self.lang, "table"), self.tables)
        columns = Markup("").join(Markup('<col style="width: {}%" />').format(round(width * 100, 1))
                                  for width in table.widths)
        head_sentences = self.renderer._sentences("head", path)
        head = Markup("\n").join(self.row(table, row, None, head_sentences if n == len(table.head) - 1 else ())
                                 for n, row in enumerate(table.head))
        body = Markup("\n").join(self.row(table, row, (*path, index), self.renderer._sentences("row", (*path, index)))
                                 for index, row in enumerate(table.body))
        return Markup('<div class="table-scroll" role="region" tabindex="0" {}>\n<table id="{}">{}{}{}'
                      "\n<tbody>\n{}\n</tbody>\n</table>\n</div>").format(
            name, table_id, caption, Markup("\n<colgroup>{}</colgroup>").format(columns) if columns else "",
            Markup("\n<thead>\n{}\n</thead>").format(head) if head else "", body)

    def row(self, table: Table, row: TableRow, row_path: tuple[int, ...] | None,
            sentences: tuple[Sentence, ...]) -> Markup:
        """A header row (row_path None) or a body row, with the id of the sentence that reads it."""
        row_id = Markup(' id="{}"').format(sentences[0].id) if sentences else ""
        cells = []
        for index, cell in enumerate(row.cells):
            header = row_path is None or (index == 0 and table.row_headers)
            scope = ("col" if row_path is None else "row") if header else None
            align = table.alignments[index] if index < len(table.alignments) else None
            cells.append(Markup("<{0}{1}{2}>{3}</{0}>").format(
                "th" if header else "td", Markup(' scope="{}"').format(scope) if scope else "",
                Markup(' class="align-{}"').format(align) if align else "", self.cell(cell)))
        return Markup("<tr{}>{}</tr>").format(row_id, Markup("").join(cells))

    def cell(self, blocks: tuple[Block, ...]) -> Markup:
        """A cell's content; a lone paragraph without its <p> (as pandoc writes it)."""
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
            return self.renderer.spans(list(blocks[0].content))
        return self.renderer.blocks(blocks, (), "cell")

    # -- definition lists -------------------------------------------------------------------------

    def definition_list(self, block: DefinitionList, path: tuple[int, ...], part: str) -> Markup:
        entries = []
        for index, item in enumerate(block.items):
            entries.append(Markup("<dt>{}</dt>").format(self.renderer.sentences(item.term, "term", (*path, index))))
            entries += [Markup("<dd>\n{}\n</dd>").format(self.renderer.blocks(blocks, (*path, index, number), part))
                        for number, blocks in enumerate(item.definitions)]
        return Markup("<dl>\n{}\n</dl>").format(Markup("\n").join(entries))

    # -- lists ----------------------------------------------------------------------------------

    def item_list(self, block: ItemList, path: tuple[int, ...], part: str) -> Markup:
        tag = "ol" if block.ordered else "ul"
        attributes = Markup("")
        if block.ordered:
            if block.start != 1:
                attributes += Markup(' start="{}"').format(block.start)
            if block.style in LIST_TYPES and block.style != "decimal":
                attributes += Markup(' type="{}"').format(LIST_TYPES[block.style])
        classes = [DELIMITER_CLASSES[block.delimiter]] if block.ordered and block.delimiter in DELIMITER_CLASSES else []
        if any(item.task is not None for item in block.items):
            classes.append("task-list")
        if classes:
            attributes += Markup(' class="{}"').format(" ".join(classes))
        items = Markup("\n").join(self.item(item, (*path, i), part) for i, item in enumerate(block.items))
        return Markup("<{0}{1}>\n{2}\n</{0}>").format(tag, attributes, items)

    def item(self, item: ListItem, path: tuple[int, ...], part: str) -> Markup:
        content = self.renderer.blocks(item.blocks, path, part)
        if item.task is None:
            return Markup("<li>{}</li>").format(content)
        name = label(self.lang, "task_done" if item.task else "task_open")
        return Markup('<li class="task {}"><span class="task-mark" role="img" aria-label="{}">{}</span> {}</li>').format(
            "done" if item.task else "open", name, TASK_MARKS[item.task], content)
