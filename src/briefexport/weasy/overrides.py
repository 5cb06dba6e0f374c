"""Small patches to WeasyPrint 70.0: its footnote layout (each a line or a statement
replaced), target counters, hyphenation, list markers and tags.

GCPM says a note's body is never placed on a page before its call, and a book never prints it
after. WeasyPrint moved notes to a later page for two reasons, both fixed here by recompiling the
upstream function with one line changed (a test pins the upstream source they apply to):

1. ``LayoutContext._update_footnote_area`` says a note overflows the footnote area when its
   bottom is below the area's, comparing two sums of floats with a bare ``>``. On a page whose
   height in CSS pixels is not a whole number (A4 is 1122.52 px) the sums differ in the last
   bit, so a note that fits is "overflowing" and is reported to the next page, where the same
   happens to the note after it (Kozea/WeasyPrint#2502, "one footnote per page, on the page
   after the call"). The patch compares with ``LayoutContext.overflows``, the 1e-9 relative
   tolerance every other page-overflow test of WeasyPrint uses.
2. ``_linebox_layout``, when a line does not fit but breaking before it would break orphans or
   widows, reports the page's notes, last first, until the line fits (added for
   Kozea/WeasyPrint#2432): notes whose calls stay on the page move to the next one, in reverse
   order when two go. The patch never reports them; the page breaks where orphans and widows
   allow, as it does on a page without notes.

A note that really does not fit under its call is split across the foot of two pages
(weasy.notesplit: a third line of ``_linebox_layout`` replaced lets it know where the call's
line ends); where it cannot be, ``footnote-policy: line`` (article.css) moves the call's line
to the next page with its note.

The contents' page numbers come from ``target-counter(attr(href url), page)``. When a target's
page becomes known, WeasyPrint remakes the pages whose lookups miss that anchor's counters; but
``compute_content_list`` files a lookup's missing counters under the name of the *unresolved*
token, which for ``attr()`` is None, so no lookup was ever found and an entry kept the page of
its first layout ("0") unless its page was remade for another reason. The patch files them
under the target box's anchor.

One more replaced statement makes notes cheap: ``_update_footnote_area`` and ``make_page`` lay
a page's footnote area out through weasy.noteareas, which lays each note out once.

Automatic hyphenation splits names ("Ka-bul", "Wash-ing-ton"): :class:`NamesWhole` is the
pyphen dictionary WeasyPrint's line breaking uses, except that a capitalised word is never
split (a CSS hyphenation dictionary cannot say that). WeasyPrint has no
``hyphenate-limit-lines``: it breaks each line alone (``text.line_break.split_first_line``,
from ``layout.inline.iter_line_boxes``, one line of a block at a time, with the layout's
pyphen dictionaries), so :func:`iter_line_boxes` counts the hyphenated lines in a row and,
after :data:`HYPHENATED_LINES` of them, breaks the next line with dictionaries that split no
word (the word goes whole to the next line, as with ``hyphens: manual``).

A marker inside its item (article.css) is an inline box at the start of the item: when the
item's first block is a paragraph (a loose list), a quote, code or a heading, CSS puts the
marker on a line of its own above it. :func:`build_formatting_structure` moves it into the first
line of that block, where Pandoc and LaTeX set it (not into a nested list: see
:func:`first_blocks`).

WeasyPrint's tagging maps every unknown HTML element to NonStruct; :func:`pdf_tag` maps an
``aside`` to Note (weasy.structure makes those that are not footnotes Aside), and lists to
UL/OL so that weasy.tagging can give them their ListNumbering before naming them L.
"""

from __future__ import annotations

import inspect
import linecache
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyphen
import weasyprint.document as weasy_document
import weasyprint.formatting_structure.build as build
import weasyprint.layout.block as block
import weasyprint.layout.inline as inline
import weasyprint.layout.page as page
import weasyprint.pdf.tags as tags
import weasyprint.text.line_break as line_break
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure.boxes import (
    BlockBox,
    BlockContainerBox,
    Box,
    InlineBox,
    LineBox,
    TextBox,
)
from weasyprint.layout import LayoutContext

from briefexport.weasy import noteareas, notesplit


@dataclass(frozen=True)
class Patch:
    """Replace each ``old`` by its ``new`` in ``name`` of ``owner`` (a class or module)."""

    owner: Any
    name: str
    lines: tuple[tuple[str, str], ...]

    def patched(self, upstream: Callable[..., Any]) -> Callable[..., Any]:
        """``upstream`` recompiled from its source with the lines replaced, in its module; as
        it is when a line is not there (another WeasyPrint: the layout's footnote check
        then warns about any note off its call's page, and the pinning test fails)."""
        first, lines = source_lines(upstream)
        source = textwrap.dedent("".join(lines))
        if any(source.count(old) != 1 for old, _ in self.lines):
            return upstream
        for old, new in self.lines:
            source = source.replace(old, new)
        code = compile(
            "\n" * (first - 1) + source,
            inspect.getsourcefile(upstream) or self.name,
            "exec",
        )
        namespace: dict[str, Any] = {}
        exec(code, upstream.__globals__, namespace)  # WeasyPrint's own source
        function: Callable[..., Any] = namespace[self.name]
        return function


def source_lines(function: Callable[..., Any]) -> tuple[int, list[str]]:
    """The first line number and the lines of ``function``'s source, as
    ``inspect.getsourcelines`` gives them but without tokenizing the file: from its first line
    to the last one any of its instructions, or those of the functions it defines, spans."""
    code = function.__code__
    codes, last = [code], code.co_firstlineno
    while codes:
        current = codes.pop()
        codes += [c for c in current.co_consts if isinstance(c, type(code))]
        last = max([last, *(end for _, end, _, _ in current.co_positions() if end)])
    lines = linecache.getlines(inspect.getsourcefile(function) or "")
    return code.co_firstlineno, lines[code.co_firstlineno - 1 : last]


PATCHES = (
    Patch(
        LayoutContext,
        "_update_footnote_area",
        (
            (
                "overflow = last_child_bottom > footnote_area_bottom",
                "overflow = self.overflows(footnote_area_bottom, last_child_bottom)",
            ),
            (
                "footnote_area = build.create_anonymous_boxes(\n"
                "            self.current_footnote_area.deepcopy())\n"
                "        footnote_area = block_level_layout(\n"
                "            self, footnote_area, -inf, None,\n"
                "            self.current_footnote_area.page)[0]",
                "footnote_area = self.laid_out_notes()",
            ),
        ),
    ),
    Patch(
        page,
        "make_page",
        (
            (
                "footnote_area = build.create_anonymous_boxes(footnote_area.deepcopy())\n"
                "    footnote_area = block_level_layout(\n"
                "        context, footnote_area, bottom_space=-inf, skip_stack=None,\n"
                "        containing_block=footnote_area.page, page_is_empty=True,\n"
                "        absolute_boxes=positioned_boxes, fixed_boxes=positioned_boxes)[0]",
                "footnote_area = context.page_notes(footnote_area, positioned_boxes)",
            ),
        ),
    ),
    Patch(
        build,
        "compute_content_list",
        (
            (
                "anchor_name = targets.anchor_name_from_token(anchor_token)",
                "anchor_name = lookup_target.target_box.style['anchor']",
            ),
        ),
    ),
    Patch(
        block,
        "_linebox_layout",
        (
            (
                "report = not context.in_column and can_break_now and not could_break_before",
                "report = False",
            ),
            (
                "overflow = context.layout_footnote(footnote)",
                "overflow = context.layout_note_above(\n"
                "                    footnote, bottom_space, new_position_y + offset_y)",
            ),
        ),
    ),
)
UPSTREAM = {patch.name: getattr(patch.owner, patch.name) for patch in PATCHES}
PATCHED = {patch.name: patch.patched(UPSTREAM[patch.name]) for patch in PATCHES}


UPSTREAM_PDF_TAG = tags._get_pdf_tag
STRUCTURE_TYPES = {"aside": "Note", notesplit.CONTINUED: "NoteContinued", "ul": "UL", "ol": "OL"}


def pdf_tag(tag: str | None) -> str:
    """The structure type of an HTML element: WeasyPrint's, but for :data:`STRUCTURE_TYPES`."""
    mapped: str = STRUCTURE_TYPES.get(tag or "") or UPSTREAM_PDF_TAG(tag)
    return mapped


UPSTREAM_BUILD = weasy_document.build_formatting_structure
NBSP = "\u00a0"


def build_formatting_structure(*args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's box tree, with each lone marker moved into its item's first line, hung
    where the item's own first line would start; a marker never breaks from its text (a line
    whose text overflows by a hair breaks at the last opportunity before, which was in or
    after the marker)."""
    root = UPSTREAM_BUILD(*args, **kwargs)
    boxes = list(root.descendants())
    for marker in boxes:
        if (
            isinstance(marker, TextBox)
            and marker.element_tag.endswith("::marker")
            and marker.style["list_style_position"] == "inside"  # an outside one hangs alone
        ):
            spaces = len(marker.text) - len(marker.text.rstrip(" "))
            marker.text = marker.text.rstrip(" ") + NBSP * spaces  # no break after it
            marker.style = marker.style.copy()
            marker.style["white_space"] = "pre"  # nor inside ("–" allows one after it)
    for item in [box for box in boxes if _lone_marker(box)]:
        blocks = first_blocks(item.children[1])
        if not blocks:
            continue
        markers = _markers(item.children[0])
        shift = _shift(item, blocks)
        if shift:
            markers[0].style = markers[0].style.copy()
            markers[0].style["margin_left"] = Dimension(-shift, "px")
        line = blocks[-1].children[0]
        line.children = [*markers, *line.children]
        item.children = item.children[1:]
    return root


def _lone_marker(box: Box) -> bool:
    """Whether a box is a list item whose first child is the line of its marker alone, a
    block after it."""
    children: list[Box] = getattr(box, "children", [])
    return (
        isinstance(box, BlockBox)
        and len(children) > 1
        and isinstance(children[0], BlockBox)
        and bool(_markers(children[0]))
    )


def _markers(anonymous: BlockBox) -> list[InlineBox]:
    """The marker boxes of an anonymous block that holds one line of markers (and spaces)
    only; empty for any other block."""
    if len(anonymous.children) != 1 or not isinstance(anonymous.children[0], LineBox):
        return []
    children = anonymous.children[0].children
    markers = [
        c
        for c in children
        if c.element_tag.endswith("::marker") and c.style["list_style_position"] == "inside"
    ]  # an outside marker is a block of its own by design: it hangs left of the item's text
    spaces = [c for c in children if isinstance(c, TextBox) and not c.text.strip()]
    return markers if markers and len(markers) + len(spaces) == len(children) else []


def first_blocks(box: Box) -> list[Box]:
    """A block and the first block of each block it starts with, down to the one that starts
    with a line; empty when it starts with something else: a table, a picture, or a nested
    list (its own marker would follow the item's, not hang where its next items' do)."""
    blocks = []
    while (
        isinstance(box, BlockContainerBox)
        and not box.is_table_wrapper
        and box.element_tag not in ("ul", "ol")
        and box.children
    ):
        blocks.append(box)
        box = box.children[0]
        if isinstance(box, LineBox):
            return blocks
    return []


def _shift(item: Box, blocks: list[Box]) -> float:
    """How far right of the item's first line the first line of the innermost of ``blocks``
    starts (their left margins, borders and paddings, and its own text indent), in CSS px;
    0 when a percentage makes it unknown before layout."""
    lengths = [item.style["text_indent"], blocks[-1].style["text_indent"]]
    for box in blocks:
        lengths += [box.style["margin_left"], box.style["padding_left"]]
    if any(getattr(length, "unit", None) != "px" for length in lengths):
        return 0.0
    edges = sum(box.style["border_left_width"] for box in blocks)
    indents = lengths[1].value - lengths[0].value
    return float(edges + indents + sum(length.value for length in lengths[2:]))


class NamesWhole(pyphen.Pyphen):  # type: ignore[misc]
    """A pyphen dictionary that leaves capitalised words (names, mostly) whole."""

    def iterate(self, word: str) -> Any:
        return iter(()) if word[:1].isupper() else super().iterate(word)


class Whole:
    """A dictionary that splits no word."""

    def iterate(self, word: str) -> Any:
        return iter(())


class Withheld(dict[Any, Any]):
    """``LayoutContext.dictionaries`` (pyphen's, by language and limits) while a line may not
    end with a hyphen: :class:`Whole` for every key."""

    def get(self, key: Any, default: Any = None) -> Any:
        return Whole()


HYPHENATED_LINES = 2  # at most, in a row
UPSTREAM_LINES = inline.iter_line_boxes


def iter_line_boxes(context: Any, box: Any, *args: Any) -> Iterator[tuple[Any, Any]]:
    """WeasyPrint's lines of a block, where a line after :data:`HYPHENATED_LINES`
    hyphenated lines in a row does not end with a hyphen of the dictionary."""
    lines = UPSTREAM_LINES(context, box, *args)
    hyphenated = 0
    while True:
        dictionaries = context.dictionaries
        if hyphenated >= HYPHENATED_LINES:
            context.dictionaries = Withheld()
        try:
            line, resume_at = next(lines, (None, None))
        finally:
            context.dictionaries = dictionaries
        if line is None:
            return
        hyphenated = hyphenated + 1 if ends_hyphenated(line) else 0
        yield line, resume_at


def ends_hyphenated(line: LineBox) -> bool:
    """Whether a line ends with its hyphenation character (a word broken at its end)."""
    texts = [box for box in line.descendants() if isinstance(box, TextBox)]
    return bool(texts) and texts[-1].text.endswith(texts[-1].style["hyphenate_character"])


class Hyphenation:
    """What ``weasyprint.text.line_break`` uses of pyphen, with :class:`NamesWhole`."""

    Pyphen = NamesWhole
    language_fallback = staticmethod(pyphen.language_fallback)


def install(patched: bool = True) -> None:
    """Put the patched functions in place (or, for a test, the upstream ones back)."""
    LayoutContext.laid_out_notes = noteareas.laid_out_notes
    LayoutContext.page_notes = noteareas.page_notes
    for patch in PATCHES:
        setattr(patch.owner, patch.name, (PATCHED if patched else UPSTREAM)[patch.name])
    notesplit.install(patched)  # it wraps the make_page just put in place
    tags._get_pdf_tag = pdf_tag if patched else UPSTREAM_PDF_TAG
    weasy_document.build_formatting_structure = (
        build_formatting_structure if patched else UPSTREAM_BUILD
    )
    line_break.pyphen = Hyphenation if patched else pyphen
    block.iter_line_boxes = iter_line_boxes if patched else UPSTREAM_LINES
