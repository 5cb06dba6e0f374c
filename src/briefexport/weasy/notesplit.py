"""A footnote too long for the foot of its call's page, split across two pages as books do.

WeasyPrint 70 cannot break a footnote: when a note does not fit under the line that calls it,
``footnote-policy: line`` (article.css) takes that line, and for widows the one before, to the
next page, which then ends with a hole the size of the note. Here the note is split instead:
its first lines at the foot of the call's page, down to where the call's line still fits, the
rest leading the next page's notes, before that page's own (as a note WeasyPrint reports to
the next page does). The note's paragraphs keep their orphans and widows: at least two lines
on each side of the break, else the note is not split and the line moves as before.

``_linebox_layout`` adds a call's note with :func:`layout_note_above` (a line of the upstream
function replaced, weasy.overrides.PATCHES), which knows where the call's line ends. The two
halves are copies of the note's boxes cut where the layout broke it (:func:`cut`): the head
stands in for the note in the page's footnote area, the tail waits in ``split_tails`` until
the page is made and then goes first among the notes reported to the next page
(:func:`make_page`). When the call's line leaves the page after all (widows, a block moved
whole), ``unlayout_footnote`` puts the whole note back first (:func:`unlayout_footnote`).

The tail's box is an ``aside::continued``: overrides.pdf_tag tags it ``NoteContinued``, which
weasy.tagging merges into the note it continues (one ``Note`` holds both halves). It carries
no anchor, so links to the note land on its head, on the call's page.

Nothing is split in columns, in a footnote area of fixed or maximum height, when a note of
the page already waits for the next one, or when the rest would take more than half the next
page (WeasyPrint would cut a rest taller than a page: a note that long stays the build's "does
not fit" error, not lost words); the note then goes as upstream sends it. Like the
notes upstream reports, a tail lives in ``reported_footnotes`` between pages; as a
repagination skips the pages WeasyPrint deems up to date, with the notes they report, a page
that reports a tail or a note is made again on each, and so is the next (:func:`make_page`).
weasy.notes checks that each head's tail leads the next page's notes.
"""

from __future__ import annotations

from math import inf
from typing import Any

import weasyprint.layout.page as page
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure import build
from weasyprint.formatting_structure.boxes import BlockBox, InlineBox, LineBox, ParentBox, TextBox
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout

from briefexport.weasy import noteareas

CONTINUED = "aside::continued"
BELOW = {"make_page": page.make_page}  # what :func:`make_page` wraps: weasy.overrides' own
UPSTREAM_UNLAYOUT = LayoutContext.unlayout_footnote
ZERO = Dimension(0, "px")
TAIL_SHARE = 0.5  # of the next page's height, at most, that a note's rest may take


class UnsplittableError(Exception):
    """A note's layout broke somewhere :func:`cut` cannot follow."""


def layout_note_above(context: Any, footnote: Any, bottom_space: float, line_bottom: float) -> bool:
    """``context.layout_footnote(footnote)``, for a call on a line that ends at
    ``line_bottom``: when the whole note would push that line off the page, its head stays in
    the page's footnote area and its tail goes overleaf; whether the area still overflows.
    A note called after a split one overflows, as upstream has one called after a note
    reported overleaf: its line goes there too, so the notes keep their order."""
    overflow: bool = context.layout_footnote(footnote)
    if tails(context):
        return True  # as after a note reported overleaf: the rest waiting there comes first
    fits = not (overflow or context.overflows_page(bottom_space, line_bottom))
    if fits or context.reported_footnotes:
        return overflow
    halves = split(context, context.page_bottom - bottom_space - line_bottom)
    if halves is None:
        return overflow
    notes = context.current_page_footnotes
    notes[notes.index(footnote)] = halves[0]
    tails(context).append(halves[1])
    context.__dict__.setdefault("split_notes", {})[footnote] = halves
    if context._update_footnote_area() or context.overflows_page(bottom_space, line_bottom):
        rejoin(context, footnote)
        return overflow
    return False


def tails(context: Any) -> list[Any]:
    """The tails of the notes split on the page being made."""
    waiting: list[Any] = context.__dict__.setdefault("split_tails", [])
    return waiting


def split(context: Any, short: float) -> tuple[Any, Any] | None:
    """The head and tail of the last note of the page's footnote area, the head ending
    ``-short`` px above where the whole note ends; None when the note cannot break
    there (orphans, widows, a single line) or the area is not the plain stack of notes of
    auto height this assumes."""
    area = context.current_footnote_area
    if context.in_column or area.style["height"] != "auto":
        return None
    laid = context.laid_out_notes()  # as it just was: noteareas kept it
    if laid.max_height != inf or len(laid.children) != len(area.children):
        return None
    end = noteareas.bottom(laid.children[-1]) + short
    found = noteareas.last_note_head(context, area, laid, context.page_bottom - end)
    if found is None:
        return None
    skip, printed = found[1], last_text(found[0])
    if not skip or not printed.strip():
        return None  # not a line of the note on this page
    box = area.copy()
    box.children = [area.children[-1].deepcopy()]
    box = build.create_anonymous_boxes(box)
    try:
        cut_head, cut_tail = cut(box.children[-1], skip, printed)
    except UnsplittableError:
        return None
    cut_tail.element_tag = CONTINUED
    tail = build.create_anonymous_boxes(box.copy_with_children([unlined(cut_tail).deepcopy()]))
    laid_tail = block_level_layout(context, tail, -inf, None, area.page)[0]
    if laid_tail.margin_height() > area.page.height * TAIL_SHARE:
        return None  # a tail the next page could not hold: upstream's error, no silent loss
    head = unlined(cut_head)
    head.rest_follows = True  # for weasy.notes to find the rest on the next page
    return head, unlined(cut_tail)


def last_text(box: Any) -> str:
    """The text of the last text box laid out in ``box`` (its head's last line)."""
    texts = [child for child in box.descendants() if isinstance(child, TextBox)]
    return texts[-1].text if texts else ""


def cut(box: Any, skip: dict[int, Any], printed: str) -> tuple[Any, Any]:
    """``box`` (not laid out) as two boxes, before and after where the layout's ``skip``
    stack resumes it; ``printed`` is the text the head's last line ended with (a word broken
    by hyphenation gets its hyphen back)."""
    if len(skip) != 1:
        raise UnsplittableError
    ((index, rest),) = skip.items()
    if isinstance(box, TextBox):
        text = box.text.encode()
        before, after = text[:index].decode(), text[index:].decode()
        if box.style["white_space"] in ("normal", "nowrap", "pre-line"):
            before = before.rstrip(" ")  # at a line's end, it would take room
        hyphen = box.style["hyphenate_character"]
        if printed.endswith(hyphen) and not before.rstrip().endswith(hyphen):
            before += hyphen
        if not before.strip() or not after.strip():
            raise UnsplittableError
        return box.copy_with_text(before), box.copy_with_text(after)
    if not isinstance(box, ParentBox) or index >= len(box.children):
        raise UnsplittableError
    children = list(box.children)
    if rest is None:
        if not index:
            raise UnsplittableError
        heads, tails = children[:index], children[index:]
    else:
        head, tail = cut(children[index], rest, printed)
        heads, tails = [*children[:index], head], [tail, *children[index + 1 :]]
    return trimmed(box, heads, "bottom", "right"), trimmed(box, tails, "top", "left")


def trimmed(box: Any, children: list[Any], block_side: str, inline_side: str) -> Any:
    """A copy of ``box`` with ``children`` and no margin, border or padding on the side where
    it was cut; a tail (cut at its top) has no text indent and no anchor either."""
    copy = box.copy_with_children(children)
    side = block_side if isinstance(box, BlockBox) else inline_side
    if not isinstance(box, BlockBox | InlineBox):
        return copy
    copy.style = box.style.copy()
    copy.style[f"margin_{side}"] = copy.style[f"padding_{side}"] = ZERO
    copy.style[f"border_{side}_width"] = 0
    if side in ("top", "left"):
        copy.style["anchor"] = None
        copy.style["text_indent"] = ZERO
    return copy


def unlined(box: Any) -> Any:
    """``box`` as before ``create_anonymous_boxes`` wrapped its inline content in line boxes
    (which each layout of the footnote area does again, and cannot do twice)."""
    if not isinstance(box, ParentBox):
        return box
    children: list[Any] = []
    for child in box.children:
        children.extend(child.children if isinstance(child, LineBox) else [child])
    box.children = [unlined(child) for child in children]
    return box


def rejoin(context: Any, footnote: Any) -> None:
    """Put ``footnote`` back whole where it was split on this page (its head in the area, its
    tail no longer waiting), if it was."""
    halves = context.__dict__.get("split_notes", {}).pop(footnote, None)
    if halves is None:
        return
    head, tail = halves
    notes = context.current_page_footnotes
    if head in notes:
        notes[notes.index(head)] = footnote
    if tail in tails(context):
        tails(context).remove(tail)
    context._update_footnote_area()


def unlayout_footnote(context: Any, footnote: Any) -> None:
    """``LayoutContext.unlayout_footnote``, for a note that may have been split: whole again
    first, then taken off the page as upstream does."""
    rejoin(context, footnote)
    UPSTREAM_UNLAYOUT(context, footnote)


def make_page(context: Any, *args: Any) -> Any:
    """``weasyprint.layout.page.make_page``, after which the tails of the notes split on the
    page lead the notes reported to the next page. A page that reports notes (tails or
    whole) is made again on every repagination, and the next page after it: WeasyPrint keeps
    no reported notes of a page it deems up to date (the rest of a note split on the last
    page was lost when a contents page changed), nor lays out again a page that takes them."""
    context.split_tails = []
    made = BELOW["make_page"](context, *args)
    context.reported_footnotes[:0] = tails(context)
    if context.reported_footnotes:
        makers = context.page_maker[args[3] - 1 : args[3] + 1]  # this page's and the next's
        makers[0][-1]["pages_wanted"] = True
        if len(makers) > 1:
            makers[1][-1]["content_changed"] = True
    context.split_tails = []
    return made


def whole(context: Any, footnote: Any, bottom_space: float, line_bottom: float) -> bool:
    """``context.layout_footnote(footnote)``, as upstream calls it."""
    overflow: bool = context.layout_footnote(footnote)
    return overflow


def install(patched: bool = True) -> None:
    """Put the splitting in place (or, for a test, upstream's whole notes back); after
    weasy.overrides has put its ``make_page`` in place, which :func:`make_page` wraps."""
    if page.make_page is not make_page:
        BELOW["make_page"] = page.make_page
    LayoutContext.layout_note_above = layout_note_above if patched else whole
    LayoutContext.unlayout_footnote = unlayout_footnote if patched else UPSTREAM_UNLAYOUT
    page.make_page = make_page if patched else BELOW["make_page"]
