"""A paragraph's lines broken once per layout: the same answers as WeasyPrint's, asked once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text import line_break

from briefexport.source.reader import read_article
from briefexport.weasy import linebreaks, overrides
from briefexport.writers.pdf import PdfWriter

PARAGRAPH = "Words that fill the page for the test of the line breaks, again and again. " * 30


def test_the_upstream_source_is_the_one_the_memo_was_written_for():
    assert linebreaks.upstream_digest() == linebreaks.UPSTREAM_DIGEST


@pytest.fixture
def asked(monkeypatch):
    """The arguments of each call that reached WeasyPrint's ``split_first_line``."""
    calls: list[tuple[object, ...]] = []

    def counted(*args, **kwargs):
        calls.append(args)
        return line_break.split_first_line(*args, **kwargs)

    monkeypatch.setattr(linebreaks, "UPSTREAM", counted)
    return calls


def text_style() -> Any:
    """The computed style of a paragraph's text."""
    page = HTML(string=f"<p>{PARAGRAPH}</p>").render().pages[0]
    return next(b for b in page._page_box.descendants() if isinstance(b, TextBox)).style


def test_the_same_line_is_broken_once_per_layout_and_given_as_a_copy(asked):
    style = text_style()
    asked.clear()
    context = SimpleNamespace(dictionaries={})
    first = linebreaks.split_first_line(PARAGRAPH, style, context, 300.0, 0.0)
    again = linebreaks.split_first_line(PARAGRAPH, style, context, 300.0, 0.0)
    assert len(asked) == 1
    assert again[1:] == first[1:] and again[0] is not first[0]
    assert again[0].text == first[0].text
    assert first[1:] == line_break.split_first_line(PARAGRAPH, style, context, 300.0, 0.0)[1:]
    linebreaks.split_first_line(PARAGRAPH, style, context, 200.0, 0.0)  # another width
    context.dictionaries = overrides.Withheld()  # no hyphen may end the line
    linebreaks.split_first_line(PARAGRAPH, style, context, 300.0, 0.0)
    linebreaks.split_first_line(PARAGRAPH, style, SimpleNamespace(dictionaries={}), 300.0, 0.0)
    assert len(asked) == 4


def test_a_brief_laid_out_again_asks_pango_less_for_the_same_pdf(asked, write_source, settings):
    sections = "".join(f"# Section {n}\n\n{PARAGRAPH}\n\n" for n in range(1, 6))
    source = write_source(f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\ntoc: true\n---\n{sections}")
    article = read_article(source)
    data = PdfWriter().render(article, settings).data
    remembered = len(asked)
    linebreaks.install(False)
    try:
        upstream = PdfWriter().render(article, settings).data
    finally:
        linebreaks.install()
    assert data == upstream
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return line_break.split_first_line(*args, **kwargs)

    linebreaks.install(False)
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred

    inline.split_first_line = preferred.split_first_line = counted
    try:
        PdfWriter().render(article, settings)
    finally:
        linebreaks.install()
    assert remembered < calls[0] * 0.9
