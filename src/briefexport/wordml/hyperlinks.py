"""Real hyperlinks (``w:hyperlink`` with a relationship or an anchor) and bookmarks."""

from __future__ import annotations

from typing import cast

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.text.hyperlink import CT_Hyperlink
from docx.oxml.text.run import CT_R
from docx.styles.style import CharacterStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from briefexport.wordml.oxml import element


class Hyperlink:
    """Proxy for a ``w:hyperlink`` being written: runs added to it are the link's text."""

    def __init__(self, hyperlink: CT_Hyperlink, paragraph: Paragraph) -> None:
        self._hyperlink = hyperlink
        self._paragraph = paragraph

    @property
    def element(self) -> CT_Hyperlink:
        """The ``w:hyperlink``."""
        return self._hyperlink

    def add_run(self, text: str | None = None, style: str | CharacterStyle | None = None) -> Run:
        """A new run at the end of the link, like :meth:`Paragraph.add_run`."""
        r = cast(CT_R, element("w:r"))
        self._hyperlink.append(r)
        run = Run(r, self._paragraph)
        if text:
            run.text = text
        if style is not None:
            run.style = style
        return run


def add_hyperlink(paragraph: Paragraph, target: str, tooltip: str = "") -> Hyperlink:
    """Append a link to ``paragraph``: ``#name`` jumps to a bookmark, anything else is a URL."""
    hyperlink = cast(CT_Hyperlink, element("w:hyperlink", history=1))
    if target.startswith("#"):
        hyperlink.anchor = target[1:]
    else:
        hyperlink.rId = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
    if tooltip:
        hyperlink.set(qn("w:tooltip"), tooltip)
    paragraph._p.append(hyperlink)
    return Hyperlink(hyperlink, paragraph)


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's content in a bookmark that ``#name`` links can jump to."""
    start = element("w:bookmarkStart", id=bookmark_id, name=name)
    properties = paragraph._p.pPr
    if properties is None:
        paragraph._p.insert(0, start)
    else:
        properties.addnext(start)
    paragraph._p.append(element("w:bookmarkEnd", id=bookmark_id))
