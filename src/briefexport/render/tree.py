"""The walk every body renderer shares, and the facts every output needs, each kept once.

markdown-it-py's renderer is a table of rules keyed by node type with a fallback, and pandoc's
writers share one tree. Here :class:`TreeRenderer` owns the dispatch (``node_<type>``) and the
facts: the notes and their numbers in call order, which paragraph is a figure, a table cell's
alignment, a heading's level and anchor, which tables turn landscape, which divs are boxes and
which links may be followed. :mod:`briefexport.render.html` (HTML for WeasyPrint) and the memo's
body renderer (:mod:`briefexport.writers.memo.inline` and its subclasses) say how nodes look.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from markdown_it.tree import SyntaxTreeNode

from briefexport.render.text import plain_text, slugify
from briefexport.sandbox.policy import LINK_SCHEMES, scheme_of

if TYPE_CHECKING:
    from briefexport.model import Article

WIDE_TABLE_COLUMNS = 6
LANDSCAPE_COLUMNS = 8
BOXES = ("sidebar", "note", "warning")
ALIGNMENT = re.compile(r"text-align:(left|right|center)")

T = TypeVar("T")


def safe_href(href: str) -> str | None:
    """The link target when it is http(s), mailto or an in-document anchor; otherwise None."""
    href = href.strip()
    if href.startswith("#"):
        return href
    return href if scheme_of(href) in LINK_SCHEMES else None


def heading_shift(body: SyntaxTreeNode) -> int:
    """How far body headings move so the body's top level sits under the title (h2)."""
    levels = [int(node.tag[1]) for node in body.children if node.type == "heading"]
    return 2 - min(levels) if levels else 0


def anchors_of(headings: list[SyntaxTreeNode]) -> list[str]:
    """The ``id`` of each heading: its ``{#id}``, else a slug of its text made unique."""
    anchors: list[str] = []
    taken = {str(node.attrs["id"]) for node in headings if "id" in node.attrs}
    following: dict[str, int] = {}
    for node in headings:
        if "id" in node.attrs:
            anchors.append(str(node.attrs["id"]))
            continue
        base = slugify(plain_text(node))
        number = following.get(base, 0)  # then base-1, base-2, as pandoc and GitHub do
        anchor = f"{base}-{number}" if number else base
        while anchor in taken:
            number += 1
            anchor = f"{base}-{number}"
        following[base] = number + 1
        anchors.append(anchor)
        taken.add(anchor)
    return anchors


def body_blocks(body: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The body's top-level blocks, without the footnote definitions (notes go where called)."""
    return [block for block in body.children if block.type != "footnote_block"]


def notes_of(body: SyntaxTreeNode) -> dict[int, SyntaxTreeNode]:
    """Every footnote definition, by markdown-it's note id."""
    return {
        int(node.meta["id"]): node
        for block in body.children
        if block.type == "footnote_block"
        for node in block.children
    }


def figure_image(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    """The image of a paragraph that holds one image and nothing else (a figure), else None."""
    inline = node.children[0] if node.type == "paragraph" and node.children else None
    if inline and len(inline.children) == 1 and inline.children[0].type == "image":
        return inline.children[0]
    return None


def is_figure(node: SyntaxTreeNode) -> bool:
    """A paragraph that holds one image and nothing else: a figure."""
    return figure_image(node) is not None


def alignment(cell: SyntaxTreeNode) -> str | None:
    """A table cell's alignment from its column's colons: left, right, center, or None."""
    align = ALIGNMENT.search(str(cell.attrs.get("style", "")))
    return align[1] if align else None


def column_count(table: SyntaxTreeNode) -> int:
    """The number of columns of a table: its longest row's cells."""
    return max((len(row.children) for row in table.walk() if row.type == "tr"), default=0)


def is_landscape(table: SyntaxTreeNode) -> bool:
    """A table marked ``{.landscape}``, or with more columns than a portrait page holds."""
    marked = "landscape" in str(table.attrs.get("class", "")).split()
    return marked or column_count(table) > LANDSCAPE_COLUMNS


def box_kind(div: SyntaxTreeNode) -> str | None:
    """Which box a fenced div is (sidebar, note, warning), or None for a plain div."""
    classes = str(div.attrs.get("class", "")).split()
    return next((name for name in BOXES if name in classes), None)


@dataclass
class TreeRenderer(ABC, Generic[T]):
    """Walks an article's tree: each node goes to the method ``node_<type>``, a type without
    one to :meth:`fallback`. Notes are numbered in call order: the call that numbers a note
    (:meth:`numbers_note`) gives it the next number, other calls repeat it."""

    article: Article

    def __post_init__(self) -> None:
        self.notes = notes_of(self.article.body)
        self.numbers: dict[int, int] = {}
        self.shift = heading_shift(self.article.body)

    def render(self, node: SyntaxTreeNode | None = None) -> T:
        """Render a node (the whole body by default) by its rule."""
        node = node or self.article.body
        rule: Callable[[SyntaxTreeNode], T] = getattr(self, f"node_{node.type}", self.fallback)
        return rule(node)

    @abstractmethod
    def fallback(self, node: SyntaxTreeNode) -> T:
        """A node of a type with no rule of its own."""

    def heading_level(self, heading: SyntaxTreeNode) -> int:
        """A heading's level with the body's top level under the title (2)."""
        return int(heading.tag[1]) + self.shift

    def anchor(self, heading: SyntaxTreeNode) -> str:
        """A heading's ``id`` (its ``{#id}``, else a unique slug; see :func:`anchors_of`)."""
        return self.article.crossrefs.by_node[heading].anchor

    def first_call(self, ref: SyntaxTreeNode) -> int | None:
        """The number a footnote call gives its note when it is the call that numbers it
        (:meth:`numbers_note`), else None (a later call, or a call to no note)."""
        if not self.numbers_note(ref):
            return None
        note_id = int(ref.meta["id"])
        self.numbers[note_id] = len(self.numbers) + 1
        return self.numbers[note_id]

    def numbers_note(self, ref: SyntaxTreeNode) -> bool:
        """Whether this call numbers its note: the first call written (a note is written at
        its first call, so a note first cited inside another is numbered there)."""
        note_id = int(ref.meta["id"])
        return note_id in self.notes and note_id not in self.numbers

    def note_number(self, ref: SyntaxTreeNode) -> int:
        """The number a footnote call shows."""
        return self.number_of(int(ref.meta["id"]))

    def number_of(self, note_id: int) -> int:
        """A note's number (markdown-it's id + 1 for a note no call numbers)."""
        return self.numbers.get(note_id, note_id + 1)
