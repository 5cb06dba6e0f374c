"""The memo's page estimate (wordml.linebreaking, wordml.pagination) on small documents built
with python-docx: lines, keep-with-next, widows, notes at the foot, sections. That the
estimate is LibreOffice's page is read back in test_long_memo (a slow test)."""

from __future__ import annotations

import itertools
import math

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from briefexport.wordml.footnotes import add_footnote
from briefexport.wordml.hyperlinks import add_bookmark
from briefexport.wordml.linebreaking import Layout, Line, Metrics, Properties
from briefexport.wordml.pagination import Block, Page, bookmark_pages, place

WORDS = [
    "Lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
]
ids = itertools.count(1)


def text(words: int) -> str:
    return " ".join(itertools.islice(itertools.cycle(WORDS), words))


def marked(paragraph: Paragraph) -> str:
    """A bookmark around ``paragraph``: its name."""
    name = f"_Toc{next(ids)}"
    add_bookmark(paragraph, name, next(ids))
    return name


def lines(document: Document, paragraph: Paragraph, width: float) -> int:
    layout = Layout(Properties(document, {}), {})
    form = layout.properties.paragraph(paragraph._p)
    return len(layout.lines(paragraph._p, form, width))


def test_words_fill_lines_and_wide_characters_break_anywhere():
    document = docx.Document()
    assert Metrics({}, 1.3).width("漢字ab") == 3.0  # a face without them: wide an em, else half
    short, long = document.add_paragraph(), document.add_paragraph()
    short.add_run(text(3)).font.size = long.add_run(text(200)).font.size = Pt(10)
    assert lines(document, short, 400) == 1
    filled = len(text(200)) * 0.5 * 10 / 400  # lines if words could break anywhere
    assert math.ceil(filled) <= lines(document, long, 400) <= math.ceil(filled) + 1
    wide = document.add_paragraph()
    wide.add_run("漢" * 100).font.size = Pt(10)  # 1 000 points without a space
    assert lines(document, wide, 300) == 4
    link = document.add_paragraph("https://example.org/" + "/".join(["segment"] * 30))
    assert lines(document, link, 300) > 1  # a link breaks after its slashes


@pytest.mark.parametrize("before", range(35, 50))
def test_a_heading_goes_over_with_the_first_lines_of_its_text(before):
    document = docx.Document()
    for _ in range(before):
        document.add_paragraph(text(5))
    heading = marked(document.add_heading("A heading", 1))
    following = marked(document.add_paragraph(text(60)))
    pages = bookmark_pages(document, {})
    assert pages[heading] == pages[following]


def placed(*sizes: int, room: int = 100) -> tuple[dict[str, int], Page]:
    """Paragraphs of ``sizes`` lines of 10 points, named by their index, placed on pages of
    ``room`` points; the pages each starts on, and the last page."""
    queue = [Block([Line(10)] * size, names=[str(i)]) for i, size in enumerate(sizes)]
    pages: dict[str, int] = {}
    page = Page(room, 400)
    place(queue, page, Layout(Properties(docx.Document(), {}), {}), pages)
    return pages, page


def test_no_paragraph_leaves_a_single_line_at_either_side_of_a_page_break():
    pages, page = placed(8, 3, 1)  # room for two lines of three: all three go over
    assert pages == {"0": 1, "1": 2, "2": 2} and page.used == 40
    pages, page = placed(7, 4, 1)  # room for three lines of four: two and two
    assert pages == {"0": 1, "1": 1, "2": 2} and page.used == 30
    pages, page = placed(9, 1, 1)  # a one-line paragraph fills the page
    assert pages == {"0": 1, "1": 1, "2": 2}


def test_notes_at_the_foot_push_the_text_over():
    plain, noted = docx.Document(), docx.Document()
    reference = noted.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    note_text = noted.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    names = []
    for document in (plain, noted):
        for _ in range(20):
            paragraph = document.add_paragraph(text(12))
            if document is noted:
                note = add_footnote(paragraph.add_run(), reference, note_text)
                note.paragraphs[0].add_run(text(40))
        names.append(marked(document.add_paragraph(text(5))))
    assert bookmark_pages(noted, {})[names[1]] > bookmark_pages(plain, {})[names[0]]


def test_a_section_starts_a_page_of_its_own_size():
    document = docx.Document()
    first = marked(document.add_paragraph(text(5)))
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.page_width, section.page_height = section.page_height, section.page_width
    landscape = marked(document.add_paragraph(text(5)))
    pages = bookmark_pages(document, {})
    assert (pages[first], pages[landscape]) == (1, 2)
