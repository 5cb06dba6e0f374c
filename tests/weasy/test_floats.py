"""Floats decided while WeasyPrint paginates (weasy.floats): one layout, and upstream's pages
wherever no float moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pdf_notes import SENTENCE, laid_out, tall_figure
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import ReplacedBox

from briefexport.source.reader import read_article
from briefexport.weasy import floats
from briefexport.weasy.engine import write_pdf
from briefexport.weasy.pages import blank_fractions
from briefexport.writers.pdf import PdfWriter

TEXT = (SENTENCE * 5).strip()


def figure_after_a_paragraph(folder: Path, then: str) -> Path:
    """A paragraph with a note, a tall figure that does not fit below it (40% of page 1 left
    blank upstream), then ``then``."""
    tall_figure(folder)
    path = folder / "figure.md"
    path.write_text(
        "---\ntitle: A Tall Figure\ndate: 2024-01-01\nauthor: A\n---\n\n"
        f'{TEXT}[^1]\n\n![A tall figure](tall.png "Figure 1. A tall figure.")\n\n{then}\n\n'
        "[^1]: The first note, which explains a source at some length over two lines of text.\n"
        "[^2]: The second note, also explaining a source at some length over two lines.\n",
        encoding="utf-8",
    )
    return path


def picture_pages(document) -> list[int]:
    """The numbers (from 1) of the pages that hold a picture."""
    return [
        number
        for number, page in enumerate(document.pages, 1)
        if any(isinstance(b, ReplacedBox) for b in page._page_box.children[0].descendants())
    ]


def test_a_figure_that_leaves_a_hole_floats_past_the_text_in_one_layout(tmp_path, monkeypatch):
    article = read_article(figure_after_a_paragraph(tmp_path, f"{TEXT}[^2]\n\n{TEXT}"))
    renders = []
    upstream = HTML.render
    monkeypatch.setattr(HTML, "render", lambda *a, **k: renders.append(1) or upstream(*a, **k))
    document, _ = laid_out(article, "letter", "pdf")
    assert len(renders) == 1
    assert max(blank_fractions(document)[:-1]) <= floats.HOLE  # upstream leaves 40% blank
    assert picture_pages(document) == [2]
    page_one = document.pages[0]._page_box.children[0].descendants()
    assert sum("regional order" in getattr(box, "text", "") for box in page_one) > 5


@pytest.mark.parametrize(("paper", "shrunk"), [("letter", False), ("a4", True)])
def test_a_figure_at_a_sections_end_shrinks_or_leaves_upstreams_pages(tmp_path, paper, shrunk):
    """A figure followed by a heading cannot float. On A4 its picture shrinks into the hole;
    on Letter it would keep under 60% of its height, so it stays on page 2: its next page was
    laid out to measure it, then the layout context put back, and the PDF is upstream's byte
    for byte, notes included."""
    then = f"## The next section\n\n{TEXT}[^2]\n\n{TEXT}"
    article = read_article(figure_after_a_paragraph(tmp_path, then))
    floated, _ = laid_out(article, paper, "pdf")
    floats.install(patched=False)
    try:
        upstream, _ = laid_out(article, paper, "pdf")
    finally:
        floats.install()
    assert blank_fractions(upstream)[0] > 0.3
    if shrunk:
        assert picture_pages(floated) == [1]
        assert max(blank_fractions(floated)[:-1]) <= floats.HOLE
    else:
        variant = PdfWriter.variant
        assert write_pdf(floated, article, variant) == write_pdf(upstream, article, variant)
