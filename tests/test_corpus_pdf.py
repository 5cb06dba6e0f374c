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
# Long notes take their call's line (and, for widows, the line before) to the next page, since
# WeasyPrint cannot split a note across two pages: these pages end with 15-21% blank, the room
# the note lacked (Letter p. 16: note 48, 162 px with the area's rule, margin and padding, plus
# its call's line, against a 167 px hole; p. 17: note 53, 192 px against 185 px; A4 p. 19:
# note 61 and two lines against 161 px). Only splitting a note across two pages fills them.
HOLES = {
    ("lessig-code-v2-ch7-what-things-regulate", "letter"),
    ("lessig-code-v2-ch7-what-things-regulate", "a4"),
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
