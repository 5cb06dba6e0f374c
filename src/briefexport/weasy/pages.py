"""How full the laid-out pages are: a print-ready page does not end with a hole."""

from __future__ import annotations

import cssselect2
from weasyprint import HTML, Document
from weasyprint.formatting_structure.boxes import (
    FootnoteAreaBox,
    LineBox,
    PageBox,
    ReplacedBox,
    TableRowBox,
)

FILLED = (LineBox, ReplacedBox, TableRowBox)


def blank_fractions(document: Document) -> list[float]:
    """For each page, its :func:`blank_fraction`."""
    return [blank_fraction(page._page_box) for page in document.pages]


def blank_fraction(box: PageBox) -> float:
    """The share of a page's text area left blank between the last line (or picture, or
    table row) of the text and the notes at its foot, or the foot itself."""
    top = box.content_box_y()
    bottom = top + box.height
    notes = [
        area.position_y
        for area in box.children
        if isinstance(area, FootnoteAreaBox) and area.children
    ]
    floor = min(notes, default=bottom)
    ends = [
        child.position_y + child.height
        for child in box.children[0].descendants()
        if isinstance(child, FILLED) and isinstance(child.height, (int, float))
    ]
    return float(max(0.0, floor - max(ends, default=top)) / box.height)


def tree_edited(html: HTML) -> None:
    """Tell WeasyPrint the parsed tree was edited in place, so the next layout reads it."""
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(
        html.etree_element, content_language=None
    )
