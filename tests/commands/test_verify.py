"""verify: no false alarm on a source that uses every feature, on Letter and A4; and for each
promise, an output (or a source) tampered with so the promise breaks, and verify says where."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import docx
import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from briefexport.build.pipeline import build
from briefexport.commands.memoread import verify_memo
from briefexport.commands.pdfchecks import note_problems, pdf_list_problems
from briefexport.commands.pdfpage import Page, Run, classify, group_lines, letters
from briefexport.commands.verify import (
    Block,
    Finding,
    image_problems,
    verify_article,
    verify_pdf,
    verify_press,
    verify_summary,
)
from briefexport.commands.verify_source import ListItem
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from conftest import FIXTURES, ROOT

SOURCE = FIXTURES / "verify" / "promises.md"
PUBLISHER = "American Foreign Policy Council"
FORMATS = ["pdf", "press", "memo", "summary"]


def build_fixture(paper: str, out: Path) -> Path:
    """The fixture built on one paper, press PDF included."""
    settings = Settings(project=ROOT, paper=paper, profile="press")
    report = build([SOURCE], out, settings, ["pdf", "memo", "summary"], jobs=1)
    assert report.ok, report.failed[0].error
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture built on Letter: the outputs each tamper test starts from."""
    return build_fixture("letter", tmp_path_factory.mktemp("verify-letter"))


@pytest.fixture(scope="module")
def article() -> Article:
    return read_article(SOURCE)


def output(built: Path, suffix: str, tmp_path: Path) -> Path:
    """A copy of one output, safe to tamper with."""
    [path] = built.glob(f"*/promises{suffix}")
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    return copy


def test_no_false_alarm_on_letter(built: Path, article: Article):
    for finding in verify_article(article, built, FORMATS, PUBLISHER):
        assert finding.ok, (finding.path.name, finding.missing, finding.problems)


def test_no_false_alarm_on_a4(article: Article, tmp_path: Path):
    out = build_fixture("a4", tmp_path)
    for finding in verify_article(article, out, FORMATS, PUBLISHER):
        assert finding.ok, (finding.path.name, finding.missing, finding.problems)


def memo_finding(article: Article, path: Path) -> Finding:
    return verify_memo(article, path, PUBLISHER)


def cut_paragraph(path: Path, starts: str) -> None:
    """Remove the memo's body paragraph that starts with ``starts``."""
    document = docx.Document(str(path))
    [paragraph] = [p for p in document.paragraphs if p.text.startswith(starts)]
    paragraph._p.getparent().remove(paragraph._p)
    document.save(str(path))


@pytest.mark.parametrize(
    ("starts", "kind", "line"),
    [
        ("Three ports", "key point", 13),
        ("Freight through", "bottom line", 10),
        ("Publish the customs", "recommendation", 17),
        ("Ada Byron writes", "bio", 7),
        ("© 2025", "copyright", 8),
        ("CC:", "memo cc", 20),
        ("SUBJECT:", "memo subject", 21),
    ],
)
def test_a_memo_missing_a_promised_part_fails_at_its_line(
    built: Path, article: Article, tmp_path: Path, starts: str, kind: str, line: int
):
    path = output(built, "-memo.docx", tmp_path)
    assert memo_finding(article, path).ok
    cut_paragraph(path, starts)
    finding = memo_finding(article, path)
    assert [(b.kind, b.line) for b in finding.missing] == [(kind, line)]


def test_a_memo_list_that_lost_its_numbers_fails(built: Path, article: Article, tmp_path: Path):
    path = output(built, "-memo.docx", tmp_path)
    document = docx.Document(str(path))
    [item] = [p for p in document.paragraphs if p.text.startswith("Fees fell")]
    item._p.pPr.remove(item._p.pPr.numPr)
    document.save(str(path))
    assert memo_finding(article, path).problems == [
        "line 44: list item has no bullet or number in the memo"
    ]


def test_a_memo_list_at_the_wrong_level_fails(built: Path, article: Article, tmp_path: Path):
    path = output(built, "-memo.docx", tmp_path)
    document = docx.Document(str(path))
    [item] = [p for p in document.paragraphs if p.text.startswith("Kuryk")]
    item._p.pPr.numPr.ilvl.val = 0
    document.save(str(path))
    [problem] = memo_finding(article, path).problems
    assert problem.startswith("line 42: list item has a bullet at level 1 in the memo")


def test_a_memo_without_its_picture_fails(built: Path, article: Article, tmp_path: Path):
    path = output(built, "-memo.docx", tmp_path)
    document = docx.Document(str(path))
    for drawing in document.element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}drawing"
    ):
        drawing.getparent().remove(drawing)
    document.save(str(path))
    assert memo_finding(article, path).problems == [
        "line 36: image 'Freight by port, 2024' missing from the memo"
    ]


def pdf_finding(article: Article, path: Path, check=verify_pdf) -> Finding:
    return check(article, path, PUBLISHER)


def test_a_press_pdf_without_output_intent_fails(built: Path, article: Article, tmp_path: Path):
    path = output(built, "-press.pdf", tmp_path)
    assert pdf_finding(article, path, verify_press).ok
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.Root.OutputIntents
        pdf.save(path)
    assert pdf_finding(article, path, verify_press).problems == [
        "no PDF/X OutputIntent: a press cannot tell the colours it needs"
    ]


def test_a_pdf_whose_figure_lost_its_tag_fails(built: Path, article: Article, tmp_path: Path):
    path = output(built, ".pdf", tmp_path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for element in pdf.objects:
            if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/Figure":
                element.S = pikepdf.Name.Span
        pdf.save(path)
    assert pdf_finding(article, path).problems == [
        "line 36: image 'Freight by port, 2024' missing from the PDF"
    ]


def edited(article: Article, old: str, new: str, tmp_path: Path) -> Article:
    """The fixture's source with one edit: the outputs no longer match it."""
    source = tmp_path / SOURCE.name
    source.write_text(SOURCE.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    shutil.copy(SOURCE.parent / "figure.png", tmp_path)
    changed = read_article(source)
    assert changed != article
    return dataclasses.replace(changed, slug=article.slug)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "1. Customs",
            "2. Customs",
            "line 40: list item marked '1.' in the PDF, '2.' in the source",
        ),
        (
            "   - Kuryk",
            "   1. Kuryk",
            "line 42: list item marked '•' in the PDF, '1.' in the source",
        ),
        (
            "- A bullet after",
            "   - A bullet after",
            "line 46: list item not nested 2 deep",
        ),
    ],
)
def test_pdf_list_markers_numbers_and_depth(
    built: Path, article: Article, tmp_path: Path, old: str, new: str, problem: str
):
    path = output(built, ".pdf", tmp_path)
    assert pdf_finding(edited(article, old, new, tmp_path), path).problems == [problem]


def test_a_pdf_note_that_lost_words_fails_at_its_line(
    built: Path, article: Article, tmp_path: Path
):
    path = output(built, ".pdf", tmp_path)
    changed = edited(article, "compiled by the author", "compiled by the editors", tmp_path)
    assert [(b.kind, b.line) for b in pdf_finding(changed, path).missing] == [("footnote", 54)]


def test_a_summary_missing_a_key_point_or_on_two_pages_fails(
    built: Path, article: Article, tmp_path: Path
):
    path = output(built, "-summary.pdf", tmp_path)
    changed = edited(
        article,
        "    - Transit times",
        "    - Rail tariffs fell too.\n    - Transit times",
        tmp_path,
    )
    assert [(b.kind, b.line) for b in pdf_finding(changed, path, verify_summary).missing] == [
        ("key point", 14)
    ]
    writer = PdfWriter()
    writer.append(PdfReader(path))
    writer.append(PdfReader(path))
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    assert "2 pages, not one" in pdf_finding(article, path, verify_summary).problems


def page(number: int, lines: list[list[tuple[str, float, float, float]]]) -> Page:
    """A page from (text, x, baseline, size) runs, line by line."""
    runs = [Run(text, x, y, size) for line in lines for text, x, y, size in line]
    return Page(number, runs, group_lines(runs))


def test_a_note_printed_two_pages_after_its_call_fails(tmp_path: Path):
    """A note that cannot fit may open the next page's notes; any further is a failure."""
    call = [("Text with a call", 50, 100, 10), ("1", 130, 97, 6)]
    note = [("1. ", 50, 700, 8), ("The note.", 62, 700, 8)]
    pages = [page(1, [call]), page(2, [[("Text", 50, 100, 10)]]), page(3, [note])]
    classify(pages, [[], [], []])
    missing, problems = note_problems([Block("footnote", "The note.", 12)], pages)
    assert (missing, problems) == ([], ["line 12: note 1 is printed on page 3, its call on page 1"])
    pages = [page(1, [call]), page(2, [note])]
    classify(pages, [[], []])
    assert note_problems([Block("footnote", "The note.", 12)], pages) == ([], [])


@pytest.mark.parametrize("own", [True, False], ids=["before-own-notes", "alone"])
def test_a_note_split_across_two_pages_is_one_note_on_its_call_page(own):
    """The rest of a note split at the foot of its call's page (weasy.notesplit) leads the
    next page's notes, without a number; a line of it that opens with a number the pages
    before printed ("1. ") opens no note, and the body above the notes stays body, even set
    as small as the notes. Alone, the rest ends at the foot, as page 1's notes do."""
    calls = [("Text with a call", 50, 100, 10), ("1", 130, 97, 6)]
    head = [[("1. ", 50, 680, 8), ("The note, which", 62, 680, 8)], [("runs on", 50, 690, 8)]]
    small = [("A caption as small as the notes.", 50, 600, 8)]
    rest = [[("to page", 50, 670, 8)], [("1. ", 50, 680, 8), ("of a report.", 62, 680, 8)]]
    own_note = [[("2. ", 50, 690, 8), ("The other note.", 62, 690, 8)]]
    second = [[("More text", 50, 100, 10), ("2", 110, 97, 6)]] if own else []
    pages = [
        page(1, [calls, *head]),
        page(2, [*second, small, *rest, *(own_note if own else [])]),
    ]
    classify(pages, [[], []])
    notes = [Block("footnote", "The note, which runs on to page 1. of a report.", 12)]
    notes += [Block("footnote", "The other note.", 13)] if own else []
    assert note_problems(notes, pages) == ([], [])
    assert letters("A caption as small as the notes") in pages[1].text("body")


def test_notes_out_of_call_order_fail(tmp_path: Path):
    calls = [
        ("Two calls", 50, 100, 10),
        ("2", 110, 97, 6),
        ("then", 120, 100, 10),
        ("1", 150, 97, 6),
    ]
    notes = [
        [("1. ", 50, 680, 8), ("One.", 62, 680, 8)],
        [("2. ", 50, 690, 8), ("Two.", 62, 690, 8)],
    ]
    pages = [page(1, [calls, *notes])]
    classify(pages, [[]])
    _, problems = note_problems(
        [Block("footnote", "One.", 20), Block("footnote", "Two.", 21)], pages
    )
    assert problems == [
        "notes are not numbered in the order of their calls (calls 2, 1, notes 1, 2)"
    ]


@pytest.mark.parametrize("labels", [(1, 2, 3), (1, 3, 2)], ids=["renumbered", "swapped"])
def test_a_note_printed_out_of_call_order_is_out_of_order_not_missing(labels):
    """Notes 2 and 3 swapped at the page's foot, under the numbers of their places or with
    their own: the note is there, so verify says it is out of order, at the note's line."""
    calls = [("One", 50, 100, 10), ("1", 80, 97, 6), ("two", 90, 100, 10), ("2", 120, 97, 6)]
    calls += [("three", 130, 100, 10), ("3", 170, 97, 6)]
    texts = ["The first note.", "The third note.", "The second note."]
    notes = [
        [(f"{label}. ", 50, 680 + 10 * index, 8), (text, 62, 680 + 10 * index, 8)]
        for index, (label, text) in enumerate(zip(labels, texts, strict=True))
    ]
    pages = [page(1, [calls, *notes])]
    classify(pages, [[]])
    sources = [
        Block("footnote", f"The {n} note.", 20 + i)
        for i, n in enumerate(["first", "second", "third"])
    ]
    assert note_problems(sources, pages) == (
        [],
        ["line 21: footnote 2 is printed out of order (after footnote 3)"],
    )


def test_table_digits_before_the_notes_are_body_text(tmp_path: Path):
    """The false alarm of issue 15: digits ending a table before the note area."""
    cells = [("24.5", 50, 600, 10), ("1,225", 150, 600, 10), ("66", 250, 600, 10)]
    note = [("1. ", 50, 700, 8), ("66 tonnes, the port's own return.", 62, 700, 8)]
    pages = [page(1, [[("Figures", 50, 580, 10), ("1", 100, 577, 6)], cells, note])]
    classify(pages, [[]])
    assert pages[0].text("body") == "figures245122566"
    assert pages[0].notes() == [(1, "66tonnestheportsownreturn")]


def test_notes_below_a_masthead_in_the_side_column(tmp_path: Path):
    """The masthead reaches left of the text column; the notes' linked number ("1" then
    ". ") at the column's edge still opens the note area."""
    masthead = [("AMERICAN FOREIGN POLICY COUNCIL", 20, 60, 8)]
    call = [("Text with a call", 50, 100, 10), ("1", 130, 97, 6)]
    note = [("1", 50, 700, 8), (". The note.", 55, 700, 8)]
    pages = [page(1, [masthead, call, note])]
    classify(pages, [[]])
    assert pages[0].notes() == [(1, "thenote")]
    assert note_problems([Block("footnote", "The note.", 12)], pages) == ([], [])


def test_a_number_not_followed_by_its_period_opens_no_note():
    """A line of digits in the notes' size is a table's cell, not a note's number."""
    call = [("Text with a call", 50, 100, 10), ("1", 130, 97, 6)]
    cells = [("1", 50, 700, 8), ("tonne", 60, 700, 8)]
    pages = [page(1, [call, cells])]
    classify(pages, [[]])
    assert pages[0].notes() == []


def test_a_figure_may_float_later_never_earlier():
    """The PDF floats a figure past the images after it; an image in a table does not float."""
    figure, cell = Block("figure", "Map", 3), Block("image", "Step", 5)
    assert image_problems([figure, cell], ["Step", "Map"], "PDF") == []
    assert image_problems([cell, figure], ["Map", "Step"], "PDF") == [
        "line 3: image 'Map' not where the PDF has it"
    ]
    steps = [Block("image", "One", 5), Block("image", "Two", 6)]
    assert image_problems(steps, ["Two", "One"], "PDF") == [
        "line 5: image 'One' not where the PDF has it"
    ]
    assert image_problems([figure, cell], ["Step"], "PDF") == [
        "line 3: image 'Map' missing from the PDF"
    ]


def test_a_running_head_that_wraps_in_the_side_column_is_furniture():
    head = [("Generative", 20, 40, 8.5)], [("AI", 20, 51, 8.5), ("PUBLISHER", 300, 51, 8.5)]
    body = [("Text goes on.", 50, 80, 10)], [("Page 2 of 2", 400, 740, 8.5)]
    pages = [page(1, [[("Text", 50, 80, 10)]]), page(2, [*head, *body])]
    classify(pages, [[], ["Generative AI", "Publisher", "Page 2 of 2"]])
    assert pages[1].text("body") == "textgoeson"


def test_a_list_marker_alone_above_its_text_fails():
    """A loose item's paragraph is a block: an inside marker before it gets a line of its own."""
    lines = [[("•  ", 50, 100, 10)], [("Loose item.", 50, 115, 10)]]
    pages = [page(1, lines)]
    classify(pages, [[]])
    item = ListItem(False, 1, 1, 1, 1, Block("list item", "Loose item.", 9))
    assert pdf_list_problems([item], pages) == [
        "line 9: list item's marker stands alone above its text"
    ]


def test_an_image_the_build_left_out_is_its_warning_not_a_miss(write_source, tmp_path: Path):
    """An SVG CairoSVG cannot draw (a negative dash) is left out of the memo with a warning,
    while the PDF draws it: verify says the build's warning, not a miss, and fails the memo
    once that record is gone."""
    (tmp_path / "odd.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<rect width="5" height="5" stroke="red" stroke-dasharray="-1 2"/></svg>'
    )
    (tmp_path / "fine.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect/></svg>'
    )
    source = write_source(
        "---\ntitle: Left Out\ndate: 2025-03-14\nauthor: Ada Byron\n---\n\nText.\n\n"
        "![An odd drawing](odd.svg)\n\n![A fine drawing](fine.svg)\n\nMore text.\n"
    )
    out = tmp_path / "out"
    assert build([source], out, Settings(project=ROOT), ["pdf", "memo"], jobs=1).ok
    article = read_article(source)
    pdf, memo = verify_article(article, out, ["pdf", "memo"], PUBLISHER)
    assert pdf.ok and pdf.warnings == [], pdf
    assert memo.ok, memo
    [warning] = memo.messages(source)
    assert (warning.line, warning.severity) == (9, "warning")
    assert warning.text.startswith("image 'odd.svg' could not be drawn: CairoSVG cannot draw it")
    (out / ".briefexport-manifest.json").unlink()
    [memo] = verify_article(article, out, ["memo"], PUBLISHER)
    assert memo.problems == ["line 9: image 'An odd drawing' not where the memo has it"]


def test_an_image_without_alt_text_is_described_in_the_pdf_as_the_build_warns(
    write_source, tmp_path: Path
):
    """The PDF describes it by its caption, else its file name (a build warning says so); the
    memo keeps the empty alt text."""

    from briefexport.commands.verify import images_checked
    from briefexport.render.text import image_alt

    Image.new("RGB", (4, 4)).save(tmp_path / "map.png")
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n![](map.png)\n\n"
        '![](map.png "Ports by tonnage")\n'
    )
    article = read_article(source)
    pdf_alts = ["map.png", "Ports by tonnage"]
    assert images_checked(article, pdf_alts, "PDF", {}, image_alt) == ([], [])
    assert images_checked(article, ["", ""], "memo", {}) == ([], [])
    assert images_checked(article, ["", ""], "PDF", {}, image_alt)[0] == [
        "line 7: image 'map.png' missing from the PDF"
    ]
