"""What the source promises every output: its blocks (heading, paragraph, list item, table
cell, caption, footnote, code), each reduced to its letters and digits and found in an output's
text in order; its list items with their markers; its images; its front matter's end matter and
summary. Each block carries the file line a finding about it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from markdown_it.tree import SyntaxTreeNode

from briefexport.commands.pdfpage import letters
from briefexport.model import Article
from briefexport.render.text import NOTE_MARK, plain_text

BLOCKS = {"heading", "paragraph", "th", "td"}
FLOATS = {"table cell", "caption"}
"""Blocks the PDF may move past the text after them (a figure or short table that does not fit)."""
BULLETS = ("•", "–", "›")
"""The PDF's bullet at each depth of nested bullet lists (``article.css``)."""


@dataclass(frozen=True)
class Block:
    """One piece of source text that must reach the output, and the file line it is on."""

    kind: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class ListItem:
    """A list item as the source numbers it: its marker, depth, and the list it belongs to."""

    ordered: bool
    number: int
    depth: int
    bullet_depth: int
    tree: int
    block: Block

    @property
    def pdf_marker(self) -> str:
        """The marker ``article.css`` draws: ``3.``, or the bullet of its bullet depth."""
        if self.ordered:
            return f"{self.number}."
        return BULLETS[min(self.bullet_depth, len(BULLETS)) - 1]


def source_blocks(article: Article) -> tuple[list[Block], list[Block]]:
    """The body's blocks in reading order, and the footnotes in theirs."""
    body: list[Block] = []
    notes: list[Block] = []
    for node in article.body.children:
        target = notes if node.type == "footnote_block" else body
        target.extend(_blocks(node, article.body_first_line))
    return body, notes


def source_notes(article: Article) -> list[Block]:
    """Each note, its paragraphs joined, in the order the PDF numbers them: at its first call
    in the body, the notes it cites right after it (breadth first)."""
    notes = {
        int(node.meta["id"]): node
        for block in article.body.children
        if block.type == "footnote_block"
        for node in block.children
    }

    def first_calls(node: SyntaxTreeNode) -> list[int]:
        return [
            int(ref.meta["id"])
            for ref in node.walk()
            if ref.type == "footnote_ref"
            and not ref.meta.get("subId", 0)
            and int(ref.meta["id"]) in notes
        ]

    order: list[int] = []
    for top in article.body.children:
        if top.type == "footnote_block":
            continue
        for note_id in first_calls(top):
            queue = [note_id]
            order.append(note_id)
            while queue:
                paragraphs = [c for c in notes[queue.pop(0)].children if c.type == "paragraph"]
                cited = [i for paragraph in paragraphs for i in first_calls(paragraph)]
                order += cited
                queue += cited
    return [_note_block(notes[note_id], article.body_first_line) for note_id in order]


def _note_block(note: SyntaxTreeNode, first: int) -> Block:
    """A note's blocks (paragraphs, code, lists, quotes) in their order, as the PDF prints them."""
    parts = [plain_text(c, NOTE_MARK) for c in note.children if c.type != "footnote_anchor"]
    line = first + next((n.map[0] for n in note.walk() if n.map), 0)
    return Block("footnote", NOTE_MARK.join(parts), line)


def _line(node: SyntaxTreeNode, first: int) -> int:
    while node.map is None and node.parent is not None:
        node = node.parent
    return first + (node.map[0] if node.map else 0)


def _blocks(node: SyntaxTreeNode, first: int) -> Iterator[Block]:
    if node.type in BLOCKS:
        line = _line(node, first)
        text = plain_text(node, NOTE_MARK)
        kind = "list item" if node.parent and node.parent.type == "list_item" else node.type
        if node.type == "paragraph" and _is_figure(node):
            caption = _figure_caption(node)
            if caption:
                yield Block("caption", caption, line)
            return
        if text:
            yield Block({"th": "table cell", "td": "table cell"}.get(kind, kind), text, line)
        return
    if node.type in ("code_block", "fence"):
        yield Block("code", node.content, _line(node, first))
        return
    for child in node.children:
        yield from _blocks(child, first)


def list_items(article: Article) -> list[ListItem]:
    """Every list item of the body (not of the notes), in reading order."""
    items: list[ListItem] = []
    trees = 0
    for top in article.body.children:
        if top.type == "footnote_block":
            continue
        for node in top.walk():
            if node.type != "list_item" or node.parent is None:
                continue
            lists = [a for a in _ancestors(node) if a.type in ("bullet_list", "ordered_list")]
            if len(lists) == 1 and node is node.parent.children[0]:
                trees += 1
            ordered = node.parent.type == "ordered_list"
            start = int(node.parent.attrs.get("start", 1)) if ordered else 1
            number = start + node.parent.children.index(node)
            text = next(iter(_blocks(node, article.body_first_line)), None)
            block = text or Block("list item", "", _line(node, article.body_first_line))
            bullets = sum(a.type == "bullet_list" for a in lists)
            items.append(ListItem(ordered, number, len(lists), bullets, trees, block))
    return items


def _ancestors(node: SyntaxTreeNode) -> Iterator[SyntaxTreeNode]:
    while node.parent is not None:
        node = node.parent
        yield node


def source_images(
    article: Article, alt: Callable[[SyntaxTreeNode], str] = plain_text
) -> list[Block]:
    """Every image of the body the sandbox lets the build embed (a refused one is a build
    warning at its line), with its alternative text as ``alt`` gives it (the memo's is the
    source's; the PDF's is :func:`briefexport.render.text.image_alt`), in reading order: a
    "figure" when it is its paragraph's only content (the PDF floats it), else an "image"."""
    from briefexport.sandbox.images import locate
    from briefexport.sandbox.policy import ResourcePolicy

    policy = ResourcePolicy(roots=(article.folder,))
    return [
        Block(
            "figure"
            if paragraph and paragraph.type == "paragraph" and _is_figure(paragraph)
            else "image",
            alt(node),
            _line(node, article.body_first_line),
        )
        for node in article.body.walk()
        if node.type == "image" and locate(article, node, policy).usable
        for paragraph in [node.parent.parent if node.parent else None]
    ]


def _is_figure(node: SyntaxTreeNode) -> bool:
    inline = node.children[0] if node.children else None
    return bool(inline and len(inline.children) == 1 and inline.children[0].type == "image")


def _figure_caption(node: SyntaxTreeNode) -> str:
    return str(node.children[0].children[0].attrs.get("title") or "")


def missing_in_order(blocks: Iterable[Block], haystack: str) -> list[Block]:
    """Blocks not found in ``haystack`` after the previous block's position.

    The cells of one table count as a group: readers disagree on the order they extract
    cells in, so each cell only has to follow the text before the table. Tables and figure
    captions float (the PDF moves a figure or short table that does not fit past the text
    after it), so that text only has to follow what came before the float.
    """
    missing = []
    position = group_start = 0
    previous_kind = ""
    for block in blocks:
        if block.kind in FLOATS:
            if previous_kind not in FLOATS:
                group_start = position
            position = group_start
        elif previous_kind in FLOATS:
            position = group_start
        previous_kind = block.kind
        end = find_block(block, haystack, position)
        if end < 0:
            missing.append(block)
        else:
            position = end
    return missing


def find_block(block: Block, haystack: str, position: int) -> int:
    """Where the block ends in ``haystack`` (its pieces between footnote calls in order), or -1."""
    for needle in filter(None, map(letters, block.text.split(NOTE_MARK))):
        found = haystack.find(needle, position)
        if found < 0:
            return -1
        position = found + len(needle)
    return position


def key_line(article: Article, *key: str) -> int:
    """The file line of a front matter key path, or of its nearest parent that has one."""
    lines = article.front_matter_lines
    return next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), 1)


def end_blocks(article: Article) -> list[Block]:
    """The authors' bios and the copyright line."""
    blocks = [
        Block("bio", author.bio, key_line(article, "author", str(index), "bio"))
        for index, author in enumerate(article.authors)
        if author.bio
    ]
    if article.copyright:
        blocks.append(Block("copyright", article.copyright, key_line(article, "copyright")))
    return blocks


def summary_blocks(article: Article) -> list[Block]:
    """The summary's items, each at its line in the front matter (line 1 when derived)."""
    summary = article.effective_summary.plain(article.lang)
    line = key_line(article, "summary", "bottom-line")
    blocks = [Block("bottom line", summary.bottom_line, line)]
    for key, kind, items in (
        ("key-points", "key point", summary.key_points),
        ("recommendations", "recommendation", summary.recommendations),
    ):
        blocks += [
            Block(kind, item, key_line(article, "summary", key, str(index)))
            for index, item in enumerate(items)
        ]
    return blocks
