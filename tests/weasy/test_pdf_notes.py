"""Footnotes on the page of their call, in call order, on Letter and A4, brief and press."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from weasyprint import HTML, Document
from weasyprint.layout import LayoutContext

from briefexport.messages import Message
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy import noteareas, notesplit, overrides
from briefexport.weasy.engine import layout, stylesheets
from briefexport.weasy.notes import note_pages
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter
from conftest import ROOT

SENTENCE = (
    "The regional order in Central Asia has shifted markedly over the past decade as external "
    "powers compete for influence, trade routes, energy contracts and security arrangements "
    "with the five republics. "
)


def tall_figure(folder: Path) -> None:
    from PIL import Image

    Image.new("RGB", (600, 900), (120, 160, 200)).save(folder / "tall.png")


def two_notes_and_a_tall_figure(folder: Path) -> Path:
    """Issue 13's case: four long paragraphs, two notes on page 1, a tall figure below."""
    tall_figure(folder)
    para = (SENTENCE * 5).strip()
    path = folder / "figure.md"
    path.write_text(
        "---\ntitle: Notes and a Tall Figure\ndate: 2024-01-01\nauthor: Test Author\n---\n\n"
        f"{para}[^1]\n\n{para}[^2]\n\n"
        '![A tall figure](tall.png "Figure 1. A tall figure.")\n\n'
        f"{para}\n\n{para}\n\n"
        "[^1]: The first note, which explains a source at some length over two lines of text.\n"
        "[^2]: The second note, also explaining a source at some length over two lines.\n",
        encoding="utf-8",
    )
    return path


def notes_everywhere(folder: Path) -> Path:
    """A long article whose notes are called from paragraphs, list items, table cells, quotes
    and headings, some of them long, many in a row, with figures between."""
    tall_figure(folder)
    blocks: list[str] = []
    notes: list[str] = []

    def note(text: str) -> str:
        notes.append(f"[^{len(notes) + 1}]: {text}")
        return f"[^{len(notes)}]"

    for section in range(1, 7):
        blocks.append(f"## Section {section} of the report{note('A note on a heading.')}")
        for index in range(3):
            blocks.append((SENTENCE * (2 + index)).strip() + note("Source, p. 12." * (index + 1)))
        blocks.append(
            "\n".join(
                f"- Item {n}: {SENTENCE.strip()}{note(f'Item note {n}, a citation.')}"
                for n in range(4)
            )
        )
        blocks.append(f"> {SENTENCE * 2}{note('A note from a quote.')}")
        if section % 2:
            blocks.append('![A tall figure](tall.png "Figure. A tall figure.")')
        rows = "\n".join(f"| Row {n}{note(f'Cell note {n}.')} | {n * 7} |" for n in range(3))
        blocks.append(f"| Item | Value |\n|---|---:|\n{rows}")
        long_note = note(("A long note that runs over several lines of the foot. " * 9).strip())
        blocks.append((SENTENCE * 3).strip() + long_note)
    path = folder / "everywhere.md"
    path.write_text(
        "---\ntitle: Notes Everywhere\ndate: 2024-01-01\nauthor: Test Author\n---\n\n"
        + "\n\n".join(blocks)
        + "\n\n"
        + "\n".join(notes)
        + "\n",
        encoding="utf-8",
    )
    return path


ARTICLES = {"figure": two_notes_and_a_tall_figure, "everywhere": notes_everywhere}


def laid_out(article: Article, paper: str, variant: str) -> tuple[Document, tuple[Message, ...]]:
    settings = Settings(project=ROOT, paper=paper)
    pdf = writer(variant)
    assert isinstance(pdf, PdfWriter)
    html = pdf.html(article, settings).html
    laid = layout(html, article, settings, stylesheets(settings, pdf.format.styles))
    return laid.document, laid.messages


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> dict[str, Article]:
    folder = tmp_path_factory.mktemp("notes")
    return {name: read_article(make(folder)) for name, make in ARTICLES.items()}


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["pdf", "press"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name", ARTICLES)
def test_every_note_on_its_call_page_in_call_order(articles, name, paper, variant):
    document, messages = laid_out(articles[name], paper, variant)
    pages = note_pages(document)
    assert len(pages) == articles[name].path.read_text(encoding="utf-8").count("\n[^")
    misplaced = {key: where for key, where in pages.items() if where[0] != where[1]}
    assert misplaced == {}
    order = sorted(pages, key=lambda key: (pages[key][1], int(key[2:])))
    assert order == sorted(pages, key=lambda key: int(key[2:]))
    assert not [m for m in messages if "footnote" in m.text]


@pytest.mark.slow
def test_notes_laid_out_once_each_change_no_byte(articles, monkeypatch):
    """The footnote area laid out note by note (noteareas.laid_out_notes) gives the PDF that
    laying the whole area out again at each note, as upstream does, gives; in linear work."""
    article, settings = articles["everywhere"], Settings(project=ROOT)
    laid: list[int] = []
    lay_out = noteareas.lay_out

    def counted(context: object, area: object, notes: list[object], *args: Any) -> object:
        laid.append(len(notes))
        return lay_out(context, area, notes, *args)

    monkeypatch.setattr(noteareas, "lay_out", counted)
    once, each_once = writer("pdf").render(article, settings).data, sum(laid)
    laid.clear()
    monkeypatch.setattr(noteareas, "unobstructed", lambda context: False)
    assert writer("pdf").render(article, settings).data == once
    assert 3 * each_once < sum(laid)


MARGINS = """<style>@page {{ size: 300px 400px; margin: 20px; @footnote {{ margin-top: 6px }} }}
html {{ font-size: 10px; line-height: 1.2 }} p {{ margin: 0 }}
.n {{ float: footnote; {note} }}</style>
{paragraphs}"""


@pytest.mark.parametrize(
    "note", ["", "margin-top: 3px", "margin-bottom: 2px", "max-height: 20px", "padding: 1px"]
)
def test_notes_laid_out_once_each_place_everything_as_upstream(note, monkeypatch):
    """Where a note has margins (or the area a maximum height), the whole area is laid out
    again, as upstream does; everywhere the pages are the same."""
    words = "a note that runs over a line or two of the foot of the page " * 2
    paragraphs = "".join(
        f'<p>Paragraph {n}<span class="n" id="fn{n}">{n}: {words[: 20 + 9 * n]}</span> and '
        f"{'text ' * (10 + n % 7)}</p>"
        for n in range(40)
    )
    html = MARGINS.format(note=note, paragraphs=paragraphs)

    def pages() -> list[tuple[float, ...]]:
        return [
            tuple(box.position_y for box in page._page_box.descendants())
            for page in HTML(string=html).render().pages
        ]

    fast = pages()
    monkeypatch.setattr(noteareas, "unobstructed", lambda context: False)
    assert pages() == fast


@pytest.mark.parametrize(("note", "reused"), [("", True), ("margin-top: 3px", False)])
def test_each_page_draws_the_notes_laid_out_while_filling_it(note, reused, monkeypatch):
    """make_page lays the footnote area out once more to draw it; noteareas.page_notes gives
    it the area laid out note by note instead, unless the notes have margins."""
    answers: list[bool] = []

    def spied(context: Any, area: Any, positioned: list[Any]) -> Any:
        last = context.__dict__.get("laid_notes")
        box = noteareas.page_notes(context, area, positioned)
        answers.append(last is not None and box is last.box)
        return box

    monkeypatch.setattr(LayoutContext, "page_notes", spied)
    paragraphs = "".join(
        f'<p>Paragraph {n}<span class="n">note {n}</span> {"text " * 30}</p>' for n in range(30)
    )
    pages = HTML(string=MARGINS.format(note=note, paragraphs=paragraphs)).render().pages
    assert len(answers) == len(pages) > 2
    assert set(answers) == {reused}


ROUNDING = """<style>@page { size: A4; margin: 22mm 22mm 24mm;
  @footnote { margin-top: 4mm; padding-top: 2mm; border-top: 0.5pt solid } }
.n { float: footnote; font-size: 8.5pt; line-height: 1.3 }</style>
<p>Text<span class="n" id="fn1">First note.</span> and<span class="n" id="fn2">Second.</span></p>"""

ORPHANS = """<style>@page { size: 100px; margin: 0; @footnote { margin-top: 0 } }
html { font-size: 10px; line-height: 1 } body { margin: 0 }
p { margin: 0; orphans: 2; widows: 2 } .n { float: footnote }</style>
<p>a<span class="n" id="fn1">1</span><br>b<br>c<br>d<br>e<br>f<br>g</p>
<p>h<br>i<br>j<br>k<br>l</p>"""


@pytest.mark.parametrize(
    ("html", "upstream"),
    [
        (ROUNDING, {"fn1": (1, 2), "fn2": (1, 3)}),  # a note that fits "overflows" on A4
        (ORPHANS, {"fn1": (1, 2)}),  # the note leaves to make room for line i
    ],
    ids=["rounding", "orphans"],
)
def test_upstream_weasyprint_defers_notes_that_fit(html, upstream):
    overrides.install(patched=False)
    try:
        assert note_pages(HTML(string=html).render()) == upstream
    finally:
        overrides.install()
    assert note_pages(HTML(string=html).render()) == {key: (1, 1) for key in upstream}


def test_the_patches_apply_to_the_installed_weasyprint():
    """Pins the patches to the source they were written for: a WeasyPrint that changed one of
    these functions fails here, and the patch is then rebased on it or dropped."""
    for patch in overrides.PATCHES:
        assert overrides.PATCHED[patch.name] is not overrides.UPSTREAM[patch.name]
        in_place = getattr(patch.owner, patch.name)
        if in_place is notesplit.make_page:  # the split wraps the patched make_page
            in_place = notesplit.BELOW["make_page"]
        assert in_place is overrides.PATCHED[patch.name]


STRUCTURED = """---
title: Structured notes
date: 2024-01-01
author: Test Author
---

A paragraph with a structured note.[^a] A second one.[^b] Then text.

- A list item with a note.[^c]

[^a]: First paragraph of the note.

    Second paragraph, with a list:

    - item one
    - item two

    ```
    code_in_note = 1
    ```

    > A quote in a note.

[^b]: A note citing another.[^c]
[^c]: The third note.
"""


def test_notes_keep_their_blocks_in_order_and_link_both_ways(write_source, settings):
    import io
    import subprocess

    import pikepdf

    data = writer("pdf").render(read_article(write_source(STRUCTURED)), settings).data
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    note = text[text.index("1. First paragraph") :]
    pieces = ["Second paragraph", "• item one", "• item two", "code_in_note = 1", "A quote"]
    assert [note.index(piece) for piece in pieces] == sorted(note.index(p) for p in pieces)
    assert "2. A note citing another.3" in text and "3. The third note." in text
    pdf = pikepdf.open(io.BytesIO(data))
    targets = [str(a.Dest) for a in pdf.pages[0].Annots if "/Dest" in a]
    assert targets == ["fn1", "fn2", "fn3", "fnref1", "fnref2", "fnref3"]
    names = pdf.Root.Names.Dests.Names
    assert {str(names[i]) for i in range(0, len(names), 2)} >= set(targets)


def test_a_note_cited_inside_a_note_is_numbered_as_in_the_memo(write_source, settings):
    """The memo calls a note first cited inside another right after that one's call
    (test_memo.py); the PDF numbers it the same: 1 and its cited note 2, then the body's 3."""
    import subprocess

    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nBody[^a] and more[^c].\n\n"
        "[^a]: A note citing another[^b].\n[^b]: The other note.\n[^c]: The last note.\n"
    )
    data = writer("pdf").render(read_article(source), settings).data
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Body1 and more3." in text
    lines = [line for line in text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert lines == ["1. A note citing another2.", "2. The other note.", "3. The last note."]
