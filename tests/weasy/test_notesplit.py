"""A footnote too long for the foot of its call's page is split across two pages (issue 13),
rather than taking the call's line, and a hole, to the next page."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox, TextBox

from briefexport.commands.verify import verify_pdf
from briefexport.errors import SourceError
from briefexport.model import Article
from briefexport.readback.pdfua import check_pdfua
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy import notesplit
from briefexport.weasy.engine import layout, write_pdf
from briefexport.weasy.notes import lost_rests, note_pages
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter
from conftest import ROOT
from weasy.test_pdf_notes import SENTENCE, tall_figure, two_notes_and_a_tall_figure

WORDS = 250  # "w000" to "w249": some 13 lines of note, called near the foot of page 1
PUBLISHER = "American Foreign Policy Council"


@pytest.fixture(scope="module")
def long_note(tmp_path_factory: pytest.TempPathFactory) -> Article:
    """Two paragraphs, then one whose first line calls a note of :data:`WORDS` words."""
    para = (SENTENCE * 5).strip()
    at = para.index(" ", 100)
    note = " ".join(f"w{i:03d}" for i in range(WORDS))
    path = tmp_path_factory.mktemp("notesplit") / "long-note.md"
    path.write_text(
        "---\ntitle: A Long Note\ndate: 2024-01-01\nauthor: Test Author\n---\n\n"
        f"{para}\n\n{para}\n\n{para[:at]}[^1]{para[at:]}\n\n{para}\n\n{para}\n\n"
        f"[^1]: {note}\n",
        encoding="utf-8",
    )
    return read_article(path)


def laid_out(article: Article, paper: str) -> tuple[object, bytes]:
    settings = Settings(project=ROOT, paper=paper)
    pdf = PdfWriter()
    html = pdf.html(article, settings).html
    document = layout(html, article, settings, pdf.sheets(article, settings)).document
    return document, write_pdf(document, article, pdf.variant)


def page_text(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def page_words(path: Path, page: int) -> list[int]:
    return [int(word) for word in re.findall(r"\bw(\d{3})\b", page_text(path, page))]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_long_note_splits_across_the_foot_of_two_pages(long_note, paper, tmp_path):
    notesplit.install(patched=False)
    try:
        upstream = note_pages(laid_out(long_note, paper)[0])
    finally:
        notesplit.install()
    assert upstream == {"fn1": (2, 2)}  # WeasyPrint takes the call's line overleaf
    document, data = laid_out(long_note, paper)
    assert note_pages(document) == {"fn1": (1, 1)}  # the note starts on its call's page
    area = next(c for c in document.pages[1]._page_box.children if isinstance(c, FootnoteAreaBox))
    assert area.children[0].element_tag == notesplit.CONTINUED  # leading page 2's notes
    path = tmp_path / "long-note.pdf"
    path.write_bytes(data)
    head, tail = page_words(path, 1), page_words(path, 2)
    assert head + tail == list(range(WORDS))
    assert len(head) >= 2 * 8 and len(tail) >= 2 * 8  # two lines or more on each page
    assert [str(failure) for failure in check_pdfua(data)] == []
    finding = verify_pdf(long_note, path, PUBLISHER)
    assert (finding.missing, finding.problems) == ([], [])


def test_the_split_note_is_one_note_in_the_tags(long_note):
    data = laid_out(long_note, "letter")[1]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
        kinds, notes = [], []
        pending = [pdf.Root.StructTreeRoot]
        while pending:
            element = pending.pop()
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    kinds.append(str(kid.S))
                    notes += [kid] if kid.S == "/Note" else []
                    pending.append(kid)
    assert "/NoteContinued" not in kinds
    [note] = notes

    def on(element: pikepdf.Dictionary) -> set[int]:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        below = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]
        own = {pages[element.Pg.objgen]} if "/Pg" in element else set()
        return own.union(*(on(kid) for kid in below))

    assert on(note) == {1, 2}


def test_no_byte_changes_where_no_note_splits(tmp_path):
    """Where every note fits under its call, the PDF is the one upstream's layout gives."""
    article, settings = read_article(two_notes_and_a_tall_figure(tmp_path)), Settings(project=ROOT)
    split = writer("pdf").render(article, settings).data
    notesplit.install(patched=False)
    try:
        assert writer("pdf").render(article, settings).data == split
    finally:
        notesplit.install()


NOTE = "Internationalization considerations notwithstanding, " * 8
HYPHENATED = f"""<html lang="en"><style>
@page {{ size: 170px 300px; margin: 10px; @footnote {{ margin-top: 4px }} }}
html {{ font-size: 10px; line-height: 1.2 }} p {{ margin: 0; orphans: 2; widows: 2 }}
.n {{ float: footnote; hyphens: auto }}</style>
<p>{"Body text that fills the page. " * 30}call<span class="n" id="fn1">{NOTE}</span>
and more {"body text after the call. " * 30}</p></html>"""


def note_lines(page: Any) -> list[str]:
    """The lines of the notes at the foot of a laid-out page, as drawn."""
    areas = [c for c in page._page_box.children if isinstance(c, FootnoteAreaBox)]
    return [
        "".join(t.text for t in line.descendants() if isinstance(t, TextBox))
        for area in areas
        for line in area.descendants()
        if isinstance(line, LineBox)
    ]


def test_a_note_split_inside_a_hyphenated_word_keeps_its_hyphen_and_its_text():
    """The head's last line ends as it was laid out, with the hyphen of the word broken
    there; the tail goes on with the rest of that word, and no letter is lost or doubled."""
    document = HTML(string=HYPHENATED).render()
    assert note_pages(document) == {"fn1": (2, 2)}
    head, tail = note_lines(document.pages[1]), note_lines(document.pages[2])
    assert len(head) >= 2 and len(tail) >= 2
    assert head[-1].endswith("\u2010") and not tail[0].startswith(" ")
    text = "".join(line[:-1] if line.endswith("\u2010") else line + " " for line in head + tail)
    assert text.split() == ["1.", *NOTE.split()]


def test_a_note_split_on_the_last_page_keeps_its_rest_on_a_page_of_its_own(write_source):
    """The rest of a note split under the document's last line gets a page of notes: with the
    split wrapping the wrong ``make_page``, the rest was dropped and the build said built."""
    body = " ".join(f"Body{i:04d} text of the paragraph here." for i in range(370))
    note = " ".join(f"Note{i:04d} of a long footnote." for i in range(160))
    source = write_source(
        f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n{body} Last.[^1]\n\n[^1]: {note}\n"
    )
    data = writer("pdf").render(read_article(source), Settings(project=ROOT)).data
    path = source.with_suffix(".pdf")
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert [f"Note{i:04d}" for i in range(160)] == re.findall(r"\bNote\d{4}\b", text)


def test_a_caption_alone_at_a_pages_end_is_not_read_back_as_the_rest_of_a_note(tmp_path):
    """A figure ending the document alone on page 2, after a page with a note: its caption,
    set in the notes' size below a gap, is the last text of the page but not at the foot,
    where the rest of a split note would be; verify read it as one and said it was missing."""
    tall_figure(tmp_path)
    body = " ".join(f"b{i:05d}" for i in range(200))
    note = " ".join(f"n01x{i:03d}" for i in range(30))
    source = tmp_path / "caption.md"
    source.write_text(
        f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n{body}[^1]\n\n"
        f'![alt](tall.png "b00200 b00201 b00202")\n\n[^1]: {note}\n',
        encoding="utf-8",
    )
    article = read_article(source)
    path = source.with_suffix(".pdf")
    path.write_bytes(writer("pdf").render(article, Settings(project=ROOT)).data)
    assert "b00200 b00201 b00202" in page_text(path, 2)
    finding = verify_pdf(article, path, PUBLISHER)
    assert (finding.missing, finding.problems) == ([], [])


def test_a_note_called_after_a_split_note_comes_after_its_rest(write_source):
    """Two calls on one line, the first of a note split at the foot of the page: the second
    note went below the first's head, between its halves; it goes overleaf with its line,
    after the rest, as after a note WeasyPrint reports to the next page."""
    words = [f"b{i:05d}" for i in range(145)]
    words[79] += "[^1]"
    words[84] += "[^2]"
    notes = {
        n: " ".join(f"n{n:02d}x{i:03d}" for i in range(size)) for n, size in [(1, 600), (2, 10)]
    }
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n"
        f"{' '.join(words[:60])}\n\n{' '.join(words[60:85])}\n\n{' '.join(words[85:])}\n\n"
        f"[^1]: {notes[1]}\n\n[^2]: {notes[2]}\n"
    )
    article = read_article(source)
    path = source.with_suffix(".pdf")
    path.write_bytes(writer("pdf").render(article, Settings(project=ROOT)).data)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    assert re.findall(r"n\d\dx\d{3}", text) == notes[1].split() + notes[2].split()
    finding = verify_pdf(article, path, PUBLISHER)
    assert (finding.missing, finding.problems) == ([], [])


def test_a_split_note_whose_rest_is_lost_stops_the_build(long_note, monkeypatch):
    """Were the rest of a split note dropped between pages (as when the split wrapped the
    wrong ``make_page``), the build stops at the note's line instead of saying built."""
    document = laid_out(long_note, "letter")[0]
    heads = [
        note
        for page in document.pages
        for area in page._page_box.children
        if isinstance(area, FootnoteAreaBox)
        for note in area.children
        if getattr(note, "rest_follows", False)
    ]
    assert len(heads) == 1 and lost_rests(document) == set()
    monkeypatch.setattr(notesplit.page, "make_page", notesplit.BELOW["make_page"])
    with pytest.raises(SourceError, match="footnote 1 does not fit"):
        laid_out(long_note, "letter")


def test_a_note_split_on_the_last_page_keeps_its_rest_when_the_contents_change(write_source):
    """With a contents page, WeasyPrint lays out the document again and skips the pages it
    deems up to date, with the notes they report: the rest of a note split on the last page
    was lost (the build stopped), unless that page and the next are made again."""
    sentence = "text of the paragraph here."
    sections = "".join(
        f"## Section {s}\n\n" + " ".join(f"Body{s}{i:03d} {sentence}" for i in range(200)) + "\n\n"
        for s in range(4)
    )
    body = " ".join(f"Body{i:04d} {sentence}" for i in range(100))
    note = " ".join(f"Note{i:04d} of a long footnote." for i in range(160))
    source = write_source(
        f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n{sections}{body} Last.[^1]\n\n"
        f"[^1]: {note}\n"
    )
    path = source.with_suffix(".pdf")
    path.write_bytes(writer("pdf").render(read_article(source), Settings(project=ROOT)).data)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    assert "Contents" in text
    assert re.findall(r"\bNote\d{4}\b", text) == [f"Note{i:04d}" for i in range(160)]


def test_the_rest_of_a_note_on_a_landscape_page_is_read_back_as_the_notes(write_source):
    """A note split above a table wide enough for a landscape page: its rest sits at the foot
    of that page, higher than a portrait page's foot, and verify still reads it as the note."""
    words = iter(f"b{i:05d}" for i in range(1000))

    def text(count: int) -> str:
        return " ".join(next(words) for _ in range(count))

    rows = "\n".join(f"| {' | '.join(text(1) for _ in range(9))} |" for _ in range(13))
    table = rows.replace("\n", "\n|" + "---|" * 9 + "\n", 1)
    note = " ".join(f"n01x{i:03d}" for i in range(300))
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n"
        f"{text(150)}\n\n{text(40)}[^1]\n\n{table}\n\n{text(300)}\n\n[^1]: {note}\n"
    )
    article = read_article(source)
    path = source.with_suffix(".pdf")
    path.write_bytes(writer("pdf").render(article, Settings(project=ROOT, paper="a4")).data)
    assert "n01x299" in page_text(path, 2)
    finding = verify_pdf(article, path, PUBLISHER)
    assert (finding.missing, finding.problems) == ([], [])


def test_a_page_that_reports_a_note_is_made_again_with_the_next(monkeypatch):
    """A repagination skips the pages WeasyPrint deems up to date, and the notes they report
    with them: a page that reports a note (here a whole one, as upstream does) is made again
    on each, and so is the next page, which takes the note (a forced remake of the next page
    alone dropped a note reported from the page before it: "does not fit", build stopped)."""

    def below(context: Any, *args: Any) -> str:
        context.reported_footnotes.append("a note")
        return "page 2"

    flags = [{"pages_wanted": False, "content_changed": False} for _ in range(3)]
    context = SimpleNamespace(reported_footnotes=[], page_maker=[(None, flag) for flag in flags])
    monkeypatch.setitem(notesplit.BELOW, "make_page", below)
    assert notesplit.make_page(context, "root", "page type", None, 2, "page state") == "page 2"
    assert context.reported_footnotes == ["a note"]
    assert [(flag["pages_wanted"], flag["content_changed"]) for flag in flags] == [
        (False, False),
        (True, False),
        (False, True),
    ]
