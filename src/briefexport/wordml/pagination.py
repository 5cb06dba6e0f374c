"""Where a Word document's paragraphs fall on its pages, estimated without Word: the lines of
:mod:`briefexport.wordml.linebreaking` stacked on pages of each section's size with
LibreOffice's and Word's rules: the larger of a paragraph's space after and the next one's
space before, borders, keep-with-next, two-line widow and orphan control, table rows (header
rows again on each page), and footnotes at the foot (the first line of a note on the page that
refers to it, the rest of a long one on the next).

Only Word's (or LibreOffice's) own layout knows the pages for sure; this one gives a TOC's
written page numbers, so that the contents read right before the field is updated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docx.document import Document
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement

from briefexport.wordml.linebreaking import (
    TWIPS,
    Face,
    Layout,
    Line,
    Properties,
    first,
    qn,
)

SEPARATOR = 6.0
"""Points the footnote separator and its gap take at the foot of a page holding notes."""


@dataclass
class Block:
    """A paragraph or a table row, ready to be put on pages."""

    lines: list[Line]
    before: float = 0.0
    after: float = 0.0
    keep_next: bool = False
    page_break: bool = False
    names: list[str] = field(default_factory=list)
    border: str = ""
    rules: tuple[float, float] = (0.0, 0.0)
    header: float = 0.0


@dataclass
class Page:
    """The page being filled: its number, the height used, and the notes at its foot."""

    height: float
    width: float
    number: int = 1
    used: float = 0.0
    feet: float = 0.0
    after: float = 0.0

    def turn(self) -> None:
        """The next page; the part of a note that did not fit at the foot goes on it."""
        carried = max(0.0, self.used + self.feet - self.height)
        self.number += 1
        self.used = self.after = 0.0
        self.feet = carried + SEPARATOR if carried else 0.0

    def room(self) -> float:
        return self.height - self.used - self.feet


NOTE_LINE = 11.0
"""Points of a note's first line, which must go on the page that refers to it."""
CELL_MARGINS = {"top": 0, "left": 108, "bottom": 0, "right": 108}
"""Word's cell margins in twips, when neither the table nor its style sets them."""
ORPHANS = 2
"""Lines of a paragraph Word keeps together at the foot and at the head of a page."""


def bookmark_pages(document: Document, faces: dict[Face, Path]) -> dict[str, int]:
    """The estimated page of each bookmark in the body (the page of its paragraph's first
    line); ``faces`` names the font file of each (family, bold, italic) the text is set in."""
    layout = Layout(Properties(document, faces), footnotes(document))
    pages: dict[str, int] = {}
    page = None
    for children, section in sections(document.element.body):
        height, width = text_area(section)
        if page is None:
            page = Page(height, width)
        else:
            page.turn()
            page.height, page.width = height, width
        place([b for child in children for b in blocks(child, layout, width)], page, layout, pages)
    return pages


def footnotes(document: Document) -> dict[str, list[BaseOxmlElement]]:
    """The paragraphs of each footnote, by id."""
    return {
        str(note.get(qn("w:id"))): note.findall(qn("w:p"))
        for part in document.part.package.iter_parts()
        if part.partname.endswith("/footnotes.xml")
        for note in (part.element if isinstance(part, XmlPart) else parse_xml(part.blob)).iter(
            qn("w:footnote")
        )
    }


def text_area(section: BaseOxmlElement) -> tuple[float, float]:
    """The height and width in points inside a section's margins."""
    size, margins = section.find(qn("w:pgSz")), section.find(qn("w:pgMar"))

    def points(box: BaseOxmlElement, name: str) -> float:
        return int(box.get(qn(name), 0)) / TWIPS

    return (
        points(size, "w:h") - points(margins, "w:top") - points(margins, "w:bottom"),
        points(size, "w:w") - points(margins, "w:left") - points(margins, "w:right"),
    )


def sections(body: BaseOxmlElement) -> Iterator[tuple[list[BaseOxmlElement], BaseOxmlElement]]:
    """The body's blocks by section, each with its ``w:sectPr`` (which ends it)."""
    children: list[BaseOxmlElement] = []
    for child in body:
        if child.tag == qn("w:sectPr"):
            yield children, child
            return
        children.append(child)
        inner = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if inner is not None:
            yield children, inner
            children = []


def blocks(child: BaseOxmlElement, layout: Layout, width: float) -> Iterator[Block]:
    """A body child as blocks: a paragraph, a table's rows, a content control's blocks."""
    if child.tag == qn("w:p"):
        form = layout.properties.paragraph(child)
        yield Block(
            layout.lines(child, form, width),
            form.before,
            form.after,
            form.keep_next,
            form.page_break,
            [str(n) for n in child.xpath("./w:bookmarkStart/@w:name")],
            form.border,
            form.rules,
        )
    elif child.tag == qn("w:tbl"):
        yield from rows(child, layout)
    elif child.tag == qn("w:sdt"):
        for inner in child.iterfind(qn("w:sdtContent") + "/*"):
            yield from blocks(inner, layout, width)


def rows(table: BaseOxmlElement, layout: Layout) -> Iterator[Block]:
    """A table's rows, each one block as high as its highest cell and its rules; a header
    row's height comes again at the top of each page the table goes on to."""
    grid = [int(c.get(qn("w:w"), 0)) / TWIPS for c in table.iterfind(f"{qn('w:tblGrid')}/*")]
    style = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
    owners = [
        table,
        layout.properties.styles.get(style.get(qn("w:val")) if style is not None else None),
    ]
    settings = [
        found for owner in owners if owner is not None for found in owner.iterfind(qn("w:tblPr"))
    ]
    margins = [found for tblPr in settings for found in tblPr.iterfind(qn("w:tblCellMar"))]
    lines = [found for tblPr in settings for found in tblPr.iterfind(qn("w:tblBorders"))]
    pad = {
        edge: float(first(margins, f"w:{edge}", "w:w") or CELL_MARGINS[edge]) / TWIPS
        for edge in ("top", "left", "bottom", "right")
    }
    top, between, bottom = (
        int(first(lines, f"w:{edge}", "w:sz") or 0) / 8 for edge in ("top", "insideH", "bottom")
    )
    header = 0.0
    found = table.findall(qn("w:tr"))
    for index, tr in enumerate(found):
        rules = (top if index == 0 else between) + (bottom if index == len(found) - 1 else 0)
        highest, keep, column = 0.0, False, 0
        for tc in tr.iterfind(qn("w:tc")):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            columns = int(span.get(qn("w:val"))) if span is not None else 1
            width = sum(grid[column : column + columns]) - pad["left"] - pad["right"]
            column += columns
            total = pad["top"] + pad["bottom"]
            for p in tc.iterfind(qn("w:p")):
                form = layout.properties.paragraph(p)
                keep = keep or form.keep_next
                lines_ = layout.lines(p, form, width)
                total += form.before + form.after + sum(line.height for line in lines_)
            highest = max(highest, total)
        if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None:
            header += highest + top
            yield Block([Line(highest + rules)], keep_next=keep)
        else:
            yield Block([Line(highest + rules)], keep_next=keep, header=header)


def place(queue: list[Block], page: Page, layout: Layout, pages: dict[str, int]) -> None:
    """Put ``queue`` on pages from ``page`` on, noting where each bookmark's paragraph starts."""
    for index, block in enumerate(queue):
        if block.page_break and page.used:
            page.turn()
        previous = queue[index - 1].border if index else ""
        following = queue[index + 1].border if index + 1 < len(queue) else ""
        top = block.rules[0] if block.border != previous else 0.0
        bottom = block.rules[1] if block.border != following else 0.0
        if (
            page.used
            and min(kept(queue, index), page.height)
            > page.room() - max(page.after, block.before) - top
        ):
            page.turn()
        page.used += (max(page.after, block.before) if page.used else block.header) + top
        at = 0
        while at < len(block.lines):
            left = len(block.lines) - at
            fits = fitting(block.lines[at:], page, layout)
            if fits < left:
                if left - fits < ORPHANS:
                    fits = left - ORPHANS
                if fits < ORPHANS and (at == 0 or fits < left):
                    fits = 0
                if fits == 0 and not page.used:
                    fits = 1
            if at == 0 and fits:
                pages.update(dict.fromkeys(block.names, page.number))
            for line in block.lines[at : at + fits]:
                page.used += line.height
                for note in line.notes:
                    page.feet += layout.note_height(note, page.width) + (
                        0 if page.feet else SEPARATOR
                    )
            at += fits
            if at < len(block.lines):
                page.turn()
        page.used += bottom
        page.after = block.after


def fitting(lines: list[Line], page: Page, layout: Layout) -> int:
    """How many of ``lines`` fit on what is left of ``page`` with the first line of each of
    their notes (the rest of a long note may go on to the next page, as in Word)."""
    used, feet = page.used, page.feet
    for count, line in enumerate(lines):
        used += line.height
        if (
            line.notes
            and used + min(feet, page.height - used) + NOTE_LINE + (0 if feet else SEPARATOR)
            > page.height
        ):
            return count
        for note in line.notes:
            feet += layout.note_height(note, page.width) + (0 if feet else SEPARATOR)
        if used + (feet if not line.notes else 0) > page.height:
            return count
    return len(lines)


def kept(queue: list[Block], index: int) -> float:
    """The height that must go on one page with block ``index``: all of it when it is kept
    with the next (and the next's first lines), else its first lines."""
    block = queue[index]
    if not block.keep_next or index + 1 == len(queue):
        lines = block.lines if len(block.lines) < 2 * ORPHANS else block.lines[:ORPHANS]
        return sum(line.height for line in lines)  # no paragraph splits into a single line
    whole = sum(line.height for line in block.lines)
    following = queue[index + 1]
    return whole + max(block.after, following.before) + kept(queue, index + 1)
