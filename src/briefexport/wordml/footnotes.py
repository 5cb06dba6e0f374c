"""Real Word footnotes: a ``w:footnotes`` part and ``w:footnoteReference`` calls in the text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from docx.blkcntnr import BlockItemContainer
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory
from docx.oxml.ns import nsdecls, nsmap
from docx.oxml.parser import parse_xml, register_element_cls
from docx.oxml.simpletypes import ST_DecimalNumber
from docx.oxml.xmlchemy import BaseOxmlElement, RequiredAttribute, ZeroOrMore
from docx.parts.story import StoryPart
from lxml.etree import XPath  # type: ignore[import-untyped]

from briefexport.wordml.oxml import element
from briefexport.wordml.runs import StyleIds, add_run, set_paragraph_style, set_run_style

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.text.paragraph import CT_P
    from docx.package import Package
    from docx.styles.style import CharacterStyle, ParagraphStyle
    from docx.text.run import Run

SEPARATORS = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)


class CT_Footnotes(BaseOxmlElement):  # noqa: N801  (python-docx's naming of schema types)
    """``w:footnotes``, the root of the footnotes part."""

    footnote_lst: list[CT_Footnote]
    footnote = ZeroOrMore("w:footnote")

    def add_footnote(self) -> CT_Footnote:
        """A new, empty ``w:footnote`` with the next free id (the separators are -1 and 0)."""
        note = cast(CT_Footnote, element("w:footnote"))
        note.id = max(map(int, IDS(self)), default=0) + 1
        self.append(note)
        return note


class CT_Footnote(BaseOxmlElement):  # noqa: N801
    """``w:footnote``: a story of paragraphs (and tables), like a table cell."""

    id: int = RequiredAttribute("w:id", ST_DecimalNumber)  # type: ignore[assignment]
    p = ZeroOrMore("w:p", successors=())
    tbl = ZeroOrMore("w:tbl", successors=())
    add_p: Callable[[], CT_P]
    p_lst: list[CT_P]


IDS = XPath("w:footnote/@w:id", namespaces=nsmap, smart_strings=False)
"""The notes' ids, compiled once and as plain strings: python-docx's ``xpath`` compiles its
expression at each call and returns strings that know their element (a third of the time),
which a memo paid at each of its notes."""

register_element_cls("w:footnotes", CT_Footnotes)
register_element_cls("w:footnote", CT_Footnote)


class FootnotesPart(StoryPart):
    """``word/footnotes.xml``; a story part, so notes can hold hyperlinks and pictures."""

    @classmethod
    def default(cls, package: Package) -> FootnotesPart:
        """A new part holding only the separator lines Word draws above the notes."""
        return cls(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(SEPARATORS), package)

    @property
    def footnotes(self) -> CT_Footnotes:
        """The root element."""
        return cast(CT_Footnotes, self.element)


PartFactory.part_type_for[CT.WML_FOOTNOTES] = FootnotesPart


class Footnote(BlockItemContainer):
    """Proxy for one ``w:footnote``: add paragraphs to it as to a table cell."""

    @property
    def id(self) -> int:
        """The number that ties the note to its ``w:footnoteReference``."""
        return cast(CT_Footnote, self._element).id


def footnotes_part(run: Run) -> FootnotesPart:
    """The document's footnotes part, created on first use."""
    document_part = run.part.package.main_document_part
    try:
        return cast(FootnotesPart, document_part.part_related_by(RT.FOOTNOTES))
    except KeyError:
        part = FootnotesPart.default(document_part.package)
        document_part.relate_to(part, RT.FOOTNOTES)
        return part


def add_footnote(
    run: Run,
    reference_style: CharacterStyle,
    text_style: ParagraphStyle,
    style_id: StyleIds | None = None,
) -> Footnote:
    """Make the empty ``run`` the call of a new footnote; return the note, whose first
    paragraph (in ``text_style``, opening with the note's number) is ready for text.
    ``style_id`` gives the styles' ids (a writer making many notes keeps one)."""
    ids = style_id or StyleIds(run.part.package.main_document_part.styles)
    reference = ids(reference_style)
    part = footnotes_part(run)
    note = part.footnotes.add_footnote()
    set_run_style(run._r, reference)
    run._r.append(element("w:footnoteReference", id=note.id))
    footnote = Footnote(note, part)
    first = footnote.add_paragraph()._p
    set_paragraph_style(first, ids(text_style))
    add_run(first, style=reference, styled=True).append(element("w:footnoteRef"))
    add_run(first, " ")
    return footnote


def clear_footnotes(document: Document) -> None:
    """Drop the notes a reference document brought, keeping Word's separator lines."""
    try:
        part = cast(FootnotesPart, document.part.part_related_by(RT.FOOTNOTES))
    except KeyError:
        return
    for note in part.footnotes.footnote_lst:
        if note.id > 0:
            part.footnotes.remove(note)
