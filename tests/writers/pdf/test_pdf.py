"""The print-ready PDF, read back with pypdf and poppler (readers this project did not write)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefexport.commands.pdfpage import classify, read_pages
from briefexport.commands.verify import letters, missing_in_order, source_blocks
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter
from conftest import KAZAKHSTAN, ROOT, rendered


@pytest.fixture(scope="module")
def kazakhstan_pdf(kazakhstan: Article, settings: Settings, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "k.pdf"
    path.write_bytes(writer("pdf").render(kazakhstan, settings).data)
    return path


def pdftotext(path: Path, *options: str) -> str:
    """Poppler's text of a PDF; ``options`` such as ``-f 2 -l 2`` (page 2) or ``-layout``."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_every_block_of_the_source_is_in_the_pdf_in_order(kazakhstan, kazakhstan_pdf):
    body, _ = source_blocks(kazakhstan)
    pages = read_pages(kazakhstan_pdf)
    head = [kazakhstan.running_title, "American Foreign Policy Council"]
    furniture = [
        [*(head if n > 1 else []), f"Page {n} of {len(pages)}"] for n in range(1, len(pages) + 1)
    ]
    classify(pages, furniture)
    text = "".join(page.text("body") for page in pages)  # paragraphs read on across pages
    assert len(body) == 11
    assert missing_in_order(body, text) == []
    for field in (
        kazakhstan.title,
        kazakhstan.authors[0].bio,
        kazakhstan.copyright,
        kazakhstan.authors[0].role,
        "Originally published in The National Interest",
    ):
        assert letters(field) in text


def test_metadata(kazakhstan, kazakhstan_pdf):
    reader = PdfReader(kazakhstan_pdf)
    meta = reader.metadata
    assert meta.title == kazakhstan.title
    assert meta.author == "Svante E. Cornell"
    assert meta.subject == kazakhstan.summary.plain().bottom_line
    assert "Central Asia" in meta["/Keywords"] and "Tokayev" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20220124")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_tagged_pdf_ua_with_embedded_fonts(kazakhstan_pdf):
    reader = PdfReader(kazakhstan_pdf)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_data()
    fonts = subprocess.run(
        ["pdffonts", str(kazakhstan_pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)
    assert not any("DejaVu" in line for line in fonts), "a glyph fell back to a system font"


def test_bookmarks_follow_headings(kazakhstan_pdf):
    outline = PdfReader(kazakhstan_pdf).outline
    assert outline[0]["/Title"] == "Kazakhstan’s Crisis Calls for a Central Asia Policy Reboot"
    assert [item["/Title"] for item in outline[1]] == [
        "The Russia Factor",
        "American and European Policies",
        "About the author",
    ]


def test_running_head_and_page_footer(kazakhstan_pdf):
    pages = [page.extract_text() for page in PdfReader(kazakhstan_pdf).pages]
    assert len(pages) == 3  # the key-takeaways box on page 1 moves the end matter to page 3
    assert all(f"Page {n} of 3" in page for n, page in enumerate(pages, 1))
    assert "Kazakhstan’s Crisis and Central Asia Policy" not in pages[0]
    assert "Kazakhstan’s Crisis and Central Asia Policy" in pages[1]


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper(kazakhstan, paper, size):
    data = writer("pdf").render(kazakhstan, Settings(project=ROOT, paper=paper)).data
    box = PdfReader(__import__("io").BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_press_variant_has_bleed_and_is_pdf_x(kazakhstan, settings, tmp_path: Path):
    data = writer("press").render(kazakhstan, settings).data
    page = PdfReader(__import__("io").BytesIO(data)).pages[0]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    three_mm = 3 / 25.4 * 72
    assert (float(trim.width), float(trim.height)) == pytest.approx((612, 792), abs=0.5)
    assert float(trim.left) - float(bleed.left) >= three_mm
    assert float(bleed.left) - float(media.left) >= three_mm  # room for marks outside the bleed
    assert b"GTS_PDFX" in data
    marks = crop_mark_pixels(data, tmp_path)
    sheet_to_trim = round(float(trim.left) - float(media.left))
    sheet_to_bleed = round(float(bleed.left) - float(media.left))
    assert marks, "no crop marks"
    on_trim = [abs(x - sheet_to_trim) <= 1 or abs(y - sheet_to_trim) <= 1 for x, y in marks]
    assert all(on_trim)  # the marks continue the trim lines
    assert max(min(x, y) for x, y in marks) < sheet_to_bleed  # and never inside the bleed


def crop_mark_pixels(pdf: bytes, folder: Path) -> list[tuple[int, int]]:
    """Dark pixels in the top-left corner of page 1, in points from the sheet's corner."""
    from PIL import Image

    (folder / "press.pdf").write_bytes(pdf)
    command = ["pdftoppm", "-gray", "-r", "72", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*command, str(folder / "press.pdf"), str(folder / "p")], check=True)
    with Image.open(folder / "p.pgm") as image:
        corner = image.crop((0, 0, 40, 40)).load()
        return [(x, y) for x in range(40) for y in range(40) if corner[x, y] < 200]


def test_golden_html(kazakhstan, settings, file_regression):
    html = PdfWriter().html(kazakhstan, settings).html
    file_regression.check(html, extension=".html")


FEATURES = """---
title: Features
date: 2024-01-01
author: [Ann Author, Bob Writer]
lang: en
---

# Top heading

Text with a note[^a] and *emphasis*, a [safe link](https://example.org) and a
[bad link](javascript:alert(1)) and a [file link](file:///etc/passwd).

1. one
   - nested bullet
2. two

> A quoted passage.

| Left | Right |
|:-----|------:|
| a    | 1     |

<script>alert(1)</script>

{{ 7*7 }}

[^a]: The note text.
"""


def test_features_and_hostile_bits(write_source, settings):
    article = read_article(write_source(FEATURES))
    html = PdfWriter().html(article, settings).html
    assert '<a href="https://example.org">safe link</a>' in html
    assert "javascript:" not in html and "file:///etc" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html
    assert (
        '<aside class="footnote" id="fn1" data-line="27">\n<p><a class="note-number" '
        'href="#fnref1">1</a>. The note text.' in html
    )
    assert '<h2 id="top-heading" data-bookmark="Top heading">' in html
    data = writer("pdf").render(article, settings).data
    text = letters(
        subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    )
    body, notes = source_blocks(article)
    assert missing_in_order(body, text) == []
    assert missing_in_order(notes, text) == []


STRUCTURE = """---
title: Structure
date: 2024-01-01
author: A. Writer
---

## Background[^h]

- Level one
    - Level two
        - Level three

7. Seventh point.
8. Eighth point.

[Second background](#background-1).

| Item | 2023 | 2024 | 2025 | 2026 | 2027 | 2028 | Budget | Notes on the programme |
|:--|--:|--:|--:|--:|--:|--:|--:|:--|
| Patrol vehicles | 12 | 14 | 16 | 18 | 20 | 22 | $1,900,000 | Procured in tranches |

## Background

Again.

[^h]: A note called from a heading.
"""


@pytest.fixture(scope="module")
def structure_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("structure")
    (folder / "structure.md").write_text(STRUCTURE, encoding="utf-8")
    article = read_article(folder / "structure.md")
    path = folder / "structure.pdf"
    path.write_bytes(writer("pdf").render(article, Settings(project=ROOT)).data)
    return path


def test_lists_keep_their_start_and_their_markers_come_from_the_brand_fonts(structure_pdf):
    text = pdftotext(structure_pdf)
    assert "7. Seventh point." in text and "8. Eighth point." in text
    assert "• Level one" in text and "– Level two" in text and "› Level three" in text
    fonts = subprocess.run(["pdffonts", str(structure_pdf)], capture_output=True, text=True)
    assert all(
        line.split()[0].split("+")[-1].startswith("PT") for line in fonts.stdout.splitlines()[2:]
    )


def test_a_note_called_from_a_heading_stays_out_of_its_bookmark(structure_pdf):
    reader = PdfReader(structure_pdf)
    [title, sections] = reader.outline
    assert title.title == "Structure"
    assert [item.title for item in sections] == ["Background", "Background"]


def test_duplicate_headings_are_numbered_as_pandoc_numbers_them(structure_pdf):
    reader = PdfReader(structure_pdf)
    assert set(reader.named_destinations) >= {"background", "background-1"}


def test_wide_table_columns_fit_their_figures(structure_pdf):
    text = pdftotext(structure_pdf)
    assert "$1,900,000" in text and "Patrol vehicles" in text


def test_characters_the_brand_fonts_lack_are_named_at_their_line(write_source, settings):
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nҚазақ тілі «ok».\n\n"
        "Prices in ₸ and the ratio α → β.\n"
    )
    [notice] = pdf_warnings(source, settings, "brand fonts")
    assert notice.line == 9
    assert notice.text.startswith("₸ (U+20B8) α (U+03B1) → (U+2192) β (U+03B2) not in")


def test_the_kazakhstan_article_needs_no_fallback_font(settings):
    assert pdf_warnings(KAZAKHSTAN, settings, "brand fonts") == []


def pdf_warnings(source: Path, settings: Settings, about: str) -> list[Message]:
    """The PDF writer's warnings on a source that mention ``about``."""
    messages = writer("pdf").render(read_article(source), settings).messages
    return [message for message in messages if about in message.text]


def test_a_line_breaks_at_a_space_before_a_link_not_inside_its_first_word(settings, tmp_path):
    """With overflow-wrap: break-word, WeasyPrint broke "the UN portal" (a link) as "th" / "e UN
    portal" where the line before it was full; this footnote-heavy article showed it."""
    article = read_article(ROOT / "tests" / "articles" / "sanctions-footnotes.md")
    path = tmp_path / "notes.pdf"
    path.write_bytes(writer("pdf").render(article, settings).data)
    text = " ".join(pdftotext(path).split())
    assert text.count("the discussion at the UN portal for caveats") == 7


def test_a_link_to_a_missing_anchor_is_reported_at_its_line(write_source, settings):
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n## Background\n\nText.\n\n"
        "See [the other part](#nowhere).\n"
    )
    [notice] = pdf_warnings(source, settings, "no such heading")
    assert (notice.line, notice.text) == (11, "link to '#nowhere': no such heading")
    from briefexport.commands.check import check_source

    [finding] = check_source(source, settings)[1:]  # after the missing summary's warning
    assert (finding.line, finding.severity, finding.text) == (11, "warning", notice.text)


@pytest.mark.parametrize("title", ["A long report", "Code: Version 2.0, Chapter Seven"])
def test_the_running_head_keeps_a_short_title_on_one_line(title, write_source, settings):
    """The head reaches into the side column by shifting, not by a negative margin, which
    WeasyPrint counted against the title's share of the top margin (a word a line)."""
    words = " ".join(["Words of a paragraph that runs on."] * 160)
    source = write_source(f"---\ntitle: '{title}'\ndate: 2024-01-01\nauthor: A\n---\n\n{words}\n")
    path = rendered("pdf", source, source.parent, settings)
    head = pdftotext(path, "-f", "2", "-l", "2", "-layout").splitlines()[0]
    assert head.split("  ")[0] == title
    assert head.split()[-1] == "COUNCIL"


def test_a_tables_caption_goes_overleaf_with_its_table(write_source, settings):
    """A short table that does not fit at the foot of page 1 takes its caption with it (the
    caption stayed alone at the foot, its table overleaf: WeasyPrint breaks inside a table's
    wrapper, between the caption and the table, unless told not to)."""
    filler = " ".join(["A sentence of the body that fills the page."] * 44)
    rows = "\n".join(f"| Row {i} | {i} |" for i in range(5))
    source = write_source(
        f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n{filler}\n\n"
        f"| Item | Value |\n|---|---|\n{rows}\n\nTable: Totals by row\n\n## Next\n\n{filler}\n"
    )
    path = rendered("pdf", source, source.parent, settings)
    pages = [pdftotext(path, "-f", str(n), "-l", str(n)) for n in (1, 2)]
    assert "Row 0" in pages[1]  # the table is overleaf: the case this test is about
    assert "Totals by row" in pages[1] and "Totals by row" not in pages[0]
