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
# opens (the whole-document passes it replaced ran out after three). NIST's tables of pictures
# are kept whole and float; on Letter the one ending section 6.2 goes to the top of p. 30, past
# 6.3's heading and first paragraph (p. 29 ended 24% blank below Figure 6-2).


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
def test_no_page_but_the_last_ends_with_a_hole(path, paper):
    document, _ = built(path, paper)
    assert max(blank_fractions(document)[:-1], default=0) <= 0.15
