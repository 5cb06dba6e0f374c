"""The article body in Word: blocks in their context, as the PDF shows them.

Every block knows where it sits: in which block quotes and list items. A list item's number
goes on its first block, whatever that block is (a paragraph, code, a heading, a quote); an
item that opens with a list or a table, or has no content, gets a paragraph of its own for its
number. Later blocks of an item are indented under it, blocks in a quote carry its line, and
headings inside either keep their look but stay out of the document outline. Footnotes are
written with the same rules, into the notes part.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count

from docx.blkcntnr import BlockItemContainer
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from markdown_it.tree import SyntaxTreeNode

from briefexport.render.text import markdown_inline
from briefexport.render.tree import body_blocks, figure_image
from briefexport.wordml.footnotes import add_footnote
from briefexport.wordml.hyperlinks import add_bookmark
from briefexport.wordml.numbering import Numbering, number_paragraph
from briefexport.wordml.oxml import PPR_ORDER, element, put
from briefexport.wordml.package import body_of
from briefexport.wordml.runs import add_run, set_paragraph_style
from briefexport.wordml.styles import borders
from briefexport.writers.memo.inline import InlineRenderer
from briefexport.writers.memo.styles import (
    BULLETS,
    CODE_INSET,
    INDENT,
    LEVELS,
    LIST_LEVELS,
    QUOTE_INDENT,
    list_style,
    quote_border,
)

BODY_TEXT_LEVEL = 9
"""``w:outlineLvl`` of a paragraph that is not in the outline."""
EMPTY_ITEM = "\u00a0"
"""The text of a paragraph that only carries an item's number: a no-break space, so that
readers which drop empty paragraphs (pandoc) keep the item."""


@dataclass
class ListState:
    """An open list: Bullet or Number, its ``w:num`` and its level (``w:ilvl``)."""

    kind: str
    num_id: int
    level: int


@dataclass
class Frame:
    """A container the next blocks sit in: a block quote, or an item of ``items``, whose
    number is ``marked`` once a paragraph carries it; ``width`` is the indent it adds."""

    width: float
    items: ListState | None = None
    marked: bool = False


class BlockRenderer(InlineRenderer):
    """Blocks of the body and of its notes, each in its quotes and list items."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.numbering = Numbering(self.document)
        self.definitions: dict[str, int] = {}
        self.container: BlockItemContainer = body_of(self.document)
        self.frames: list[Frame] = []
        self.lists: list[ListState] = []
        self.bullets = 0
        self.in_note = False
        self.note_start: Paragraph | None = None
        self.outline = 0
        self.bookmark_ids = count()
        self.citing: list[int] | None = None

    # -- paragraphs in their context ---------------------------------------------------

    def paragraph(self, style: str, text: str = "") -> Paragraph:
        """A new top-level paragraph in a named style (the parts around the body)."""
        paragraph = self.container.add_paragraph()
        set_paragraph_style(paragraph._p, self.style_id(self.paragraph_styles[style]))
        if text:
            add_run(paragraph._p, text)
        return paragraph

    def block(self, style: str, text: str = "") -> Paragraph:
        """A paragraph for a block where the body is now: indented into its quotes and list
        items, with their line, and the number of an item that has none yet."""
        if self.note_start is not None:  # a note's first paragraph, holding its number
            paragraph, self.note_start = self.note_start, None
            set_paragraph_style(paragraph._p, self.style_id(self.paragraph_styles[style]))
            if text:
                add_run(paragraph._p, text)
        else:
            paragraph = self.paragraph(style, text)
        item = self.open_item()
        if item is not None and item.items is not None:
            item.marked = True
            number_paragraph(paragraph, item.items.num_id, item.items.level)
        self.place(paragraph, style, item)
        return paragraph

    def open_item(self) -> Frame | None:
        """The innermost list item, while its number is not yet written."""
        items = [frame for frame in self.frames if frame.items is not None]
        return items[-1] if items and not items[-1].marked else None

    def indent(self, frames: list[Frame] | None = None) -> float:
        """Points the open quotes and list items indent their content."""
        return sum(frame.width for frame in (self.frames if frames is None else frames))

    def place(self, paragraph: Paragraph, style: str, item: Frame | None) -> None:
        """Indent ``paragraph`` where its style does not already, and draw the line of the
        quotes it is in when its style does not."""
        layout = paragraph.paragraph_format
        left = self.indent() + (CODE_INSET if style == "Source Code" else 0)
        if item is not None and item.items is not None:
            hanging = left - self.indent(self.frames[: self.frames.index(item)])
            if (left, hanging) != (INDENT * (item.items.level + 1), INDENT):
                layout.left_indent, layout.first_line_indent = Pt(left), Pt(-hanging)
        elif abs(Pt(left) - (self.paragraph_styles[style].paragraph_format.left_indent or 0)) > 1:
            layout.left_indent = Pt(left)
        quoted = any(frame.items is None for frame in self.frames)
        if quoted and not (style == "Quote" and self.frames[-1].items is None):
            put(paragraph._p.get_or_add_pPr(), borders("w:pBdr", [quote_border(self.brand)]),
                PPR_ORDER)  # fmt: skip

    def text_style(self) -> str:
        """The style of running text here: in a note, a quote, a list item, or the body."""
        if self.in_note:
            return "Footnote Text"
        if not self.frames:
            return "Body Text"
        inner = self.frames[-1]
        if inner.items is None:
            return "Quote"
        depth = sum(frame.items is not None for frame in self.frames)
        return list_style("Continue" if inner.marked else inner.items.kind, depth)

    def mark_open_item(self) -> None:
        """Before a block that cannot carry a number (a list, a table) or at the end of an
        empty item: the open item's number on a paragraph of its own."""
        if self.open_item() is not None:
            self.block(self.text_style(), EMPTY_ITEM)

    @contextmanager
    def framed(self, frame: Frame) -> Iterator[Frame]:
        self.frames.append(frame)
        try:
            yield frame
        finally:
            self.frames.pop()

    # -- blocks -------------------------------------------------------------------------

    def node_root(self, node: SyntaxTreeNode) -> None:
        for block in body_blocks(node):
            self.render(block)

    def node_paragraph(self, node: SyntaxTreeNode) -> None:
        image = figure_image(node)
        if image is not None:
            self.figure(image)
        elif "csl-entry" in str(node.attrs.get("class", "")):  # set by the source stage
            paragraph = self.block("Bibliography")
            self.inline(paragraph, node)
            add_bookmark(paragraph, str(node.attrs["id"]), next(self.bookmark_ids))
        else:
            self.inline(self.block(self.text_style()), node)

    def heading(self, level: int, text: str = "") -> Paragraph:
        """A heading of the outline, at most one level below the one before it."""
        self.outline = min(level, self.outline + 1)
        return self.block(f"Heading {self.outline}", text)

    def node_heading(self, node: SyntaxTreeNode) -> None:
        level = min(6, max(1, self.heading_level(node) - 1))  # the body's top level: Heading 1
        if self.frames or self.in_note:  # its look, but not a part of the outline
            paragraph = self.block(f"Heading {level}")
            outline = element("w:outlineLvl", val=BODY_TEXT_LEVEL)
            put(paragraph._p.get_or_add_pPr(), outline, PPR_ORDER)
        else:
            paragraph = self.heading(level)
        self.inline(paragraph, node)
        add_bookmark(paragraph, self.anchor(node), next(self.bookmark_ids))

    def node_code_block(self, node: SyntaxTreeNode) -> None:
        self.block("Source Code", node.content.rstrip("\n"))

    node_fence = node_code_block

    def node_hr(self, node: SyntaxTreeNode) -> None:
        self.block("Horizontal Rule")

    def node_blockquote(self, node: SyntaxTreeNode) -> None:
        with self.framed(Frame(QUOTE_INDENT)):
            self.children(node)

    def node_bullet_list(self, node: SyntaxTreeNode) -> None:
        self.bullets += 1
        try:
            with self.listing("Bullet", BULLETS[min(self.bullets, len(BULLETS)) - 1]):
                self.children(node)
        finally:
            self.bullets -= 1

    def node_ordered_list(self, node: SyntaxTreeNode) -> None:
        with self.listing("Number", "Number", int(node.attrs.get("start", 1))):
            self.children(node)

    def node_list_item(self, node: SyntaxTreeNode) -> None:
        with self.framed(Frame(INDENT, self.lists[-1])):
            self.children(node)
            self.mark_open_item()  # an empty item keeps its number

    @contextmanager
    def listing(self, kind: str, marker: str, start: int = 1) -> Iterator[None]:
        """A new list of ``marker``s (a bullet glyph, or Number), numbered from ``start``,
        one level below the open one."""
        self.mark_open_item()
        if marker not in self.definitions:
            self.definitions[marker] = self.numbering.add_definition(LIST_LEVELS[marker])
        level = min(len(self.lists), LEVELS - 1)  # Word has nine levels; deeper ones share the last
        num_id = self.numbering.add_list(self.definitions[marker], level, start)
        self.lists.append(ListState(kind, num_id, level))
        try:
            yield
        finally:
            self.lists.pop()

    def items(self, kind: str, texts: tuple[str, ...]) -> None:
        """A list of inline-Markdown items (key points, recommendations)."""
        with self.listing(kind, BULLETS[0] if kind == "Bullet" else kind):
            for text in texts:
                with self.framed(Frame(INDENT, self.lists[-1])):
                    paragraph = self.block(self.text_style())
                    self.inline(paragraph, markdown_inline(text, self.article.lang))

    def figure(self, node: SyntaxTreeNode) -> None:
        """An image alone in its paragraph, and its caption (the image's title)."""
        paragraph = self.block("Figure")
        with self.writing_into(paragraph):
            self.picture(node, self.figure_height())
        caption = node.attrs.get("title")
        if caption:
            self.block("Caption", str(caption))

    # -- notes --------------------------------------------------------------------------

    def node_footnote_ref(self, node: SyntaxTreeNode) -> None:
        """A note's first call becomes a Word footnote; later calls repeat its number. Word
        notes cannot hold notes: a note first cited inside another is called in the text
        right after that one's call (Word numbers notes in the order of their calls)."""
        note_id = int(node.meta["id"])
        first = self.first_call(node) is not None
        if first and self.citing is None:
            self.citing = [note_id]
            for cited in self.citing:  # grows while the notes are written
                self.footnote(cited)
            self.citing = None
            return
        self.run(str(self.note_number(node)), self.character_styles["Footnote Reference"])
        if first and self.citing is not None:
            self.citing.append(note_id)

    def footnote(self, note_id: int) -> None:
        """Call note ``note_id`` here and write its blocks into the footnotes part."""
        reference = self.character_styles["Footnote Reference"]
        text = self.paragraph_styles["Footnote Text"]
        note = add_footnote(self.run(""), reference, text, self.style_id)
        saved = self.container, self.frames, self.lists, self.bullets, self.in_note
        self.container, self.frames, self.lists, self.bullets, self.in_note = note, [], [], 0, True
        self.note_start = note.paragraphs[0]
        try:
            for block in self.notes[note_id].children:
                self.render(block)
        finally:
            self.container, self.frames, self.lists, self.bullets, self.in_note = saved
            self.note_start = None

    def node_footnote_anchor(self, node: SyntaxTreeNode) -> None:
        """The back-link a note carries in HTML; Word links notes itself."""
