"""The contents' page numbers parsed again before WeasyPrint's second pass: two passes, not
three, and the same PDF."""

from __future__ import annotations

import weasyprint.layout as layout

from briefexport.source.reader import read_article
from briefexport.weasy import targets
from briefexport.writers.pdf import PdfWriter

PARAGRAPH = "Words that fill the page for the test of the contents. " * 40


def passes(source, settings) -> tuple[int, bytes]:
    """How many passes WeasyPrint made over the pages of ``source``'s brief, and the PDF."""
    made, installed = [], layout.make_all_pages

    def counted(*args):
        made.append(1)
        return installed(*args)

    layout.make_all_pages = counted
    try:
        data = PdfWriter().render(read_article(source), settings).data
    finally:
        layout.make_all_pages = installed
    return len(made), data


def test_the_contents_pages_are_made_twice_with_their_numbers_right(write_source, settings):
    sections = "".join(f"# Section {n}\n\n{PARAGRAPH}\n\n" for n in range(1, 5))
    source = write_source(f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\ntoc: true\n---\n{sections}")
    count, data = passes(source, settings)
    assert count == 2
    targets.install(False)
    try:
        upstream_count, upstream_data = passes(source, settings)
    finally:
        targets.install()
    assert upstream_count == 3  # WeasyPrint's own
    assert data == upstream_data
