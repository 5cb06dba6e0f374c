"""Word's own numbering and cross-references: ``SEQ`` captions inside bookmarks, ``REF`` fields
to them, and a ``TOC`` field whose result is already written as Word writes it (it reads
right before Word updates it): per heading a link holding its text, a dotted tab and a
``PAGEREF`` field to its bookmark, whose number comes from :mod:`briefexport.wordml.pagination`
(LibreOffice shows the written numbers as they are; Word writes its own on an update, F9).

The field is not marked dirty and ``w:updateFields`` is not set, as in the files Word saves:
either makes Word ask, on opening, whether to update "fields that may refer to other files" (a
prompt Pandoc refuses for documents without a TOC, jgm/pandoc#5915)."""

from __future__ import annotations

import re
from typing import cast

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from briefexport.wordml.fields import add_field
from briefexport.wordml.hyperlinks import add_hyperlink
from briefexport.wordml.oxml import PPR_ORDER, element, put

BODY_TEXT_LEVEL = 9
TOC_INDENT = Pt(14)


def bookmark_name(anchor: str) -> str:
    """A hidden Word bookmark name for an anchor (``_Ref`` like Word's own, then letters, digits
    and underscores, at most 40 characters)."""
    return ("_Ref_" + re.sub(r"\W", "_", anchor))[:40]


def add_caption_label(
    paragraph: Paragraph, word: str, number: str, name: str, bookmark_id: int
) -> None:
    """``Figure 1`` at the end of ``paragraph``: the word and a ``SEQ`` field numbering it,
    inside bookmark ``name`` (what Word's "label and number" cross-reference points to)."""
    paragraph._p.append(element("w:bookmarkStart", id=bookmark_id, name=name))
    paragraph.add_run(f"{word} ")
    add_field(paragraph, f"SEQ {sequence_name(word)} \\* ARABIC", number)
    paragraph._p.append(element("w:bookmarkEnd", id=bookmark_id))


def sequence_name(word: str) -> str:
    """The ``SEQ`` identifier for a caption word: Word's own label names are the words."""
    return re.sub(r"\W", "_", word)


def add_reference(paragraph: Paragraph, name: str, shown: str) -> None:
    """A ``REF`` field to bookmark ``name``, linked, showing ``shown`` until updated."""
    add_field(paragraph, f"REF {name} \\h", shown)


def toc_styles(document: Document, depth: int, width: Length) -> list[ParagraphStyle]:
    """Word's ``toc 1`` … ``toc N`` styles (added when the document lacks them): indented
    by level, the page number at a right tab with dot leaders at ``width``."""
    found = []
    for level in range(1, depth + 1):
        name = f"toc {level}"
        style = next((s for s in document.styles if s.name == name), None)
        if not isinstance(style, ParagraphStyle):
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles["Normal"]
            style.paragraph_format.left_indent = Length(TOC_INDENT * (level - 1))
            style.paragraph_format.space_after = Pt(2)
            style.paragraph_format.tab_stops.add_tab_stop(
                width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            style.font.bold = level == 1
        found.append(style)
    return found


def contents_heading_style(document: Document, base: str) -> ParagraphStyle:
    """Word's ``TOC Heading``: looks like ``base`` but is body text to the outline, so the
    contents do not list their own title."""
    style = next((s for s in document.styles if s.name == "TOC Heading"), None)
    if isinstance(style, ParagraphStyle):
        return style
    added = cast(ParagraphStyle, document.styles.add_style("TOC Heading", WD_STYLE_TYPE.PARAGRAPH))
    added.base_style = document.styles[base]
    properties = added.element.get_or_add_pPr()
    put(properties, element("w:outlineLvl", val=BODY_TEXT_LEVEL), PPR_ORDER)
    return added


def add_toc(
    document: Document,
    entries: list[tuple[int, str, str]],
    depth: int,
    styles: list[ParagraphStyle],
) -> list[Paragraph]:
    """A ``TOC`` field over headings 1 to ``depth``, its result written as Word writes it: one
    paragraph per ``(level, text, bookmark)`` entry, a link to the heading holding its text,
    the styles' dotted tab and a ``PAGEREF`` to the heading's bookmark, whose number
    :func:`write_pages` fills in."""
    paragraphs = []
    for index, (level, text, name) in enumerate(entries):
        paragraph = document.add_paragraph(style=styles[level - 1])
        if index == 0:
            code = element("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f' TOC \\o "1-{depth}" \\h \\z \\u '
            for part in (element("w:fldChar", fldCharType="begin"), code):
                paragraph.add_run()._r.append(part)
            paragraph.add_run()._r.append(element("w:fldChar", fldCharType="separate"))
        link = add_hyperlink(paragraph, f"#{name}")
        link.add_run(text)
        link.add_run()._r.append(element("w:tab"))
        add_field(link, f"PAGEREF {name} \\h", "0")
        paragraphs.append(paragraph)
    if paragraphs:
        paragraphs[-1].add_run()._r.append(element("w:fldChar", fldCharType="end"))
    return paragraphs


def write_pages(paragraphs: list[Paragraph], pages: dict[str, int]) -> None:
    """The page numbers of the TOC entries in ``paragraphs``, written as the results of their
    ``PAGEREF`` fields, from each bookmark's page in ``pages``."""
    for paragraph in paragraphs:
        for code in paragraph._p.iter(qn("w:instrText")):
            words = (code.text or "").split()
            if words[:1] != ["PAGEREF"]:
                continue
            run = code.getparent().getnext().getnext()  # after the separator: the result
            run.find(qn("w:t")).text = str(pages.get(words[1], ""))
