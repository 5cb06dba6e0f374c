"""Tables: the brand's table style, header rows repeated on every page, column widths from
the text, indented into the quotes and list items they sit in."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docx.shared import Length, Pt
from docx.table import _Cell, _Row
from markdown_it.tree import SyntaxTreeNode

from briefexport.render.text import plain_text
from briefexport.render.tree import WIDE_TABLE_COLUMNS, alignment, column_count
from briefexport.wordml.oxml import TBLPR_ORDER, element, put
from briefexport.wordml.tables import repeat_header
from briefexport.writers.memo.body import BlockRenderer
from briefexport.writers.memo.styles import ALIGN, CELL_PADDING

CHAR_WIDTH = 0.62
"""A generous average character width, as a fraction of the font size."""
NUMBER = re.compile(r"[-+−–]?[\d.,\s%]*\d[\d.,%]*")
"""A cell that is a number (1,234.5 or 41%): it never breaks across lines."""


def two_lines(words: list[str]) -> int:
    """The fewest characters a line needs for ``words`` to fit on two lines."""
    return min(
        (max(len(" ".join(words[:cut])), len(" ".join(words[cut:]))) for cut in range(len(words))),
        default=1,
    )


def column_widths(
    rows: list[list[str]], columns: int, total: int, size: float, padding: float
) -> list[int]:
    """Column widths (EMU) summing to ``total``: each column gets room for its longest word
    (a number is one word; a header cell may take two lines, no more) at ``size`` points plus
    ``padding`` either side, and the rest goes to the columns holding the most text; words
    break only when the longest words alone overflow the table."""
    longest, text = [1] * columns, [1] * columns
    for number, row in enumerate(rows):
        for index, cell in enumerate(row):
            words = [cell] if NUMBER.fullmatch(cell) else cell.split()
            need = max(map(len, words), default=1)
            if number == 0:
                need = max(need, two_lines(words))
            longest[index] = max(longest[index], need)
            text[index] = max(text[index], len(cell))
    floors = [Pt(size * CHAR_WIDTH * length + 2 * padding) for length in longest]
    spare = total - sum(floors)
    if spare < 0:
        widths = [floor * total // sum(floors) for floor in floors]
    else:
        widths = [
            floor + spare * share // sum(text) for floor, share in zip(floors, text, strict=True)
        ]
    widths[-1] += total - sum(widths)  # what rounding down left over
    return widths


class TableRenderer(BlockRenderer):
    """Tables, cell by cell; a cell's inline content goes through the inline rules."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.wide = ""
        self.rows: Iterator[_Row] = iter(())
        self.cells: Iterator[_Cell] = iter(())

    def node_table(self, node: SyntaxTreeNode) -> None:
        rows = [
            [plain_text(cell) for cell in row.children] for row in node.walk() if row.type == "tr"
        ]
        columns = column_count(node)
        self.mark_open_item()
        self.note_start = None  # a note opening with a table keeps its number above it
        self.wide = "Wide " if columns > WIDE_TABLE_COLUMNS else ""
        indent = Pt(self.indent())
        total = self.text_width - indent
        table = self.container.add_table(len(rows), columns, Length(total))
        table.style = self.styles[f"Memo {self.wide}Table"]  # type: ignore[assignment]
        if indent:
            put(table._tbl.tblPr, element("w:tblInd", w=round(indent.pt * 20), type="dxa"),
                TBLPR_ORDER)  # fmt: skip
        size = self.paragraph_styles[f"{self.wide}Table Text"].font.size or Pt(
            self.brand.sizes["body"]
        )
        widths = column_widths(rows, columns, total, size.pt, CELL_PADDING[self.wide])
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Length(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Length(width)
                cell.paragraphs[0].style = self.paragraph_styles[f"{self.wide}Table Text"]
        self.rows = iter(table.rows)
        self.children(node)

    def node_tr(self, node: SyntaxTreeNode) -> None:
        row = next(self.rows)
        if node.parent is not None and node.parent.type == "thead":
            repeat_header(row)
        self.cells = iter(row.cells)
        self.children(node)

    def node_th(self, node: SyntaxTreeNode) -> None:
        self.cell(node, f"{self.wide}Table Heading")

    def node_td(self, node: SyntaxTreeNode) -> None:
        self.cell(node, f"{self.wide}Table Text")

    def cell(self, node: SyntaxTreeNode, style: str) -> None:
        paragraph = next(self.cells).paragraphs[0]
        paragraph.style = self.paragraph_styles[style]
        align = alignment(node)
        if align:
            paragraph.alignment = ALIGN[align]
        self.inline(paragraph, node)
