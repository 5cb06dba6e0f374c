"""Figures and short tables that float: one that does not fit at the foot of a page goes to
the next and the text after it fills the gap, as LaTeX and InDesign place floats.

WeasyPrint has no page floats (``float: top`` is not in its CSS), so this is done between
layouts: a figure (or a table of at most 8 rows, kept whole) that starts a page after a page
that ends more than :data:`HOLE` blank is moved, in the parsed tree, past the blocks that
followed it until they fill that blank, and the document is laid out again. A block is never
moved past a heading, so it stays in its section; its caption moves with it. A figure that
has nothing left to move past (the section ends) shrinks instead to fit the hole, when it keeps
at least :data:`SHRINK` of its height.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML, Document
from weasyprint.formatting_structure.boxes import ReplacedBox

from briefexport.weasy.pages import blank_fractions, tree_edited

HOLE = 0.15  # of the text area
SHRINK = 0.6
PASSES = 3
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])


def floating(element: Any) -> bool:
    """Whether an element floats: a figure, or a table short enough to be kept whole."""
    short = element.tag == "table" and "short" in (element.get("class") or "").split()
    return bool(element.tag == "figure" or short)


def first_block(page: Any) -> Any:
    """The first block of the article's body that a page holds, or None."""
    box = page._page_box.children[0]
    while box.element_tag in ("html", "body", "main") and box.children:
        box = box.children[0]
    return box if box.element_tag not in ("html", "body") else None


def defer_floats(html: HTML, document: Document) -> bool:
    """Move every float that left a hole on the page before it (see the module); whether any
    moved, so that the caller lays the document out again."""
    if not any(floating(element) for element in html.etree_element.iter()):
        return False
    fractions = blank_fractions(document)
    parents = {child: parent for parent in html.etree_element.iter() for child in parent}
    moved = False
    for index in range(1, len(document.pages)):
        box = first_block(document.pages[index])
        if fractions[index - 1] <= HOLE or box is None or not floating(box.element):
            continue
        hole = fractions[index - 1] * document.pages[index - 1]._page_box.height
        element = box.element
        parent = parents[element]
        siblings = list(parent)
        following = siblings[siblings.index(element) + 1 :]
        heights = {child.element: child.margin_height() for child in _siblings(document, index)}
        passed = []
        for sibling in following:
            if sibling.tag in HEADINGS:
                break
            passed.append(sibling)
            hole -= heights.get(sibling, hole)
            if hole <= 0:
                break
        if not passed:
            moved = (
                shrink(box, fractions[index - 1] * document.pages[index - 1]._page_box.height)
                or moved
            )
            continue
        parent.remove(element)
        parent.insert(list(parent).index(passed[-1]) + 1, element)
        moved = True
    if moved:
        tree_edited(html)
    return moved


def shrink(figure: Any, room: float) -> bool:
    """Scale a figure's picture down so that the figure fits in ``room`` (CSS px), if it keeps
    :data:`SHRINK` of its height; whether it did."""
    if figure.element.tag != "figure":
        return False
    picture = next((b for b in figure.descendants() if isinstance(b, ReplacedBox)), None)
    if picture is None:
        return False
    height = picture.height - (figure.margin_height() - room) - 1
    if height < SHRINK * picture.height:
        return False
    picture.element.set("style", f"max-height: {height:.1f}px")
    return True


def _siblings(document: Document, index: int) -> list[Any]:
    """The blocks of the body on a page, in order."""
    box = first_block(document.pages[index])
    main = document.pages[index]._page_box.children[0]
    while main.element_tag != "main" and main.children:
        main = main.children[0]
    return list(main.children) if box is not None and main.element_tag == "main" else []
