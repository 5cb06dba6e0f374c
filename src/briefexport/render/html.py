"""The article body as HTML for WeasyPrint: one method per node type, everything escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from markdown_it.tree import SyntaxTreeNode
from markupsafe import Markup, escape

from briefexport.messages import Message
from briefexport.render.text import image_alt, plain_text, tie, unbroken_amounts
from briefexport.render.tree import (
    WIDE_TABLE_COLUMNS,
    TreeRenderer,
    alignment,
    body_blocks,
    box_kind,
    column_count,
    figure_image,
    is_landscape,
    safe_href,
)
from briefexport.sandbox.images import ImageRef, image_warning, locate
from briefexport.sandbox.policy import ResourcePolicy

SHORT_TABLE_ROWS = 8
ROWS_AT_BREAK = 3
ZERO_WIDTH_SPACE = "\u200b"
PROSE_RUN = 30
CODE_RUN = 500
FORWARD_CITATION = re.compile("\x00([0-9]+)\x00")  # a repeated call's note id, until numbered


def breakable(text: str, run: int) -> str:
    """``text`` with a zero-width space after every ``run`` characters of a longer word.

    WeasyPrint breaks a word wider than its line in time quadratic in the word's length (a
    10,000-character word took seconds); the break opportunities keep that cheap. Readers
    and verification ignore the invisible character.
    """
    return re.sub(rf"(\S{{{run}}})(?=\S)", rf"\1{ZERO_WIDTH_SPACE}", text)


@dataclass
class HtmlRenderer(TreeRenderer[str]):
    """Renders an article body; footnotes become WeasyPrint ``float: footnote`` elements.

    A note's call is a link to the note (``#fnN``), and the note's number a link back to the
    call (``#fnrefN``). HTML cannot nest a note's paragraphs, lists, code and quotes in the
    paragraph that calls it, so each note is an ``<aside class="footnote">`` after the body and
    an empty ``<span class="note-at">`` marks where it floats from: the layout moves the aside
    there (weasy.notes.place_notes). A footnote cited inside another footnote is not nested in
    it: its aside floats from just after the citing note's, and the citation is a plain
    superscript. Notes are numbered in call order, the order of their asides.
    """

    policy: ResourcePolicy
    messages: list[Message] = field(default_factory=list)
    cited_in_notes: list[int] = field(default_factory=list)
    in_note: bool = False
    asides: list[str] = field(default_factory=list)
    last_words: SyntaxTreeNode | None = None
    level: int = 1  # of the last heading written; the title is h1
    kept_rows: set[SyntaxTreeNode] = field(default_factory=set)

    def render(self, node: SyntaxTreeNode | None = None) -> Markup:
        """The HTML of a node (the whole body by default)."""
        return Markup(super().render(node))

    def children(self, node: SyntaxTreeNode) -> str:
        return "".join(self.render(child) for child in node.children)

    def fallback(self, node: SyntaxTreeNode) -> str:
        return self.children(node) if node.children else str(escape(node.content))

    def node_root(self, node: SyntaxTreeNode) -> str:
        body = "".join(self.render(block) for block in body_blocks(node)) + "".join(self.asides)
        return FORWARD_CITATION.sub(lambda m: str(self.number_of(int(m[1]))), body)

    def node_text(self, node: SyntaxTreeNode) -> str:
        text = tie(node.content) if node is self.last_words else node.content
        return str(escape(breakable(unbroken_amounts(text), PROSE_RUN)))

    def node_paragraph(self, node: SyntaxTreeNode) -> str:
        image = figure_image(node)
        if image is not None:
            return self.figure(image)
        tight = node.hidden
        # only the source stage sets attributes (a bibliography entry's class and id)
        attrs = "".join(
            f' {k}="{escape(node.attrs[k])}"' for k in ("id", "class") if k in node.attrs
        )
        return self.children(node) if tight else f"<p{attrs}>{self.children(node)}</p>\n"

    def node_heading(self, node: SyntaxTreeNode) -> str:
        """A heading under the title (h1); it goes at most one level deeper than the one before
        it, since PDF/UA forbids skipping a level (## then #### becomes h2, h3)."""
        level = min(6, max(2, self.heading_level(node)), self.level + 1)
        self.level = level
        texts = [child for child in node.walk() if child.type == "text" and child.content.strip()]
        self.last_words = texts[-1] if texts else None  # tied: no word alone on a last line
        label = f' data-bookmark="{escape(plain_text(node))}"'  # no call number, no tie
        label += ' class="landscape-heading"' if node in self.landscape_headings else ""
        return f'<h{level} id="{self.anchor(node)}"{label}>{self.children(node)}</h{level}>\n'

    def node_inline(self, node: SyntaxTreeNode) -> str:
        return self.children(node)

    def node_softbreak(self, node: SyntaxTreeNode) -> str:
        return "\n"

    def node_hardbreak(self, node: SyntaxTreeNode) -> str:
        return "<br>\n"

    def node_em(self, node: SyntaxTreeNode) -> str:
        return f"<em>{self.children(node)}</em>"

    def node_strong(self, node: SyntaxTreeNode) -> str:
        return f"<strong>{self.children(node)}</strong>"

    def node_s(self, node: SyntaxTreeNode) -> str:
        return f"<del>{self.children(node)}</del>"

    def node_code_inline(self, node: SyntaxTreeNode) -> str:
        return f"<code>{escape(breakable(node.content, CODE_RUN))}</code>"

    def node_code_block(self, node: SyntaxTreeNode) -> str:
        return f"<pre><code>{escape(breakable(node.content, CODE_RUN))}</code></pre>\n"

    node_fence = node_code_block

    def node_hr(self, node: SyntaxTreeNode) -> str:
        return "<hr>\n"

    def node_blockquote(self, node: SyntaxTreeNode) -> str:
        return f"<blockquote>\n{self.children(node)}</blockquote>\n"

    def node_bullet_list(self, node: SyntaxTreeNode) -> str:
        return f"<ul>\n{self.children(node)}</ul>\n"

    def node_ordered_list(self, node: SyntaxTreeNode) -> str:
        start = int(node.attrs.get("start", 1))
        # WeasyPrint ignores the start attribute: the counter says it
        attr = (
            f' start="{start}" style="counter-reset: list-item {start - 1}"' if start != 1 else ""
        )
        return f"<ol{attr}>\n{self.children(node)}</ol>\n"

    def node_list_item(self, node: SyntaxTreeNode) -> str:
        return f"<li>{self.children(node)}</li>\n"

    def node_link(self, node: SyntaxTreeNode) -> str:
        href = safe_href(str(node.attrs.get("href", "")))
        if href is None:
            return self.children(node)
        title = node.attrs.get("title")
        title_attr = f' title="{escape(title)}"' if title else ""
        return f'<a href="{escape(href)}"{title_attr}>{self.children(node)}</a>'

    def plain(self, node: SyntaxTreeNode) -> str:
        """A node's plain text, escaped and breakable."""
        return str(escape(breakable(plain_text(node), PROSE_RUN)))

    def node_image(self, node: SyntaxTreeNode) -> str:
        image = locate(self.article, node, self.policy)
        if not image.usable:
            self.messages.append(image_warning(self.article, image))
            return f'<span class="missing-image">[{self.plain(node)}]</span>'
        return f'<img src="{escape(image.url)}" alt="{escape(self.alt(node, image))}">'

    def alt(self, node: SyntaxTreeNode, image: ImageRef) -> str:
        """The image's alt text; without one, its caption (else its file name), with a
        warning: PDF/UA wants every figure described."""
        alt = plain_text(node)
        if alt:
            return alt
        src = str(node.attrs.get("src", ""))
        stand_in = image_alt(node)
        said = "its caption" if node.attrs.get("title") else "its file name"
        self.messages.append(
            Message(
                self.article.path,
                image.line,
                f"image '{src}' has no alt text; {said} describes it in the PDF "
                "(describe it for screen readers: ![description](file))",
            )
        )
        return stand_in

    def figure(self, node: SyntaxTreeNode) -> str:
        caption = str(node.attrs.get("title") or "")
        label, anchor = self.numbered(node)
        figcaption = (
            f"<figcaption>{label}{escape(breakable(caption, PROSE_RUN))}</figcaption>"
            if caption or label
            else ""
        )
        return f"<figure{anchor}>{self.node_image(node)}{figcaption}</figure>\n"

    def node_table(self, node: SyntaxTreeNode) -> str:
        """A table; one of at most :data:`SHORT_TABLE_ROWS` body rows is ``short`` (kept whole,
        floating), a longer one keeps :data:`ROWS_AT_BREAK` rows each side of a page
        break; a table marked or too wide for the measure gets a landscape page."""
        columns = column_count(node)
        size = " wide" if columns > WIDE_TABLE_COLUMNS else ""
        rows = [row for part in node.children if part.type == "tbody" for row in part.children]
        if len(rows) <= SHORT_TABLE_ROWS:  # pictures too (split if taller than a page)
            size += " short"
        else:
            keep = ROWS_AT_BREAK - 1
            self.kept_rows.update(rows[:keep] + rows[-ROWS_AT_BREAK:-1])
        attrs = f'{self.numbered(node)[1]} class="cols-{min(columns, 99)}{size}"'
        table = f"<table{attrs}>\n{self.children(node)}</table>\n"
        return f'<div class="landscape">\n{table}</div>\n' if is_landscape(node) else table

    def node_thead(self, node: SyntaxTreeNode) -> str:
        return f"<thead>\n{self.children(node)}</thead>\n"

    def node_tbody(self, node: SyntaxTreeNode) -> str:
        return f"<tbody>\n{self.children(node)}</tbody>\n"

    def node_tr(self, node: SyntaxTreeNode) -> str:
        keep = ' class="keep"' if node in self.kept_rows else ""  # no page break after it
        return f"<tr{keep}>{self.children(node)}</tr>\n"

    def node_th(self, node: SyntaxTreeNode) -> str:
        return self.cell("th", node)

    def node_td(self, node: SyntaxTreeNode) -> str:
        return self.cell("td", node)

    def cell(self, tag: str, node: SyntaxTreeNode) -> str:
        align = alignment(node)
        attr = f' class="align-{align}"' if align else ""
        scope = ' scope="col"' if tag == "th" else ""
        return f"<{tag}{attr}{scope}>{self.children(node)}</{tag}>"

    def node_footnote_ref(self, node: SyntaxTreeNode) -> str:
        note_id = int(node.meta["id"])
        number = self.first_call(node)
        if number is None:  # numbered elsewhere, maybe later: node_root fills the number in
            return f'<sup class="footnote-repeat">\x00{note_id}\x00</sup>'
        if self.in_note:
            self.cited_in_notes.append(note_id)
            return f'<sup class="footnote-repeat">{number}</sup>'
        marks = [f'<a class="note-call" href="#fn{number}" id="fnref{number}">{number}</a>']
        marks.append(self.footnote(note_id))
        while self.cited_in_notes:
            marks.append(self.footnote(self.cited_in_notes.pop(0)))
        return "".join(marks)

    def numbers_note(self, ref: SyntaxTreeNode) -> bool:
        """The note's first call in the source (markdown-it's ``subId`` 0): its aside floats
        from there even when a note written before cites it; that citation shows the number
        the note takes later (:meth:`node_root` fills it in)."""
        return not ref.meta.get("subId", 0) and int(ref.meta["id"]) in self.notes

    def footnote(self, note_id: int) -> str:
        """Where one note floats from; its aside is queued in :attr:`asides` and the notes it
        cites in :attr:`cited_in_notes`."""
        number = self.numbers[note_id]
        note = self.notes[note_id]
        self.in_note = True
        blocks = "".join(self.render(child) for child in note.children)
        self.in_note = False
        back = f'<a class="note-number" href="#fnref{number}">{number}</a>. '
        if blocks.startswith("<p>"):
            blocks = f"<p>{back}{blocks[3:]}"
        else:
            blocks = f"<p>{back}</p>\n{blocks}"
        line = self.article.body_first_line + next((n.map[0] for n in note.walk() if n.map), 0)
        self.asides.append(
            f'<aside class="footnote" id="fn{number}" data-line="{line}">\n{blocks}</aside>\n'
        )
        return f'<span class="note-at" data-note="fn{number}"></span>'

    def node_footnote_anchor(self, node: SyntaxTreeNode) -> str:
        return ""

    # -- long reports: numbers, references, captions, boxes, languages (source/pandoc.py) --

    @cached_property
    def landscape_headings(self) -> set[SyntaxTreeNode]:
        """Headings right before a landscape table: they go onto its page."""
        return {
            heading
            for parent in self.article.body.walk()
            for heading, after in pairwise(parent.children)
            if heading.type == "heading" and after.type == "table" and is_landscape(after)
        }

    def numbered(self, node: SyntaxTreeNode) -> tuple[str, str]:
        """A numbered figure's or table's caption label ("Figure 1. ") and ``id`` attribute."""
        target = self.article.crossrefs.of(node)
        if target is None:
            return "", ""
        label = self.article.crossrefs.caption_label(target)
        return (
            f'<span class="caption-label">{escape(label)}</span> ',
            f' id="{escape(target.anchor)}"',
        )

    def node_caption(self, node: SyntaxTreeNode) -> str:
        label = self.numbered(node.parent)[0] if node.parent else ""
        return f"<caption>{label}{self.children(node)}</caption>\n"

    def node_crossref(self, node: SyntaxTreeNode) -> str:
        anchor = self.article.crossrefs.target(node).anchor
        return f'<a class="xref" href="#{escape(anchor)}">{escape(node.content)}</a>'

    def node_span(self, node: SyntaxTreeNode) -> str:
        return f"<span{language(node)}>{self.children(node)}</span>"

    def node_div(self, node: SyntaxTreeNode) -> str:
        """A fenced div: a boxed sidebar, note or warning (an ``aside``), or a plain ``div``."""
        kind = box_kind(node)
        if kind is None:
            return f"<div{language(node)}>\n{self.children(node)}</div>\n"
        title = str(node.attrs.get("title", ""))
        heading = f'<p class="box-title">{escape(title)}</p>\n' if title else ""
        return (
            f'<aside class="box {kind}"{language(node)}>\n{heading}{self.children(node)}</aside>\n'
        )


def language(node: SyntaxTreeNode) -> str:
    """The ``lang`` attribute a span or div carries, if any."""
    lang = node.attrs.get("lang")
    return f' lang="{escape(lang)}"' if lang else ""
