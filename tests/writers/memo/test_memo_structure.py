"""The memo keeps each block in its context (quotes, list items, notes), shows SVG figures,
carries its fonts and is accessible: read back from the XML, with pandoc and LibreOffice."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.shared import Inches, Pt
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image
from test_memo import WP, W, libreoffice_pdf, nodes, pandoc, render, xml

from briefexport.brand import load_brand
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.wordml.fonts import obfuscate
from briefexport.writers import writer
from briefexport.writers.memo.tables import CHAR_WIDTH, column_widths
from conftest import FIXTURES

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
ASVG = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
HIDDEN_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <glob>{styles}/*</glob>
    <pattern><patelt name="family"><string>PT Serif</string></patelt></pattern>
    <pattern><patelt name="family"><string>PT Sans</string></patelt></pattern>
    <pattern><patelt name="family"><string>PT Mono</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


@pytest.fixture(scope="module")
def nesting_memo(settings: Settings, tmp_path_factory) -> Path:
    article = read_article(FIXTURES / "memo" / "nesting.md")
    return render(article, settings, tmp_path_factory.mktemp("memo") / "n-memo.docx")


def paragraph(document: etree._Element, text: str) -> etree._Element:
    """The one paragraph whose text is ``text``."""
    [found] = [p for p in document.iter(f"{W}p") if "".join(p.itertext()) == text]
    return found


def style(p: etree._Element) -> str:
    return p.find(f"{W}pPr/{W}pStyle").get(f"{W}val")


def indent(p: etree._Element) -> tuple[str | None, str | None]:
    found = p.find(f"{W}pPr/{W}ind")
    return (None, None) if found is None else (found.get(f"{W}left"), found.get(f"{W}hanging"))


# -- context ------------------------------------------------------------------------------------


def test_a_heading_in_a_quote_keeps_its_look_but_not_the_outline(nesting_memo):
    heading = paragraph(xml(nesting_memo, "word/document.xml"), "Quoted heading")
    assert style(heading) == "Heading2"
    assert heading.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val") == "9"
    assert heading.find(f"{W}pPr/{W}pBdr/{W}left") is not None  # the quote's line
    assert indent(heading) == ("540", None)  # the quote's 27 pt


def test_blocks_in_a_quote_stay_in_it(nesting_memo):
    document = xml(nesting_memo, "word/document.xml")
    assert style(paragraph(document, "Quoted text.")) == "Quote"
    item = paragraph(document, "quoted item")
    assert item.find(f"{W}pPr/{W}numPr") is not None
    assert indent(item) == ("900", "360")  # the quote's 27 pt and the list's 18 pt
    assert item.find(f"{W}pPr/{W}pBdr/{W}left") is not None
    [table] = document.iter(f"{W}tbl")
    assert table.find(f"{W}tblPr/{W}tblInd").get(f"{W}w") == "540"


def test_blocks_in_a_list_item_sit_under_it(nesting_memo):
    document = xml(nesting_memo, "word/document.xml")
    first = paragraph(document, "First")
    continued = paragraph(document, "Continued paragraph.")
    code = paragraph(document, "code in item")
    assert first.find(f"{W}pPr/{W}numPr") is not None
    assert style(continued) == "ListContinue" and continued.find(f"{W}pPr/{W}numPr") is None
    assert style(code) == "SourceCode" and indent(code) == ("440", None)  # 18 pt + its inset
    number = first.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    second = paragraph(document, "Second")
    assert second.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val") == number  # one list


def test_the_outline_has_no_skipped_level(nesting_memo):
    tree = pandoc(nesting_memo)
    outline = [
        (h["c"][0], "".join(s["c"] for s in nodes(h["c"][2], "Str")))
        for h in nodes(tree["blocks"], "Header")
    ]
    assert [entry for entry in outline if entry[1] != "Quotedheading"] == [
        (1, "Top"),
        (2, "Skippedlevel"),  # #### under #: one level down, not three
    ]


def test_a_note_keeps_its_code_and_list(nesting_memo):
    footnotes = xml(nesting_memo, "word/footnotes.xml")
    [note] = [n for n in footnotes.iter(f"{W}footnote") if n.get(f"{W}type") is None]
    paragraphs = note.findall(f"{W}p")
    assert [style(p) for p in paragraphs] == ["FootnoteText", "SourceCode", *["FootnoteText"] * 2]
    assert paragraphs[0].find(f".//{W}footnoteRef") is not None
    assert [p.find(f"{W}pPr/{W}numPr") is not None for p in paragraphs] == [0, 0, 1, 1]
    [read] = nodes(pandoc(nesting_memo)["blocks"], "Note")
    # pandoc's reader builds no lists inside notes (its own docx files read back the same way)
    assert [block["t"] for block in read["c"]][:2] == ["Para", "CodeBlock"]


# -- SVG ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def features_memo(settings: Settings, tmp_path_factory) -> Path:
    article = read_article(FIXTURES / "memo" / "features.md")
    return render(article, settings, tmp_path_factory.mktemp("memo") / "f-memo.docx")


def test_svg_is_embedded_as_svg_with_a_print_resolution_png(features_memo):
    document = xml(features_memo, "word/document.xml")
    rels = {
        rel.get("Id"): rel.get("Target")
        for rel in xml(features_memo, "word/_rels/document.xml.rels")
    }
    [svg_blip] = document.iter(f"{ASVG}svgBlip")
    blip = svg_blip.getparent().getparent().getparent()
    inline = next(a for a in blip.iterancestors() if a.tag == f"{WP}inline")
    assert inline.find(f"{WP}docPr").get("descr") == "A vector drawing"
    with zipfile.ZipFile(features_memo) as archive:
        svg = archive.read(f"word/{rels[svg_blip.get(f'{R}embed')]}")
        png = archive.read(f"word/{rels[blip.get(f'{R}embed')]}")
    assert svg == (FIXTURES / "memo" / "drawing.svg").read_bytes()
    extent = inline.find(f"{WP}extent")
    width, height = (int(extent.get(k)) / 914400 for k in ("cx", "cy"))
    assert (round(width * 96), round(height * 96)) == (100, 50)  # its CSS size, as in the PDF
    with Image.open(io.BytesIO(png)) as fallback:
        assert fallback.width >= 200 * width and fallback.height >= 200 * height


def test_every_picture_has_alt_text(features_memo):
    descriptions = [
        d.get("descr") for d in xml(features_memo, "word/document.xml").iter(f"{WP}docPr")
    ]
    assert descriptions and all(descriptions)


# -- fonts --------------------------------------------------------------------------------------


def embedded_fonts(memo: Path) -> dict[tuple[str, str], TTFont]:
    """Each embedded face, de-obfuscated with its key: (family, face) -> font."""
    table = xml(memo, "word/fontTable.xml")
    rels = {rel.get("Id"): rel.get("Target") for rel in xml(memo, "word/_rels/fontTable.xml.rels")}
    fonts = {}
    with zipfile.ZipFile(memo) as archive:
        for font in table.iter(f"{W}font"):
            for embed in font:
                if not embed.tag.startswith(f"{W}embed"):
                    continue
                key = embed.get(f"{W}fontKey").strip("{}").replace("-", "")
                data = archive.read(f"word/{rels[embed.get(f'{R}id')]}")
                mask = bytes.fromhex(key)[::-1]
                plain = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:]
                face = embed.tag.removeprefix(f"{W}embed")
                fonts[(font.get(f"{W}name"), face)] = TTFont(io.BytesIO(plain))
    return fonts


def test_embedded_fonts_open_and_cover_the_text(features_memo, settings):
    fonts = embedded_fonts(features_memo)
    assert {"PT Serif", "PT Sans", "PT Mono"} <= {family for family, _ in fonts}
    assert ("PT Serif", "Italic") in fonts and ("PT Sans", "Bold") in fonts
    shown = set()
    for member in ("word/document.xml", "word/footnotes.xml"):
        shown |= {c for t in xml(features_memo, member).iter(f"{W}t") for c in t.text or ""}
    brand = load_brand(settings.brand_file)
    embedded: set[int] = set()
    for (family, _), font in fonts.items():
        assert font["name"].getDebugName(1) == family
        embedded |= set(font.getBestCmap())
    available: set[int] = set()
    for face in brand.font_files:
        with TTFont(face.path, lazy=True) as full:
            available |= set(full.getBestCmap())
    assert {ord(c) for c in shown} & available <= embedded


def test_obfuscation_is_its_own_inverse():
    data = bytes(range(64))
    key = __import__("uuid").UUID("01234567-89ab-cdef-0123-456789abcdef")
    assert obfuscate(data, key) != data and obfuscate(obfuscate(data, key), key) == data


def test_no_embed_fonts_leaves_them_out(kazakhstan: Article, settings: Settings):
    data = (
        writer("memo")
        .render(kazakhstan, Settings(project=settings.project, embed_fonts=False))
        .data
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not [n for n in archive.namelist() if n.endswith(".odttf")]


def test_the_kazakhstan_memo_stays_small(kazakhstan: Article, settings: Settings):
    assert len(writer("memo").render(kazakhstan, settings).data) < 400_000


@pytest.mark.slow
def test_libreoffice_without_the_brand_fonts_uses_the_embedded_ones(
    features_memo, settings, tmp_path
):
    config = tmp_path / "fonts.conf"
    config.write_text(HIDDEN_FONTS.format(styles=settings.styles))
    environment = {"FONTCONFIG_FILE": str(config)}
    listed = subprocess.run(
        ["fc-list"],
        env={**__import__("os").environ, **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "PT Serif" not in listed and "PT Sans" not in listed
    pdf = libreoffice_pdf(features_memo, tmp_path, environment)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = {line.split()[0].split("+")[-1] for line in fonts.stdout.splitlines()[2:]}
    assert {"PTSerif-Regular", "PTSans-Bold", "PTMono-Regular"} <= names
    assert all(name.startswith(("PTSerif", "PTSans", "PTMono")) for name in names), names
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "[A vector drawing]" not in text  # the figure, not its alt text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(images.stdout.splitlines()[2:]) >= 3  # the chart, the drawing, the photo


# -- the letterhead and the opening ----------------------------------------------------------


def test_the_title_heads_a_body_that_opens_without_a_heading(write_source, settings, tmp_path):
    source = write_source(
        "---\ntitle: Water Policy\ndate: 2024-01-01\nauthor: A\nsummary:\n"
        "  bottom-line: Act now.\n  key-points: [One point.]\n---\n\nThe body opens here.\n"
    )
    path = render(read_article(source), settings, tmp_path / "m.docx")
    document = xml(path, "word/document.xml")
    styles = [style(p) for p in document.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None]
    texts = ["".join(p.itertext()) for p in document.iter(f"{W}p")]
    at = texts.index("The body opens here.")
    assert (styles[at - 1], texts[at - 1]) == ("Heading1", "Water Policy")
    assert [s for s in styles if s.startswith("Heading")] == ["Heading1"] * 3


def svg_source(write_source, href: str) -> Path:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="40" height="20"><image xlink:href="{href}" width="40" height="20"/></svg>'
    )
    write_source(svg, "figure.svg")
    return write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n![A figure](figure.svg)\n"
    )


def test_an_svg_draws_what_the_sandbox_allows(write_source, settings, tmp_path):
    Image.new("RGB", (4, 2), "#A8232B").save(tmp_path / "red.png")
    output = writer("memo").render(read_article(svg_source(write_source, "red.png")), settings)
    assert output.messages == ()
    with zipfile.ZipFile(io.BytesIO(output.data)) as archive:
        [png] = [n for n in archive.namelist() if n.startswith("word/media/image")]
        with Image.open(io.BytesIO(archive.read(png))) as fallback:
            middle = fallback.convert("RGB").getpixel((fallback.width // 2, 10))
            assert all(abs(a - b) <= 2 for a, b in zip(middle, (168, 35, 43), strict=True))


def test_an_svg_referring_outside_the_article_is_left_out(write_source, settings, tmp_path):
    source = svg_source(write_source, "file:///etc/passwd")
    output = writer("memo").render(read_article(source), settings)
    assert [n.line for n in output.messages] == [7]
    assert "refused" in output.messages[0].text
    with zipfile.ZipFile(io.BytesIO(output.data)) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]


def test_header_cells_take_at_most_two_lines_and_numbers_never_break():
    rows = [
        ["Country", "Population (m)", "Withdrawals (km³)", "Per capita (m³)"],
        ["Kyrgyz Republic, a mountain state", "6.7", "7.7", "-1,149.5"],
    ]
    size, padding = 9.5, 4.0
    widths = column_widths(rows, 4, Inches(5), size, padding)
    room = [(width - 2 * Pt(padding)) / Pt(size * CHAR_WIDTH) for width in widths]
    assert room[3] >= len("Per capita") and room[3] >= len("-1,149.5")  # not three lines
    assert room[2] >= len("Withdrawals")
    assert sum(widths) == Inches(5)


def test_lists_deeper_than_words_nine_levels_stay_on_the_last(write_source, settings, tmp_path):
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(10))
    source = write_source(f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n{nested}")
    path = render(read_article(source), settings, tmp_path / "m.docx")
    levels = [int(v.get(f"{W}val")) for v in xml(path, "word/document.xml").iter(f"{W}ilvl")]
    assert levels == [*range(9), 8]


def test_pictures_in_notes_and_body_have_distinct_ids(write_source, settings, tmp_path):
    Image.new("RGB", (4, 2), "#14325C").save(tmp_path / "dot.png")
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n![a](dot.png) and a note.[^1]\n\n"
        "[^1]: ![b](dot.png)\n"
    )
    path = render(read_article(source), settings, tmp_path / "m.docx")
    ids = [
        d.get("id")
        for member in ("word/document.xml", "word/footnotes.xml")
        for d in xml(path, member).iter(f"{WP}docPr")
    ]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_default_styles_are_python_docxs():
    """wordml.styles.default_for, which python-docx asks at every styled paragraph and run,
    answers as python-docx's own: the last flagged style of the type, a flag "0" or "false"
    not counting."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    from briefexport.wordml.styles import UPSTREAM_DEFAULT_FOR, default_for

    styles = Document().styles.element
    for name, flag in (("Heading1", "1"), ("Title", "false"), ("Quote", "0"), ("Caption", "true")):
        styles.get_by_id(name).set(qn("w:default"), flag)
    for kind in WD_STYLE_TYPE:
        assert default_for(styles, kind) is UPSTREAM_DEFAULT_FOR(styles, kind)
    assert default_for(styles, WD_STYLE_TYPE.PARAGRAPH).get(qn("w:styleId")) == "Caption"
