"""Figures and short tables that float: one that does not fit at the foot of a page goes to
the next and the text after it fills the gap, as LaTeX and InDesign place floats.

WeasyPrint has no page floats (``float: top`` is not in its CSS), so this is done while it
paginates, page by page: when a page ends more than :data:`HOLE` blank before a figure (or a
table of at most 8 rows, kept whole), the next page is laid out to measure the blocks after
the float, the float is moved in the box tree past those that fill the blank, and the page
is laid out again; the pages after it are then laid out once, from the edited tree. Its
caption moves with it, and the floats of its kind right after it (as LaTeX's, figures and
tables each keep their order), and one too tall for the blank; one that calls a note is
never moved past another call, so notes stay in the order of their numbers, and the blocks
it passes fill the blank with the notes they call. A float right after a heading that
starts the next page (kept with it) is moved too: the text after it follows the heading.
It lands a page from its place at most: it passes the block cut at the page's foot only if
that block's part overleaf (estimated from its text) leaves it room on the next page. As
LaTeX's floats do by default, a float may pass a heading (or a bold run-in title) only to
start the next page: past whole blocks that fit the blank, checked on the page made again
(else it is put back), and from there it moves no further. A figure that has nothing to
move past shrinks instead to fit the hole, when it keeps at least :data:`SHRINK` of its
height, or so does the figure above it on the page, to make room for a table (the long
report's figure and table, called together).

Deciding each float while the pages before it are final lays the document out once, plus two
pages a float; moving floats between whole layouts took four layouts of a 60-page report, as
each move opened a hole further on.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterator
from copy import copy
from typing import Any

import weasyprint.layout.page as pagination
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, ReplacedBox, TextBox

from briefexport.weasy.pages import blank_fraction

HOLE = 0.15  # of the text area
SHRINK = 0.6
MOVES = 3  # at most, of the floats after one page
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
UPSTREAM = pagination.remake_page


def floating(box: Any) -> bool:
    """Whether a box floats: a figure, or a table short enough to be kept whole."""
    return kind(box) is not None


def kind(box: Any) -> str | None:
    """A float's kind (``figure`` or ``table``), or None for a box that does not float."""
    element = box.element
    if element is None or box.element_tag != element.tag:
        return None  # an anonymous or generated box
    short = element.tag == "table" and "short" in (element.get("class") or "").split()
    return str(element.tag) if element.tag == "figure" or short else None


def remake_page(index: int, context: Any, root_box: Any, html: Any) -> tuple[Any, Any]:
    """WeasyPrint's ``remake_page``, then, while the page leaves a hole before a float that
    starts the next page, that float moved (see the module) and the page made again."""
    before = State(context, index)
    page, resume_at = UPSTREAM(index, context, root_box, html)
    origins: dict[int, int] = {}  # where each float moved here stood first
    for _ in range(MOVES):
        found = resumed_float(root_box, resume_at)
        if found is None or blank_fraction(page) <= HOLE:
            break
        parent, position, heading = found
        box = parent.children[position]
        origin = origins.setdefault(id(box), position)
        titled = any(title(b) for b in parent.children[origin:position])
        after = State(context, index + 1)
        following, further = UPSTREAM(index + 1, context, root_box, html)
        whole = depth(further) <= depth(resume_at)  # the page's last block is not cut
        measure = Measure(page, following, parent, whole)
        room = blank_fraction(page) * page.height
        room -= 0.0 if heading is None else measure.whole.get(heading, math.inf)
        if not place(parent, position, room, measure, origins.keys(), titled):
            after.restore(context)
            break
        before.restore(context)
        page, resume_at = UPSTREAM(index, context, root_box, html)
        moved = parent.children.index(box)
        titled = any(title(b) for b in parent.children[origin:moved])
        if titled and resumed_float(root_box, resume_at) != (parent, moved, None):
            parent.children.insert(position, parent.children.pop(moved))  # not at the top
            before.restore(context)
            page, resume_at = UPSTREAM(index, context, root_box, html)
            break
    return page, resume_at


def resumed_float(root_box: Any, resume_at: Any) -> tuple[Any, int, Any] | None:
    """The parent and position of the float the next page starts with, or of the one right
    after the heading it starts with (that heading's element third, else None), or None: as
    LaTeX's, such a float lets the text after it follow the heading, and it goes on."""
    parent, box, position = None, root_box, -1
    skip = resume_at
    while skip:
        if len(skip) != 1:
            return None
        ((position, skip),) = skip.items()
        if position >= len(box.children):
            return None
        parent, box = box, box.children[position]
    if parent is None or parent.element is box.element:
        return None  # a table after its own caption
    if floating(box):
        return parent, position, None
    after = parent.children[position + 1 : position + 2]
    if box.element_tag in HEADINGS and after and floating(after[0]):
        return parent, position + 1, box.element
    return None


def depth(resume_at: Any) -> int:
    """How deep in the box tree the next page resumes (deeper than a block's level when the
    page cut that block)."""
    levels = 0
    while resume_at:
        if len(resume_at) != 1:
            return len(resume_at) + 99  # inside a table's cells: cut
        ((_, resume_at),) = resume_at.items()
        levels += 1
    return levels


def place(
    parent: Any, position: int, room: float, measure: Measure, moved: Container[int], titled: bool
) -> bool:
    """Move the float at ``position`` in ``parent`` past the blocks after it that fill
    ``room`` (CSS px), as measured on the page it starts, or shrink it to fit; whether it
    moved or shrank. Floats of a kind keep their order, as LaTeX's do: those of its kind right
    after it go with it; it may pass one of another kind, unless that one has ``moved`` (the
    ids of those moved while making this page, or two would pass each other in turn). The
    last block of that page counts as filling the room: cut at its foot, it is taller than
    measured, and the blocks after it were not measured (a float passed them all, far from
    its place, into a page's foot); it is passed only if its part overleaf is no taller than
    ``room``, else the float would land after it two pages on (LaTeX's would stand at the top
    of the next page, but a paragraph is laid whole here). Past a title, or once ``titled``
    (past one already), it goes only to the top of the next page (:func:`to_the_top`)."""
    box = parent.children[position]
    end = position + 1
    while end < len(parent.children) and along(parent.children[end], kind(box), room, measure):
        end += 1
    floats, siblings = parent.children[position:end], parent.children[end:]
    called = any(map(calls, floats))
    passed = 0 if not titled else to_the_top(siblings, measure, room, called)
    hole = room
    for sibling in siblings if not titled else ():
        if kind(sibling) == kind(box) or id(sibling) in moved or (called and calls(sibling)):
            break
        if title(sibling):
            passed += to_the_top(siblings[passed:], measure, hole, called)
            break
        if sibling.element not in measure.filling:  # the page's last block fills the hole,
            near = sibling.element is measure.last and measure.rest <= room  # if not too long
            passed += 1 if near else 0
            break
        passed += 1
        hole -= measure.filling[sibling.element]
        if hole <= measure.called(siblings[:passed]):
            break
    first = measure.first
    if not passed:
        return first is not None and (
            shrink(box, first, room) or make_room(parent, position, first, room, measure.page)
        )
    parent.children[position : end + passed] = siblings[:passed] + floats
    return True


def along(box: Any, kinds: str | None, room: float, measure: Measure) -> bool:
    """Whether a float goes with the float before it: one of its kind, to keep their order,
    or one too tall for ``room`` (passed, it would leave the same hole)."""
    return kind(box) == kinds or (floating(box) and measure.whole.get(box.element, room) > room)


class Measure:
    """The blocks of the page a float starts, as laid out: ``first`` (the float), the margin
    heights (CSS px) of those laid ``whole``, and of all but the last (the ``filling`` one),
    and of the notes at its foot, to add those a block calls when it goes up to ``page``."""

    def __init__(self, page: Any, following: Any, parent: Any, whole: bool) -> None:
        self.page = page
        area = next(b for b in following.children if isinstance(b, FootnoteAreaBox))
        self.notes = {note.element: note.margin_height() for note in area.children}
        noted = any(isinstance(b, FootnoteAreaBox) and b.children for b in page.children)
        self.area = 0.0 if noted else area.margin_height() - sum(self.notes.values())
        laid = following.children[0]
        while laid.children and laid.element is not parent.element:
            laid = laid.children[0]
        blocks = laid.children
        self.first = blocks[0] if blocks else None
        self.last = blocks[-1].element if blocks else None
        self.filling = {child.element: child.margin_height() for child in blocks[:-1]}
        self.whole = {child.element: child.margin_height() for child in blocks}
        self.rest = 0.0  # the estimated height of the last block's part overleaf
        if blocks and not whole:
            del self.whole[blocks[-1].element]
            self.rest = overleaf(blocks[-1])

    def called(self, boxes: list[Any]) -> float:
        """The height (CSS px) the notes called in ``boxes`` take at the page's foot, with
        the note area's rule and margins when the page had no note."""
        heights = [self.notes.get(b.footnote.element, 0.0) for b in notes_called(boxes)]
        return sum(heights) + self.area if heights else 0.0


def overleaf(laid: Any) -> float:
    """The estimated height (CSS px) of the part of a block cut at a page's foot that goes
    overleaf: its laid height times the share of its text not laid (infinite if it laid none:
    a float that passes it to fill a hole lands on the page after that part, so the longer,
    the further from its place); 0 for a block with pictures, whose text does not tell."""
    if any(True for _ in laid.element.iter("img")):
        return 0.0
    shown = sum(len("".join(b.text.split())) for b in laid.descendants() if isinstance(b, TextBox))
    total = len("".join(text_of(laid.element).split()))
    return laid.margin_height() * (total - shown) / shown if shown else math.inf


def text_of(element: Any) -> str:
    """An element's text, without its notes' (they print at the page's foot)."""
    parts = [element.text or ""]
    for child in element:
        if "footnote" not in (child.get("class") or "").split():
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def title(box: Any) -> bool:
    """Whether a block titles what follows it: a heading, or a paragraph of bold text alone
    (a run-in title, as "Table 6-2 …" above a table in NIST's guidelines)."""
    element = box.element
    if box.element_tag in HEADINGS:
        return True
    if box.element_tag != "p" or element is None or len(element) != 1:
        return False
    bold = element[0]
    loose = (element.text or "") + (bold.tail or "")
    return bold.tag in ("strong", "b") and not loose.strip()


def to_the_top(siblings: list[Any], measure: Measure, hole: float, called: bool) -> int:
    """How many of ``siblings`` a float passes to go to the top of the next page: whole blocks
    that fit in ``hole`` (CSS px) as measured, with the notes they call, the last not a title
    (which keeps with what follows), never another float nor a note's call when the float
    calls one; 0 if none."""
    passed = 0
    for fitting, sibling in enumerate(siblings, 1):
        height = measure.whole.get(sibling.element)
        if height is None or floating(sibling) or (called and calls(sibling)):
            break
        hole -= height
        if hole < measure.called(siblings[:fitting]):
            break
        if not title(sibling):
            passed = fitting
    return passed


def calls(box: Any) -> bool:
    """Whether a box holds a note's call: a float that does must not pass one, or its notes
    would be printed after notes numbered after them."""
    return any(True for _ in notes_called([box]))


def notes_called(boxes: list[Any]) -> Iterator[Any]:
    """The boxes of the note calls in ``boxes``."""
    return (
        child for box in boxes for child in box.descendants() if getattr(child, "footnote", None)
    )


def shrink(box: Any, laid: Any, room: float) -> bool:
    """Scale a figure's picture down so that the figure, ``laid`` out at the top of the next
    page, fits in ``room`` (CSS px), if it keeps :data:`SHRINK` of its height; whether it did."""
    if box.element_tag != "figure" or laid.element is not box.element:
        return False
    picture = next((b for b in laid.descendants() if isinstance(b, ReplacedBox)), None)
    if picture is None:
        return False
    height = picture.height - (laid.margin_height() - room) - 1
    if height < SHRINK * picture.height:
        return False
    original = next(b for b in box.descendants() if b.element is picture.element)
    original.style = original.style.copy()
    original.style["max_height"] = Dimension(round(height, 1), "px")
    return True


def make_room(parent: Any, position: int, first: Any, room: float, page: Any) -> bool:
    """Shrink the figure right before the float at ``position``, on ``page``, so that the
    float (``first``, as laid out at the top of the next page) fits in ``room`` (CSS px) under
    it, if that figure keeps :data:`SHRINK` of its height (as the figure and the table of
    the long report, called together); whether it did."""
    if not position:
        return False
    before = parent.children[position - 1]
    laid = next((b for b in page.descendants() if b.element is before.element), None)
    if laid is None:
        return False
    gap = max(laid.margin_bottom, first.style["margin_top"].value)  # the margins collapse
    return shrink(before, laid, laid.margin_height() + room - first.margin_height() - gap)


class State:
    """What laying out a page changes in WeasyPrint's layout context, to lay it out again."""

    def __init__(self, context: Any, index: int) -> None:
        self.footnotes = list(context.footnotes)
        self.reported = list(context.reported_footnotes)
        self.broken = dict(context.broken_out_of_flow)
        self.notes = list(context.rendered_notes)
        self.running = {
            name: {page: list(boxes) for page, boxes in pages.items()}
            for name, pages in context.running_elements.items()
        }
        self.maker = list(context.page_maker)
        self.remake = context.page_maker[index][-1]
        self.flags = {key: copy(value) for key, value in self.remake.items()}

    def restore(self, context: Any) -> None:
        """Put the context back as it was when this state was taken."""
        context.footnotes = list(self.footnotes)
        context.reported_footnotes = list(self.reported)
        context.broken_out_of_flow = dict(self.broken)
        context.rendered_notes = list(self.notes)
        context.running_elements.clear()
        for name, pages in self.running.items():
            context.running_elements[name].update(
                {page: list(boxes) for page, boxes in pages.items()}
            )
        context.page_maker[:] = self.maker
        self.remake.update({key: copy(value) for key, value in self.flags.items()})


def install(patched: bool = True) -> None:
    """Float while paginating (or, for a test, paginate as upstream does)."""
    pagination.remake_page = remake_page if patched else UPSTREAM
