"""List numbering: abstract definitions, one numbering instance per list, style links.

Every list gets its own ``w:num`` with a start override, so each numbered list restarts
(at 1, or at the number the source gives) while nested levels use ``w:ilvl``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import nsdecls
from docx.oxml.numbering import CT_Numbering
from docx.oxml.parser import parse_xml
from docx.oxml.text.parfmt import CT_PPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.numbering import NumberingPart
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from briefexport.wordml.oxml import element

LEVELS = 9


@dataclass(frozen=True)
class Level:
    """One level of a list: Word's number format (``bullet``, ``decimal``, ...) and its text
    (``•``, ``%1.``), indented ``indent`` twips with the marker hanging ``hanging`` twips."""

    format: str
    text: str
    indent: int
    hanging: int


class Numbering:
    """Proxy for the document's ``w:numbering``, created when the document has none."""

    def __init__(self, document: Document) -> None:
        part = document.part
        try:
            numbering_part = part.part_related_by(RT.NUMBERING)
        except KeyError:
            numbering_part = NumberingPart(
                PackURI("/word/numbering.xml"),
                CT.WML_NUMBERING,
                parse_xml(f"<w:numbering {nsdecls('w')}/>"),
                part.package,
            )
            part.relate_to(numbering_part, RT.NUMBERING)
        self._numbering = cast(CT_Numbering, cast(NumberingPart, numbering_part).element)

    def clear(self) -> None:
        """Remove every definition (for a document whose styles are about to be replaced)."""
        for child in list(self._numbering):
            self._numbering.remove(child)

    def add_definition(self, levels: Sequence[Level]) -> int:
        """A new ``w:abstractNum`` with up to nine levels; returns its id."""
        ids = self._numbering.xpath("./w:abstractNum/@w:abstractNumId")
        abstract_id = max(map(int, ids), default=-1) + 1
        abstract = element("w:abstractNum", abstractNumId=abstract_id)
        abstract.append(element("w:multiLevelType", val="multilevel"))
        for index, level in enumerate(levels[:LEVELS]):
            abstract.append(_level(index, level))
        self._numbering.insert_element_before(abstract, "w:num", "w:numIdMacAtCleanup")
        return abstract_id

    def add_list(self, definition: int, level: int = 0, start: int = 1) -> int:
        """A new ``w:num`` over ``definition`` whose ``level`` starts at ``start``; its id."""
        num_id = max(map(int, self._numbering.xpath("./w:num/@w:numId")), default=0) + 1
        num = element("w:num", numId=num_id)
        num.append(element("w:abstractNumId", val=definition))
        override = element("w:lvlOverride", ilvl=level)
        override.append(element("w:startOverride", val=start))
        num.append(override)
        self._numbering.insert_element_before(num, "w:numIdMacAtCleanup")
        return num_id


def _level(index: int, level: Level) -> BaseOxmlElement:
    lvl = element("w:lvl", ilvl=index)
    lvl.append(element("w:start", val=1))
    lvl.append(element("w:numFmt", val=level.format))
    lvl.append(element("w:lvlText", val=level.text))
    lvl.append(element("w:lvlJc", val="left"))
    properties = element("w:pPr")
    properties.append(element("w:ind", left=level.indent, hanging=level.hanging))
    lvl.append(properties)
    return lvl


def _num_pr(properties: CT_PPr, num_id: int, level: int) -> None:
    num_pr = properties.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def number_paragraph(paragraph: Paragraph, num_id: int, level: int) -> None:
    """Make ``paragraph`` an item at ``level`` of the list ``num_id``."""
    _num_pr(paragraph._p.get_or_add_pPr(), num_id, level)


def link_style(style: ParagraphStyle, num_id: int, level: int) -> None:
    """Give a list style (List Bullet 2, say) its numbering, as Word's built-in ones have."""
    _num_pr(style.element.get_or_add_pPr(), num_id, level)
