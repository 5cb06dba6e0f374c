"""Runs and paragraph styles written straight into the XML give python-docx's own XML."""

from __future__ import annotations

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.text.run import Run
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from briefexport.wordml.footnotes import Footnote, add_footnote, footnotes_part
from briefexport.wordml.hyperlinks import add_hyperlink
from briefexport.wordml.oxml import element
from briefexport.wordml.runs import StyleIds, add_run, set_paragraph_style, set_run_style

TEXTS = st.text(alphabet=st.sampled_from("ab \t\n\r\u00a0é"), max_size=8)


def xml(element: object) -> bytes:
    return etree.tostring(element)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.sampled_from([None, "Strong", "Default Paragraph Font"]), st.booleans(),
       st.booleans())  # fmt: skip
def test_a_run_is_python_docx_s(text: str, style: str | None, bold: bool, italic: bool) -> None:
    document = docx.Document()
    styles = document.styles
    chosen = styles[style] if style else None
    ids = StyleIds(styles)
    theirs, ours = document.add_paragraph(), document.add_paragraph()
    run = theirs.add_run(text, chosen)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    add_run(ours._p, text, ids(chosen) if chosen else None, styled=chosen is not None,
            bold=bold, italic=italic)  # fmt: skip
    assert xml(ours._p) == xml(theirs._p)


def test_a_link_s_runs_are_python_docx_s() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    theirs = add_hyperlink(paragraph, "#a")
    theirs.add_run(" x ", document.styles["Strong"])
    ours = add_hyperlink(paragraph, "#a")
    add_run(ours.element, " x ", StyleIds(document.styles)(document.styles["Strong"]), styled=True)
    first, second = paragraph._p.findall(ours.element.tag)
    assert xml(first) == xml(second)


def test_paragraph_and_run_styles_are_set_as_python_docx_sets_them() -> None:
    document = docx.Document()
    ids = StyleIds(document.styles)
    for name in ("Heading 1", "Normal", "Title"):
        style = document.styles[name]
        assert isinstance(style, ParagraphStyle)
        theirs, ours = document.add_paragraph("x", "Quote"), document.add_paragraph("x", "Quote")
        theirs.style = style
        set_paragraph_style(ours._p, ids(style))
        assert xml(ours._p) == xml(theirs._p)
    for name in ("Strong", "Emphasis", "Default Paragraph Font"):
        character = document.styles[name]
        assert isinstance(character, CharacterStyle)
        paragraph = document.add_paragraph()
        theirs_run, ours_run = paragraph.add_run("x"), paragraph.add_run("x")
        theirs_run.bold = ours_run.bold = True
        theirs_run.style = character
        set_run_style(ours_run._r, ids(character))
        assert xml(ours_run._r) == xml(theirs_run._r)


def python_docx_footnote(run: Run, reference: CharacterStyle, text: ParagraphStyle) -> None:
    """``add_footnote`` as it was written with python-docx's proxies alone."""
    part = footnotes_part(run)
    note = part.footnotes.add_footnote()
    run.style = reference
    run._r.append(element("w:footnoteReference", id=note.id))
    first = Footnote(note, part).add_paragraph(style=text)
    first.add_run(style=reference)._r.append(element("w:footnoteRef"))
    first.add_run(" ")


@pytest.mark.parametrize("bold", [False, True])
def test_a_note_is_written_as_python_docx_writes_it(bold: bool) -> None:
    parts = []
    for add in (python_docx_footnote, add_footnote):
        document = docx.Document()
        reference = document.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        text = document.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        for _ in range(3):
            call = document.add_paragraph("x").add_run()
            call.bold = bold
            add(call, reference, text)
        parts.append((xml(document.element), xml(footnotes_part(call).element)))
    assert parts[0] == parts[1]
