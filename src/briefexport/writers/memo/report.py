"""The memo's long-report parts, on top of :class:`MemoRenderer`: a TOC field after the opening,
captions numbered by ``SEQ`` fields, ``REF`` fields to them, landscape sections for wide tables,
shaded and bordered sidebars, and ``w:lang`` on passages in another language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length
from docx.text.paragraph import Paragraph
from markdown_it.tree import SyntaxTreeNode

from briefexport.render.report import contents
from briefexport.render.tree import box_kind, is_landscape
from briefexport.source.crossref import Target
from briefexport.wordml.captions import (
    add_caption_label,
    add_reference,
    add_toc,
    bookmark_name,
    contents_heading_style,
    toc_styles,
    write_pages,
)
from briefexport.wordml.hyperlinks import add_bookmark, add_hyperlink
from briefexport.wordml.oxml import PPR_ORDER, RPR_ORDER, element, put
from briefexport.wordml.pagination import bookmark_pages
from briefexport.writers.memo.letterhead import MemoRenderer
from briefexport.writers.memo.reference import word_language

BOX_COLOURS = {"sidebar": "primary", "note": "muted", "warning": "accent"}


class ReportRenderer(MemoRenderer):
    """The memo renderer with Pandoc's long-report syntax (see :mod:`briefexport.source.pandoc`)."""

    toc_after: BaseOxmlElement | None = None

    def opening(self) -> None:
        super().opening()
        body = self.document.element.body
        self.toc_after = body[-2] if len(body) > 1 else None  # the last block before sectPr

    def write(self) -> None:
        super().write()
        self.contents()

    def contents(self) -> None:
        """The contents after the opening, when the article has them: a TOC field whose result
        lists every heading Word will collect (the opening's and closing's too)."""
        if not contents(self.article, self.brand):
            return
        depth = self.article.toc_depth
        levels = heading_levels(self.document, depth)
        entries = [
            (levels[str(paragraph._p.style)], paragraph.text, self.heading_bookmark(paragraph))
            for paragraph in self.document.paragraphs
            if str(paragraph._p.style) in levels
        ]
        title = self.document.add_paragraph(
            self.words["contents"], contents_heading_style(self.document, "Heading 1")
        )
        styles = toc_styles(self.document, depth, Length(self.text_width))
        toc = add_toc(self.document, entries, depth, styles)
        anchor = self.toc_after
        for paragraph in [title, *toc]:
            if anchor is None:
                self.document.element.body.insert(0, paragraph._p)
            else:
                anchor.addnext(paragraph._p)
            anchor = paragraph._p
        faces = {
            (f.family, f.weight >= 600, f.style == "italic"): f.path for f in self.brand.font_files
        }
        write_pages(toc, bookmark_pages(self.document, faces))

    def heading_bookmark(self, paragraph: Paragraph) -> str:
        """The name of the bookmark around a heading, added when it has none."""
        names = paragraph._p.xpath("./w:bookmarkStart/@w:name")
        if names:
            return str(names[0])
        bookmark_id = next(self.bookmark_ids)
        name = f"_Toc_{bookmark_id}"
        add_bookmark(paragraph, name, bookmark_id)
        return name

    # -- captions and references ----------------------------------------------------------

    def caption(self, target: Target) -> Paragraph:
        """A Caption paragraph that starts ``Figure 1`` (a ``SEQ`` field in a bookmark)."""
        paragraph = self.block("Caption")
        word = self.words["figure" if target.kind == "fig" else "table"]
        name = bookmark_name(target.anchor)
        add_caption_label(paragraph, word, target.number, name, next(self.bookmark_ids))
        return paragraph

    def figure(self, node: SyntaxTreeNode) -> None:
        target = self.article.crossrefs.of(node)
        if target is None:
            super().figure(node)
            return
        with self.writing_into(self.block("Figure")):
            self.picture(node, self.figure_height())
        title = str(node.attrs.get("title") or "")
        self.caption(target).add_run(f". {title}" if title else "")

    def node_table(self, node: SyntaxTreeNode) -> None:
        """A numbered table's caption above it; a wide or marked table in a landscape
        section of its own."""
        landscape = is_landscape(node)
        if landscape:
            self.section(landscape=True)
        target = self.article.crossrefs.of(node)
        if target is not None:
            paragraph = self.caption(target)
            paragraph.paragraph_format.keep_with_next = True
            for caption in (c for c in node.children if c.type == "caption"):
                paragraph.add_run(". ")
                self.inline(paragraph, caption)
        super().node_table(node)
        if landscape:
            self.section(landscape=False)

    def node_caption(self, node: SyntaxTreeNode) -> None:
        """Written above its table by :meth:`node_table`."""

    def node_crossref(self, node: SyntaxTreeNode) -> None:
        """A figure or table reference is a ``REF`` field to its caption's bookmark; a section
        reference links to the heading (a ``REF`` would show the heading's text)."""
        target = self.article.crossrefs.target(node)
        if target.kind != "sec":
            add_reference(self.at.paragraph, bookmark_name(target.anchor), node.content)
            return
        link = add_hyperlink(self.at.paragraph, f"#{target.anchor}")
        with self.writing(replace(self.at, target=link, style=self.character_styles["Hyperlink"])):
            self.run(node.content)

    # -- sections, boxes, languages -------------------------------------------------------

    def section(self, *, landscape: bool) -> None:
        """Start a new section on a new page, landscape or portrait; running heads and page
        numbers carry on from the section before. A heading just written goes with the
        landscape table it introduces."""
        body = self.document.element.body
        last = body[-2] if len(body) > 1 else None
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        if landscape and last is not None and str(last.style) in heading_levels(self.document, 9):
            last.addprevious(body[-2])  # the section break before the heading
        short, long = sorted((section.page_width or 0, section.page_height or 0))
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (
            (Length(long), Length(short)) if landscape else (Length(short), Length(long))
        )
        section.different_first_page_header_footer = False
        margins = (section.left_margin or 0) + (section.right_margin or 0)
        self.text_width = section.page_width - margins

    def node_span(self, node: SyntaxTreeNode) -> None:
        with self.language(node, self.at.paragraph._p):
            self.children(node)

    def node_div(self, node: SyntaxTreeNode) -> None:
        """A sidebar, note or warning: its paragraphs shaded and bordered in a brand colour,
        under its title; any div may set the language of what it holds."""
        body = self.document.element.body
        kind = box_kind(node)
        before = set(body)
        with self.language(node, body):
            if kind and node.attrs.get("title"):
                self.block("Body Text").add_run(str(node.attrs["title"])).bold = True
            self.children(node)
        if kind:
            colour = self.brand.colour_hex(BOX_COLOURS[kind])
            fill = self.brand.colour_hex("tint")
            for block in (b for b in body if b not in before and b.tag == qn("w:p")):
                shade(block, colour, fill)

    @contextmanager
    def language(self, node: SyntaxTreeNode, scope: BaseOxmlElement) -> Iterator[None]:
        """Runs written in ``scope`` within the block carry the node's ``lang``, if it has one."""
        lang = str(node.attrs.get("lang", ""))
        before = set(scope.iter(qn("w:r")))
        yield
        if lang:
            for run in scope.iter(qn("w:r")):
                if run not in before:
                    put(run.get_or_add_rPr(), element("w:lang", val=word_language(lang)), RPR_ORDER)


def heading_levels(document: Document, depth: int) -> dict[str, int]:
    """The level of each ``Heading N`` style down to ``depth``, by style id."""
    return {
        str(style.style_id): int(style.name[8:])
        for style in document.styles
        if style.name
        and style.name.startswith("Heading ")
        and style.name[8:].isdigit()
        and int(style.name[8:]) <= depth
    }


def shade(paragraph: BaseOxmlElement, colour: str, fill: str) -> None:
    """A left rule in ``colour`` and a ``fill`` behind a paragraph; Word joins the borders of
    neighbours that share them into one box."""
    properties = paragraph.get_or_add_pPr()
    borders = element("w:pBdr")
    for side, size in (("top", 4), ("left", 18), ("bottom", 4), ("right", 4)):
        borders.append(element(f"w:{side}", val="single", sz=size, space=6, color=colour))
    put(properties, borders, PPR_ORDER)
    put(properties, element("w:shd", val="clear", color="auto", fill=fill), PPR_ORDER)
