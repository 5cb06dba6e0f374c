"""Issue 13's promises on the corpus of real documents (tests/corpus), on Letter and A4: every
note at the foot of its call's page, in call order; no Matterhorn failure; no page but the last
ending with more than 15% of its text area blank."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from briefexport.readback.pdfua import check_pdfua
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy.engine import layout, write_pdf
from briefexport.weasy.notes import note_pages
from briefexport.weasy.pages import blank_fractions
from briefexport.writers.pdf import PdfWriter
from conftest import ROOT

CORPUS = sorted(p for p in (ROOT / "tests" / "corpus").glob("*.md") if p.name != "README.md")
PAPERS = ["letter", "a4"]
# A note too long for the foot of its call's page is split across two pages (weasy.notesplit):
# on Letter notes 48 and 54 are, where the call's line and a hole of 19-21% moved before. On A4
# weasy.floats moves the figure of four ovals while paginating, page by page, as often as a hole
# opens (the whole-document passes it replaced ran out after three).
HOLES = {
    # p. 29 ends 24% blank below Figure 6-2: the next block, the 4-row table of pictures and
    # text that explains the figure, is not "short" (its pictures), cannot split (3 rows kept
    # on each side of a break) and, the last block of section 6.2, may not float past 6.3's
    # heading. Letting it float there only moves the hole to p. 30, which the 6-row table of
    # 6.3 (935 px, breakable only after its 3rd row) then ends 25% blank.
    ("nist-sp-800-63-3-digital-identity-guidelines", "letter"),
}


@cache
def built(path: Path, paper: str):
    article = read_article(path)
    settings = Settings(project=ROOT, paper=paper)
    pdf = PdfWriter()
    html = pdf.html(article, settings).html
    document = layout(html, article, settings, pdf.sheets(article, settings)).document
    return document, write_pdf(document, article, pdf.variant)


CASES = [pytest.param(p, paper, id=f"{p.stem[:24]}-{paper}") for p in CORPUS for paper in PAPERS]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "paper"), CASES)
def test_notes_on_their_call_page_in_order_and_no_matterhorn_failure(path, paper):
    document, data = built(path, paper)
    pages = note_pages(document)
    assert {key: where for key, where in pages.items() if where[0] != where[1]} == {}
    order = sorted(pages, key=lambda key: (pages[key][1], int(key[2:])))
    assert order == sorted(pages, key=lambda key: int(key[2:]))
    assert [str(failure) for failure in check_pdfua(data)] == []


@pytest.mark.slow
@pytest.mark.parametrize(("path", "paper"), CASES)
def test_no_page_but_the_last_ends_with_a_hole(path, paper, request):
    if (path.stem, paper) in HOLES:
        request.applymarker(pytest.mark.xfail(strict=True, reason="see HOLES"))
    document, _ = built(path, paper)
    assert max(blank_fractions(document)[:-1], default=0) <= 0.15
