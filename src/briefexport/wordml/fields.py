"""Word fields (PAGE, NUMPAGES) and the setting that asks Word to update them on open."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.settings import Settings
from docx.text.paragraph import Paragraph

from briefexport.wordml.oxml import SETTINGS_ORDER, element, put


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """Append a complex field: its code, and ``shown`` until a reader computes the value."""
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


def update_fields_on_open(settings: Settings) -> None:
    """Ask Word to recompute every field when the document is opened."""
    put(settings.element, element("w:updateFields", val="true"), SETTINGS_ORDER)
