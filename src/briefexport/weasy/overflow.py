"""Tables that run off the page: a table is laid out by its content, and a cell's longest word
is as narrow as its column may get (``overflow-wrap: break-word`` does not shrink it), so a few
columns of long words can be wider than the page, and the page clips what overflows.

Breaking words anywhere in every table would break numbers and short words that fit; instead,
after a layout, a table wider than the page's text area is marked ``wide`` (smaller type, cells
that may break anywhere, the side column's room: article.css) and the document is laid out
again. No table gets wider than the page, so no word is cut off.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML, Document
from weasyprint.formatting_structure.boxes import TableBox

from briefexport.weasy.pages import tree_edited

SLACK = 0.5  # CSS px: rounding, not overflow


def widen_overflowing_tables(html: HTML, document: Document) -> bool:
    """Mark ``wide`` every table not yet wide that overflows its page's text area; whether any
    was, so that the caller lays the document out again."""
    widened = False
    for page in document.pages:
        area = page._page_box
        right = area.content_box_x() + area.width + SLACK
        for box in area.descendants():
            if isinstance(box, TableBox) and box.element is not None and overflows(box, right):
                classes = (box.element.get("class") or "").split()
                if "wide" not in classes:
                    box.element.set("class", " ".join([*classes, "wide"]))
                    widened = True
    if widened:
        tree_edited(html)
    return widened


def overflows(table: Any, right: float) -> bool:
    """Whether a table's border box ends right of ``right``."""
    return bool(table.border_box_x() + table.border_width() > right)
