"""Floats decided while WeasyPrint paginates (weasy.floats): one layout, and upstream's pages
wherever no float moves."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from PIL import Image
from test_pdf_notes import SENTENCE, laid_out, tall_figure
from weasyprint import HTML
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure.boxes import ReplacedBox

from briefexport.commands.verify import verify_pdf
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy import floats
from briefexport.weasy.engine import write_pdf
from briefexport.weasy.pages import blank_fractions
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter
from conftest import ROOT

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


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_figure_ending_its_section_passes_the_heading_to_the_top_of_the_next_page(
    tmp_path, paper
):
    """As LaTeX's floats do: the heading and the paragraph after the figure fill the hole it
    left (40% of page 1 on Letter; on A4 the figure shrank into it), and it starts page 2."""
    then = f"## The next section\n\n{SENTENCE * 4}\n\n{TEXT}\n\n{TEXT}"
    document, _ = laid_out(read_article(figure_after_a_paragraph(tmp_path, then)), paper, "pdf")
    assert picture_pages(document) == [2]
    assert max(blank_fractions(document)[:-1]) <= floats.HOLE
    page_two = document.pages[1]._page_box.children[0]
    assert first_leaf(page_two).element_tag == "img"
    page_one = document.pages[0]._page_box.children[0].descendants()
    assert any(box.element_tag == "h2" for box in page_one)


def test_a_figure_past_a_heading_stays_at_the_top_of_the_next_page(tmp_path):
    """Past the heading and a short paragraph, the figure starts page 2 and moves no further,
    though page 1 is still 29% blank: past the next paragraph, cut at page 1's foot, it would
    stand in the new section below text of it."""
    short = "A short paragraph of the next section, on two lines."
    then = f"## The next section\n\n{short}\n\n{TEXT}\n\n{TEXT}"
    document, _ = laid_out(read_article(figure_after_a_paragraph(tmp_path, then)), "letter", "pdf")
    assert first_leaf(document.pages[1]._page_box.children[0]).element_tag == "img"
    assert 0.15 < blank_fractions(document)[0] < 0.35  # 40% upstream


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_figure_before_a_paragraph_longer_than_a_page_stays_near_its_place(tmp_path, paper):
    """Past the paragraph that filled its hole, the figure went to page 4, after that
    paragraph's end. Estimated from its text, the paragraph's part overleaf is longer than the
    hole, so the figure stays at the top of page 2 as upstream's (Letter) or shrinks into page
    1 (A4)."""
    then = f"{SENTENCE * 30}\n\n{TEXT}"
    document, _ = laid_out(read_article(figure_after_a_paragraph(tmp_path, then)), paper, "pdf")
    assert picture_pages(document) == ([2] if paper == "letter" else [1])


@pytest.mark.parametrize(
    ("html", "titles"),
    [
        ("<h3>6.3 Selecting FAL</h3>", True),
        ("<p><strong>Table 6-2 Acceptable Combinations of IAL and AAL</strong></p>", True),
        ("<p>Table 6-2 <strong>details</strong> valid combinations.</p>", False),
        ("<p><strong>Note:</strong> agencies should also consider.</p>", False),
    ],
)
def test_a_float_keeps_a_bold_run_in_title_with_what_it_titles(html, titles):
    """A bold line alone titles the block after it, as a heading does: a float passes it only
    to the top of the next page, never to stand between it and its table (on A4, NIST's
    table of FAL steps went between "Table 6-2 …" at a page's foot and its table overleaf)."""
    element = ElementTree.fromstring(html)
    assert floats.title(SimpleNamespace(element=element, element_tag=element.tag)) is titles


def first_leaf(box):
    """The first box without children under ``box``."""
    while getattr(box, "children", None):
        box = box.children[0]
    return box


def test_figures_keep_their_order(tmp_path):
    """A tall figure that does not fit, then a small one: both go to page 2 together past the
    text (the tall one went past the small one, printing Figure 2 before Figure 1)."""
    Image.new("RGB", (600, 200), (200, 160, 120)).save(tmp_path / "wide.png")
    then = f'![A wide figure](wide.png "Figure 2. A wide figure.")\n\n{TEXT}\n\n{TEXT}'
    article, _, text = built(figure_after_a_paragraph(tmp_path, then))
    assert re.findall(r"Figure \d", text) == ["Figure 1", "Figure 2"]
    document, _ = laid_out(article, "letter", "pdf")
    assert picture_pages(document) == [2]
    assert blank_fractions(document)[0] <= floats.HOLE


def tokens(start: int, count: int) -> str:
    """Words that each occur once: ``b00000``, ``b00001``..."""
    return " ".join(f"b{i:05d}" for i in range(start, start + count))


def built(path: Path) -> tuple[Article, Path, str]:
    """The source at ``path``, its PDF written beside it, and poppler's text of that PDF."""
    article = read_article(path)
    pdf = path.with_suffix(".pdf")
    pdf.write_bytes(writer("pdf").render(article, Settings(project=ROOT)).data)
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    return article, pdf, text


def test_a_figure_floats_past_the_paragraph_that_fills_its_hole_not_past_the_rest(tmp_path):
    """A figure after a page-long note, before two long paragraphs: measured on the page it
    starts, the first paragraph is cut at that page's foot, so it fills the hole; counting
    it by its cut height, the figure went past the unmeasured second paragraph too, to the
    foot of the last page, where verify took its caption for a note."""
    tall_figure(tmp_path)
    note = " ".join(f"n01x{i:03d}" for i in range(300))
    path = tmp_path / "figure.md"
    path.write_text(
        "---\ntitle: Targeted\ndate: 2024-01-01\nauthor: A\n---\n\n"
        f"{tokens(0, 290)}\n\n{tokens(290, 40)}[^1]\n\n"
        f'![alt](tall.png "{tokens(330, 3)}")\n\n{tokens(333, 200)}\n\n{tokens(533, 200)}\n\n'
        f"[^1]: {note}\n",
        encoding="utf-8",
    )
    article, pdf, text = built(path)
    words = re.findall(r"b\d{5}", text)
    assert sorted(words) == [f"b{i:05d}" for i in range(733)]
    assert words.index("b00330") < words.index("b00533")  # before the second paragraph
    finding = verify_pdf(article, pdf, "American Foreign Policy Council")
    assert (finding.missing, finding.problems) == ([], [])


def test_a_table_that_calls_a_note_does_not_float_past_the_next_call(tmp_path):
    """A short table calling note 1 that leaves a hole at the foot of page 1: the paragraph
    after it calls note 2, so the table stays before it (it went past, and note 2 was printed
    before note 1)."""
    calls = ["[^1]", "", "", "", ""]
    cells = [
        f"| {tokens(i * 24 + 252, 12)} | {tokens(i * 24 + 264, 12)}{calls[i]} |" for i in range(5)
    ]
    path = tmp_path / "table.md"
    path.write_text(
        "---\ntitle: Targeted\ndate: 2024-01-01\nauthor: A\n---\n\n"
        f"{tokens(0, 250)}\n\n| b00250 | b00251 |\n|---|---|\n" + "\n".join(cells) + "\n\n"
        f"{tokens(372, 30)}[^2]\n\n{tokens(402, 300)}\n\n"
        f"[^1]: {' '.join(f'n01x{i:03d}' for i in range(20))}\n\n"
        f"[^2]: {' '.join(f'n02x{i:03d}' for i in range(20))}\n",
        encoding="utf-8",
    )
    article, pdf, text = built(path)
    assert re.findall(r"n0(\d)x000", text) == ["1", "2"]
    finding = verify_pdf(article, pdf, "American Foreign Policy Council")
    assert (finding.missing, finding.problems) == ([], [])


@pytest.fixture(scope="module")
def long_report_laid_out(tmp_path_factory):
    """The generated long report of the bench (``benchmarks/corpus.py``: contents, 10 figures,
    10 tables), laid out once per paper."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        corpus = importlib.import_module("corpus")  # the generator alone: no bench extra
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    source = corpus.long_report(tmp_path_factory.mktemp("long") / "report")
    article = read_article(source)
    return {paper: laid_out(article, paper, "pdf")[0] for paper in ("letter", "a4")}


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_long_report_has_no_hole(long_report_laid_out, paper):
    """On Letter p. 8 ended 24% blank (Table 1 would not pass a heading and a paragraph that
    calls a note) and p. 19 19% blank (a heading kept with the table after it)."""
    fractions = blank_fractions(long_report_laid_out[paper])
    assert max(fractions[:-1]) <= floats.HOLE


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_figure_after_a_heading_lets_the_text_follow_the_heading(tmp_path, paper):
    """A heading kept with the tall figure after it went with it to page 2, leaving page 1
    blank below the paragraph before; as LaTeX's, the figure lets the text after it follow
    the heading on page 1 and goes on to page 2, still in its section."""
    tall_figure(tmp_path)
    path = tmp_path / "figure.md"
    path.write_text(
        "---\ntitle: A Tall Figure\ndate: 2024-01-01\nauthor: A\n---\n\n"
        f'{TEXT}\n\n## The next section\n\n![A tall figure](tall.png "Figure 1. Tall.")\n\n'
        f"{TEXT}\n\n{TEXT}\n\n{TEXT}\n",
        encoding="utf-8",
    )
    document, _ = laid_out(read_article(path), paper, "pdf")
    assert picture_pages(document) == [2]
    page_one = document.pages[0]._page_box.children[0].descendants()
    assert any(box.element_tag == "h2" for box in page_one)
    assert max(blank_fractions(document)[:-1]) <= floats.HOLE


def block(html: str) -> SimpleNamespace:
    """A stand-in for a laid-out block of ``html``; each ``<sup>`` in it calls a note."""
    element = ElementTree.fromstring(html)
    calls = [SimpleNamespace(footnote=SimpleNamespace(element=s)) for s in element.iter("sup")]
    return SimpleNamespace(element=element, element_tag=element.tag, descendants=lambda: calls)


def test_a_float_passes_a_heading_only_with_room_for_the_notes_of_what_it_passes():
    """Past the heading and a paragraph calling a note, a table went up to a page with no
    note: the paragraph and its note did not fit, and the table was put back (p. 8 of the
    long report on Letter, 24% blank). The note and its area's rule now count."""
    heading, paragraph = block("<h2>Next</h2>"), block("<p>Text<sup>8</sup></p>")
    measure = floats.Measure.__new__(floats.Measure)
    measure.whole = {heading.element: 59.0, paragraph.element: 150.0}
    note = next(iter(paragraph.descendants())).footnote.element
    measure.notes, measure.area = {note: 15.0}, 23.0
    assert floats.to_the_top([heading, paragraph], measure, 240.0, called=False) == 0
    assert floats.to_the_top([heading, paragraph], measure, 250.0, called=False) == 2


def test_a_float_too_tall_for_the_hole_goes_with_the_float_before_it():
    """A figure passing a table taller than the hole swapped which float left it blank."""
    table = block('<table class="short"><tr><td>1</td></tr></table>')
    measure = floats.Measure.__new__(floats.Measure)
    measure.whole = {table.element: 228.0}
    assert floats.along(table, "figure", 184.0, measure)
    assert not floats.along(table, "figure", 230.0, measure)
    assert not floats.along(block("<p>Text</p>"), "figure", 184.0, measure)


@pytest.mark.parametrize(("room", "height"), [(200.0, 268.5), (50.0, None)])
def test_the_figure_above_a_table_that_misses_the_hole_shrinks_for_it(room, height):
    """A table 218.5 px tall (a 12 px margin above it) below a figure, in a hole of 200 px:
    the figure's 300 px picture loses 31.5 px and the table fits (Table 1 of the long report
    on Letter went to p. 9, leaving p. 8 24% blank); in 50 px it would keep under 60%."""
    figure, image = ElementTree.fromstring("<figure><img/></figure>"), ElementTree.Element("img")
    picture = ReplacedBox.__new__(ReplacedBox)
    picture.element, picture.height = image, 300.0
    laid = SimpleNamespace(
        element=figure,
        margin_bottom=12.0,
        margin_height=lambda: 340.0,
        descendants=lambda: [picture],
    )
    original = SimpleNamespace(element=image, style={})
    box = SimpleNamespace(element=figure, element_tag="figure", descendants=lambda: [original])
    table = SimpleNamespace(
        style={"margin_top": Dimension(10.0, "px")}, margin_height=lambda: 218.5
    )
    page = SimpleNamespace(descendants=lambda: [laid])
    parent = SimpleNamespace(children=[box, SimpleNamespace()])
    assert floats.make_room(parent, 1, table, room, page) is (height is not None)
    assert original.style.get("max_height") == (height and Dimension(height, "px"))
