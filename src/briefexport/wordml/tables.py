"""Table styles (lines, a shaded header row) and header rows that repeat on every page."""

from __future__ import annotations

from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE
from docx.styles.style import BaseStyle
from docx.styles.styles import Styles
from docx.table import _Row

from briefexport.wordml.oxml import TRPR_ORDER, element, put
from briefexport.wordml.styles import Border, add_style, borders, find_style, shading


@dataclass(frozen=True)
class TableStyleSpec:
    """A table style: its ``lines``, cell ``padding`` (points), and a header row that is
    bold, filled with ``header_fill`` and closed by ``header_line``."""

    name: str
    lines: tuple[Border, ...]
    header_fill: str
    header_line: Border
    padding: float

    def define(self, styles: Styles) -> BaseStyle:
        style = find_style(styles, self.name) or add_style(styles, self.name, WD_STYLE_TYPE.TABLE)
        root = style.element
        for tag in ("w:basedOn", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
            root.remove_all(tag)
        table = element("w:tblPr")
        table.append(borders("w:tblBorders", self.lines))
        margins = element("w:tblCellMar")
        for edge in ("top", "left", "bottom", "right"):
            margins.append(element(f"w:{edge}", w=round(self.padding * 20), type="dxa"))
        table.append(margins)
        root.append(table)
        header = element("w:tblStylePr", type="firstRow")
        run = element("w:rPr")
        run.append(element("w:b"))
        header.append(run)
        cell = element("w:tcPr")
        cell.append(borders("w:tcBorders", [self.header_line]))
        cell.append(shading(self.header_fill))
        header.append(cell)
        root.append(header)
        return style


def repeat_header(row: _Row) -> None:
    """Mark ``row`` as a header row, repeated at the top of each page the table spans."""
    put(row._tr.get_or_add_trPr(), element("w:tblHeader"), TRPR_ORDER)
