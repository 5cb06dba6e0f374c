"""A page's footnote area, laid out note by note (installed by weasy.overrides).

``_update_footnote_area`` lays the page's whole
footnote area out again each time a note is added, so a page of n notes costs n(n+1)/2 note
layouts (a hundred citation notes cost seconds). The patched one calls :func:`laid_out_notes`,
which lays out only the notes that were not in the area last time, from where the last one
ended: the same heights to the bit, since each note starts where upstream's walk starts it. It
does so only where nothing else can move a note (no margins around notes, no floats, no
columns, no maximum height); elsewhere, and after a layout it cannot vouch for, it lays the
whole area out as upstream does. ``make_page`` then lays the finished page's area out whole
once more to draw it, every note a second time; the patched one takes the area
:func:`laid_out_notes` last laid out, under the same conditions (:func:`page_notes`). A note
that weasy.notesplit splits at the page's foot is laid out again alone, from where the note
before it ends, not with the whole area twice (:func:`last_note_head`).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import inf
from typing import Any

import weasyprint.layout.block as block
from weasyprint.formatting_structure import boxes, build
from weasyprint.layout.absolute import AbsolutePlaceholder


@dataclass(frozen=True)
class LaidNotes:
    """A page's footnote area as last laid out: its notes, each laid out, and where each ends."""

    area: Any
    box: Any
    notes: list[Any]
    laid: list[Any]
    ends: list[float]


def laid_out_notes(context: Any) -> Any:
    """The current page's footnote area laid out, as ``_update_footnote_area`` uses it: the
    notes laid out last time (:class:`LaidNotes`, kept on ``context``) reused, the others laid
    out after them, each from the end of the one before, as upstream's walk places it."""
    area = context.current_footnote_area
    notes = list(area.children)
    last: LaidNotes | None = context.__dict__.pop("laid_notes", None)
    kept = 0
    if last is not None and last.area is area and unobstructed(context):
        while kept < min(len(notes), len(last.notes)) and notes[kept] is last.notes[kept]:
            kept += 1
    box = None
    if last is not None and kept:
        rest = lay_out(context, area, notes[kept:], last.ends[kept - 1])[0].children
        ends = last.ends[:kept] + [bottom(child) for child in rest]
        box = last.box.copy_with_children(last.laid[:kept] + rest)
        box.height = max(0, ends[-1] - box.content_box_y())
        if not reusable(context, box, notes, ends):
            box = None
    if box is None:
        box = lay_out(context, area, notes)[0]
        ends = [bottom(child) for child in box.children]
    if context.current_page_footnotes == notes and reusable(context, box, notes, ends):
        context.laid_notes = LaidNotes(area, box, notes, box.children, ends)
    return box


def page_notes(context: Any, area: Any, positioned: list[Any]) -> Any:
    """The page's footnote area laid out for drawing, where ``make_page`` lays it out whole
    once more: the area :func:`laid_out_notes` last laid out, when it holds the page's notes
    and nothing else can move them; else laid out whole as upstream does."""
    last: LaidNotes | None = context.__dict__.pop("laid_notes", None)
    if (
        last is not None
        and last.area is area
        and len(last.notes) == len(area.children)
        and all(a is b for a, b in zip(last.notes, area.children, strict=True))
        and unobstructed(context)
        and not any(
            isinstance(box, AbsolutePlaceholder) for box in last.box.descendants(placeholders=True)
        )
    ):
        return last.box
    box = build.create_anonymous_boxes(area.deepcopy())
    return block.block_level_layout(
        context, box, -inf, None, area.page, True, positioned, positioned
    )[0]


def lay_out(
    context: Any, area: Any, notes: list[Any], top: float | None = None, bottom_space: float = -inf
) -> tuple[Any, Any]:
    """``notes`` laid out in a copy of the footnote ``area``, as upstream does, and where the
    layout broke them (None when whole); from ``top`` on, when given, as the remainder of an
    area whose notes before end there; ``bottom_space`` above the page's foot."""
    box = area.copy()
    box.children = [note.deepcopy() for note in notes]
    if top is not None and not notes:
        return box, None
    skip = None
    if top is not None:
        box.position_y, skip = top, {0: None}  # a fragment: no top margin, border or padding
    box = build.create_anonymous_boxes(box)
    laid, resume_at = block.block_level_layout(
        context, box, bottom_space, skip, area.page, top is None
    )[:2]
    return laid, resume_at


def last_note_head(
    context: Any, area: Any, laid: Any, bottom_space: float
) -> tuple[Any, dict[int, Any]] | None:
    """The head of the last note of the footnote ``area`` (``laid`` out whole by
    :func:`laid_out_notes`) when laid out again to stop ``bottom_space`` above the page's foot,
    and where it breaks (its skip stack); None when the layout breaks elsewhere. Only that note
    is laid out again, from where the note before ends, when nothing else can move it; else the
    whole area, as upstream would."""
    notes = area.children
    ends = [bottom(child) for child in laid.children]
    if len(notes) > 1 and reusable(context, laid, notes, ends):
        box, resume_at = lay_out(context, area, notes[-1:], ends[-2], bottom_space)
        index = 0
    else:
        box = build.create_anonymous_boxes(area.deepcopy())
        box, resume_at = block.block_level_layout(
            context, box, bottom_space, None, area.page, False
        )[:2]
        index = len(notes) - 1
    if box is None or not resume_at or list(resume_at) != [index]:
        return None
    return box.children[-1], resume_at[index]


def bottom(box: Any) -> float:
    """Where a note laid out in the area ends: upstream's next ``position_y``, to the bit."""
    end: float = box.border_box_y() + box.border_height()
    return end


def unobstructed(context: Any) -> bool:
    """Whether nothing outside a footnote area can move the notes in it."""
    return not (context.in_column or context.excluded_shapes or context.broken_out_of_flow)


def reusable(context: Any, box: Any, notes: list[Any], ends: list[float]) -> bool:
    """Whether the area ``box`` is laid out as :func:`laid_out_notes` assumes: a stack of
    ``notes`` as blocks without margins, each starting where the one before ends, in an area of
    auto height whose content ends with its last note."""
    starts = [box.content_box_y(), *ends[:-1]]
    return (
        unobstructed(context)
        and len(box.children) == len(notes)
        and box.style["height"] == "auto"
        and box.max_height == inf
        and box.min_height == 0
        and box.height == max(0, ends[-1] - box.content_box_y())
        and all(
            isinstance(child, boxes.BlockBox)
            and child.is_in_normal_flow()
            and child.margin_top == child.margin_bottom == 0
            and child.clearance is None
            and child.position_y == start
            for child, start in zip(box.children, starts, strict=True)
        )
    )
