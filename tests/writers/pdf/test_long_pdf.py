"""Long reports in the PDF, read back with pdftotext and pikepdf: contents, captions,
references, landscape pages, boxes, languages, key takeaways."""

from __future__ import annotations

import re
import subprocess
from itertools import groupby
from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML
from weasyprint.css.targets import TargetCollector

from briefexport.commands.verify_report import page_texts as pypdf_pages
from briefexport.commands.verify_report import report_problems
from briefexport.render.html import HtmlRenderer
from briefexport.sandbox.policy import policy_for
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers.pdf import PdfWriter
from conftest import FIXTURES, ROOT, rendered, structure_elements

NIST = FIXTURES / "long" / "nist-report.md"
PASSAGES = FIXTURES / "long" / "passages.md"
WIDE = ROOT / "tests" / "articles" / "wide-tables.md"
TOC_LINE = re.compile(r"^(\d+(?:\.\d+)*)\s+(.+?)[ .]*\s(\d+)$")


@pytest.fixture(scope="module")
def nist_pdf(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    return rendered("pdf", NIST, tmp_path_factory.mktemp("nist"), settings)


@pytest.fixture(scope="module")
def wide_pdf(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    return rendered("pdf", WIDE, tmp_path_factory.mktemp("wide"), settings)


def page_texts(path: Path) -> list[str]:
    """Each page's text as pdftotext gives it (layout kept, so a TOC line stays one line)."""
    count = len(pikepdf.open(path).pages)
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def test_the_html_of_references_captions_boxes_and_spans(settings):
    article = read_article(NIST)
    html = HtmlRenderer(article, policy_for(article, settings)).render()
    assert '<figure id="fig:model"><img' in html
    assert (
        '<figcaption><span class="caption-label">Figure 1.</span> Digital Identity Model'
        "</figcaption>" in html
    )
    assert '<caption><span class="caption-label">Table 6.</span> Acceptable Combinations' in html
    assert '<table id="tbl:combinations" class="cols-4 short">' in html  # floats, kept whole
    steps = re.findall(r'<table class="(cols-1[^"]*)">', html)  # 12, 4 and 6 rows of pictures
    assert steps == ["cols-1", "cols-1 short", "cols-1 short"]  # and text: kept whole up to 8
    assert '<a class="xref" href="#tbl:ial">Table 2</a>' in html
    assert '<a class="xref" href="#sec:risk-overview">Section 5.1</a>' in html
    assert '<aside class="box sidebar">\n<p class="box-title">Three assurance levels' in html
    assert '<aside class="box note" lang="ru">' in html
    assert '<span lang="ru">«цифровая идентичность»</span>' in html
    assert (
        '<h2 id="sec:risk" data-bookmark="Digital Identity Risk Management">'
        "Digital Identity Risk\xa0Management</h2>" in html  # the last two words tied
    )


@pytest.mark.slow
def test_each_contents_entry_gives_the_page_of_its_heading(nist_pdf):
    pages = page_texts(nist_pdf)
    entries = [
        match.groups()
        for page in pages[:2]
        for line in page.splitlines()
        if (match := TOC_LINE.match(line.strip()))
    ]
    assert len(entries) == 31  # toc-depth 2: 8 sections and their 23 subsections
    position = next(i for i, page in enumerate(pages) if re.search(r"^\s*Purpose\s*$", page, re.M))
    for number, title, page in entries:  # each heading is found after the one before it
        heading = re.compile(rf"^\s*{re.escape(title)}\s*$", re.M)
        position = next(i for i in range(position, len(pages)) if heading.search(pages[i]))
        assert int(page) == position + 1, (number, title)
    with pikepdf.open(nist_pdf) as pdf:
        links = [a for a in pdf.pages[0].Annots if a.Subtype == "/Link"]
        assert len(links) >= 20  # the entries on page 1 are links


@pytest.mark.slow
def test_captions_and_references_read_back(nist_pdf):
    text = " ".join(" ".join(page_texts(nist_pdf)).split())
    assert "Figure 1. Digital Identity Model" in text
    assert "Figure 4. Selecting FAL" in text
    assert "Table 6. Acceptable Combinations of IAL and AAL" in text
    assert "see Table 2, Table 3 and Table 4, and Figure 1 for the parties involved" in text
    assert "@fig" not in text and "@tbl" not in text and "{#" not in text


@pytest.mark.slow
def test_languages_and_asides_in_the_structure_tree(nist_pdf):
    with pikepdf.open(nist_pdf) as pdf:
        elements = structure_elements(pdf)
        tagged = [(str(e.S), str(e.Lang)) for e in elements if "/Lang" in e]
        assert tagged == [("/Aside", "ru"), ("/Span", "ru")]
        assert sum(e.S == "/Aside" for e in elements) == 3  # key takeaways, sidebar, note
        assert pdf.Root.StructTreeRoot.RoleMap.Aside == "/Sect"
        assert str(pdf.Root.Lang) == "en"


@pytest.mark.slow
def test_key_takeaways_and_sidebar(nist_pdf):
    pages = page_texts(nist_pdf)
    assert "KEY TAKEAWAYS" in pages[0]
    assert "Each has its own assurance level" in pages[0]
    sidebar = [i for i, p in enumerate(pages) if "Three assurance levels, not one" in p]
    ending = [i for i, p in enumerate(pages) if "for the parties involved" in " ".join(p.split())]
    assert len(sidebar) == 1 and sidebar == ending  # kept on one page


@pytest.mark.slow
def test_a_wide_table_gets_a_landscape_page_with_running_heads(wide_pdf):
    pdf = pikepdf.open(wide_pdf)
    sizes = [(float(p.MediaBox[2]), float(p.MediaBox[3])) for p in pdf.pages]
    assert sizes == [(612, 792), (792, 612), (612, 792)]
    assert all(int(p.get("/Rotate", 0)) == 0 for p in pdf.pages)
    pages = page_texts(wide_pdf)
    assert "Remittances" in pages[1] and "Economy" in pages[1]  # the heading goes with it
    assert "Regional Indicators at a Glance" in pages[1]  # running head, upright with the table
    assert "Page 2 of 3" in pages[1]
    assert "Notes" in pages[2] and "Page 3 of 3" in pages[2]  # portrait again


RUSSIAN = (
    "Государственные преобразования сопровождались многочисленными экономическими трудностями, "
    "противоречивыми политическими решениями, международными консультациями, "
    "административными реорганизациями и непредсказуемыми последствиями для населения, "
    "предпринимателей, преподавателей и исследователей."
)


@pytest.mark.slow
def test_a_russian_passage_is_hyphenated_as_russian(write_source, settings, tmp_path):
    source = write_source(
        f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\nText.\n\n::: {{lang=ru}}\n{RUSSIAN}\n"
        f":::\n\n[{RUSSIAN}]{{lang=ru}}\n\n{RUSSIAN}\n"
    )
    path = rendered("pdf", source, tmp_path, settings)
    lines = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    start = lines.index("Text.") + 1
    paragraphs: list[list[str]] = [[]]
    for line in lines[start:]:
        paragraphs[-1].append(line)
        if line.endswith("исследователей."):  # each paragraph's last word
            paragraphs.append([])
    passage, span, english = paragraphs[:3]
    assert sum(line.endswith("-") for line in passage) >= 2  # Russian patterns break the words
    assert sum(line.endswith("-") for line in span) >= 2  # in a span as in a div
    assert not any(line.endswith("-") for line in english)  # English ones find no break in them


def test_key_takeaways_are_rendered_as_the_body_is(settings):
    html = PdfWriter().html(read_article(PASSAGES), settings).html
    assert (
        '<li>Ministers now speak of a <span lang="ru">«зерновой коридор»</span>, '
        "a <em>grain corridor</em>.</li>" in html
    )
    assert "<li>The figures in Table 1 come from the port authorities.</li>" in html


@pytest.mark.slow
def test_spans_carry_their_language_and_the_takeaways_their_references(tmp_path, settings):
    pdf_path = rendered("pdf", PASSAGES, tmp_path, settings)
    text = " ".join(" ".join(page_texts(pdf_path)).split())
    assert "The figures in Table 1 come from the port authorities." in text  # key takeaways
    assert "@" not in text
    with pikepdf.open(pdf_path) as pdf:
        tagged = [(str(e.S), str(e.Lang)) for e in structure_elements(pdf) if "/Lang" in e]
        passages = [key for key, _ in groupby(tagged)]  # a span broken over two lines: two
        assert passages == [("/Span", "ru"), ("/Span", "kk"), ("/Span", "ru")]  # takeaway, body
        spans = [e for e in structure_elements(pdf) if e.S == "/Span" and "/Lang" in e]
        assert all(e.P.S in ("/P", "/LI", "/LBody") for e in spans)  # inline, in English text


def test_verify_reads_contents_captions_and_references(write_source):
    article = read_article(
        write_source(
            "---\ntitle: T\ndate: 2024-01-01\nauthor: A\ntoc: true\n---\n# Intro\n\nSee @tbl:a.\n\n"
            "# Overview\n\n| a |\n|---|\n| 1 |\n\nTable: First {#tbl:a}\n\n# Overview\n\nEnd.\n"
        )
    )
    contents = "Contents\n1 Intro . . . 1\n2 Overview . . . 2\n3 Overview . . . 2\n"
    good = [contents + "Intro\nSee Table 1.\n", "Overview\nTable 1. First\nOverview\nEnd."]
    assert report_problems(article, good) == []
    moved = [good[0], "Overview\nTable 1. First", "Overview\nEnd."]
    assert report_problems(article, moved) == ["contents: '3 Overview' says page 2, is on 3"]
    unresolved = [good[0].replace("Table 1.", "@tbl:a."), good[1].replace("Table 1.", "")]
    assert report_problems(article, unresolved) == [
        "caption 'Table 1.' missing or out of order",
        "an unresolved reference is printed: @tbl:a…",
    ]


@pytest.mark.slow
def test_verify_finds_nothing_wrong_with_the_report(nist_pdf):
    assert report_problems(read_article(NIST), pypdf_pages(nist_pdf)) == []


def test_a_target_counter_of_an_href_waits_for_its_anchor():
    """WeasyPrint files the counters a ``target-counter(attr(href url), page)`` misses under
    the target's anchor (upstream files them under None, and so never remakes the entry when
    the heading's page becomes known)."""
    html = (
        "<style>a::after { content: target-counter(attr(href url), page) }</style>"
        '<a href="#later">Later</a><h2 id="later">Later</h2>'
    )
    missed: list[dict[str | None, list[str]]] = []
    collect = TargetCollector.collect_missing_counters

    def spy(self, box, token, parse_again, counters, target_counters):
        missed.append(target_counters)
        return collect(self, box, token, parse_again, counters, target_counters)

    TargetCollector.collect_missing_counters = spy
    try:
        HTML(string=html).render()
    finally:
        TargetCollector.collect_missing_counters = collect
    assert {"later": ["page"]} in missed
    assert all(None not in counters for counters in missed)


@pytest.mark.slow
def test_a_heading_that_calls_a_note_has_its_page_in_the_contents(tmp_path):
    """Red team, seed 157 (reduced): on A4 the heading lands on p. 2, and its contents entry
    printed "0" as no other change made WeasyPrint lay the contents' page out again."""
    source = FIXTURES / "long" / "heading-note-toc.md"
    pdf = rendered("pdf", source, tmp_path, Settings(project=ROOT, paper="a4"))
    pages = page_texts(pdf)
    [entry] = [m for line in pages[0].splitlines() if (m := TOC_LINE.match(line.strip()))]
    heading = next(
        i for i, page in enumerate(pages) if re.search(r"^\s*b00126 b00127 b00128", page, re.M)
    )
    assert (entry.group(2), int(entry.group(3))) == ("b00126 b00127 b00128", heading + 1)
