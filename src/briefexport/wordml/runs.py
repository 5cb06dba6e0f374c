"""Runs, and the style of paragraphs, written into the XML as python-docx writes them.

python-docx's ``Paragraph.add_run(text, style)``, ``run.bold = True`` and ``paragraph.style =``
resolve the style to its id at every assignment (reading the style sheet for its type's
default), insert each property by searching the children for every tag that may follow it, and
write a run's text a character at a time. The memo makes thousands of runs (a note makes four
or more), so under callgrind these proxies were most of what 100 notes cost the memo. Here the
style ids are found once per style, through python-docx (``Styles.get_style_id``), and the
elements of a new run are made in schema order directly, giving the XML python-docx would;
text with tabs or line breaks, which python-docx turns into ``w:tab``/``w:br``, still goes
through python-docx, and so does everything else about runs.
"""

from __future__ import annotations

from typing import cast

from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.styles.style import BaseStyle
from docx.styles.styles import Styles
from lxml.etree import SubElement  # type: ignore[import-untyped]

R, RPR, RSTYLE, BOLD, ITALIC, T = map(qn, ("w:r", "w:rPr", "w:rStyle", "w:b", "w:i", "w:t"))
PSTYLE, VAL, SPACE = qn("w:pStyle"), qn("w:val"), qn("xml:space")
SPECIAL = frozenset("\t\r\n")
"""Characters python-docx writes as elements of their own (``w:tab``, ``w:br``)."""


class StyleIds:
    """The id python-docx writes for each style (None for its type's default), found once."""

    def __init__(self, styles: Styles) -> None:
        self._styles = styles
        self._ids: dict[BaseOxmlElement, str | None] = {}

    def __call__(self, style: BaseStyle) -> str | None:
        key = style.element
        if key not in self._ids:
            self._ids[key] = self._styles.get_style_id(style, style.type)  # type: ignore[no-untyped-call]
        return self._ids[key]


def add_run(
    parent: BaseOxmlElement,
    text: str = "",
    style: str | None = None,
    *,
    styled: bool = False,
    bold: bool = False,
    italic: bool = False,
) -> CT_R:
    """Append a ``w:r`` to ``parent`` (a paragraph or a link) as ``add_run(text, style)``
    then ``bold``/``italic = True`` would: ``styled`` says a style was given, whose id is
    ``style`` (None for the default style, which leaves an empty ``w:rPr``)."""
    r = cast(CT_R, SubElement(parent, R))
    if styled or bold or italic:
        properties = SubElement(r, RPR)
        if style is not None:
            SubElement(properties, RSTYLE, {VAL: style})
        if bold:
            SubElement(properties, BOLD)
        if italic:
            SubElement(properties, ITALIC)
    if text:
        set_text(r, text)
    return r


def set_text(r: CT_R, text: str) -> None:
    """Write ``text`` into the empty run ``r``: one ``w:t``, keeping its outer spaces, or,
    when it holds tabs or line breaks, python-docx's ``CT_R.text``."""
    if SPECIAL.isdisjoint(text):
        t = SubElement(r, T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(SPACE, "preserve")
    else:
        r.text = text


def set_run_style(r: CT_R, style: str | None) -> None:
    """``run.style = `` a style whose id is ``style`` (None: the default)."""
    set_style(r.get_or_add_rPr(), RSTYLE, style)


def set_paragraph_style(p: CT_P, style: str | None) -> None:
    """``paragraph.style = `` a style whose id is ``style`` (None: the default)."""
    set_style(p.get_or_add_pPr(), PSTYLE, style)


def set_style(properties: BaseOxmlElement, tag: str, style: str | None) -> None:
    """The style element ``tag`` of ``properties`` (``w:rPr``/``w:pPr``, where it comes
    first) holding ``style``, or gone when it is None, as python-docx leaves them."""
    current = properties.find(tag)
    if style is None:
        if current is not None:
            properties.remove(current)
        return
    if current is None:
        current = properties.makeelement(tag, {})
        properties.insert(0, current)
    current.set(VAL, style)
