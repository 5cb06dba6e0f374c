"""Word fields (PAGE, NUMPAGES, PAGEREF): Word computes them as it lays out the pages."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from briefexport.wordml.hyperlinks import Hyperlink
from briefexport.wordml.oxml import element


def add_field(paragraph: Paragraph | Hyperlink, instruction: str, shown: str) -> None:
    """Append a complex field to a paragraph or a link: its code, and ``shown`` until a
    reader computes the value."""
    code = element("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    for child in (
        element("w:fldChar", fldCharType="begin"),
        code,
        element("w:fldChar", fldCharType="separate"),
    ):
        paragraph.add_run()._r.append(child)
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(element("w:fldChar", fldCharType="end"))
