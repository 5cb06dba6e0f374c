"""The Word memo, read back with pandoc, LibreOffice and raw XML (readers this project did not
write), on the Kazakhstan article, a feature fixture and a Cyrillic article."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pypandoc
import pytest
from docx.shared import Inches, Mm, RGBColor
from lxml import etree

from briefexport.commands.memoread import verify_memo
from briefexport.commands.verify import (
    Block,
    letters,
    missing_in_order,
    source_blocks,
)
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import writer
from briefexport.writers.memo.writer import write_reference_docx
from conftest import FIXTURES, KAZAKHSTAN, ROOT

MEMO_FIXTURES = FIXTURES / "memo"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def render(article: Article, settings: Settings, path: Path) -> Path:
    output = writer("memo").render(article, settings)
    path.write_bytes(output.data)
    return path


@pytest.fixture(scope="module")
def kazakhstan_memo(kazakhstan: Article, settings: Settings, tmp_path_factory) -> Path:
    return render(kazakhstan, settings, tmp_path_factory.mktemp("memo") / "k-memo.docx")


@pytest.fixture(scope="module")
def features() -> Article:
    return read_article(MEMO_FIXTURES / "features.md")


@pytest.fixture(scope="module")
def features_memo(features: Article, settings: Settings, tmp_path_factory) -> Path:
    return render(features, settings, tmp_path_factory.mktemp("memo") / "f-memo.docx")


@pytest.fixture(scope="module")
def cyrillic() -> Article:
    return read_article(MEMO_FIXTURES / "cyrillic.md")


@pytest.fixture(scope="module")
def cyrillic_memo(cyrillic: Article, settings: Settings, tmp_path_factory) -> Path:
    return render(cyrillic, settings, tmp_path_factory.mktemp("memo") / "c-memo.docx")


# -- reading back -----------------------------------------------------------------------------


def pandoc(path: Path) -> dict[str, Any]:
    return json.loads(pypandoc.convert_file(str(path), "json", format="docx"))


def pandoc_text(path: Path) -> str:
    """The letters of everything pandoc read, notes at their calls, captions included."""
    return letters(text(pandoc(path)["blocks"]))


def nodes(tree: Any, kind: str) -> Iterator[Any]:
    """Every pandoc AST element of type ``kind``, in document order."""
    if isinstance(tree, dict):
        if tree.get("t") == kind:
            yield tree
        yield from nodes(tree.get("c", tree.get("blocks", [])), kind)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item, kind)


def text(tree: Any) -> str:
    """The words of a pandoc AST fragment."""
    if isinstance(tree, list):
        return "".join(map(text, tree))
    if isinstance(tree, dict):
        if tree.get("t") == "Str":
            return tree["c"]
        if tree.get("t") in ("Code", "CodeBlock"):
            return tree["c"][1]
        if tree.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        return text(tree.get("c", []))
    return ""


def headings(tree: dict[str, Any]) -> list[tuple[int, str]]:
    return [(h["c"][0], text(h["c"][2])) for h in nodes(tree, "Header")]


def xml(path: Path, member: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(member))


def part_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def libreoffice_pdf(path: Path, folder: Path, environment: dict[str, str] | None = None) -> Path:
    """Convert with LibreOffice in a private profile (and ``environment``); the PDF's path."""
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(environment or {})},
    )
    pdf = folder / f"{path.stem}.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    return pdf


# -- the Kazakhstan memo ----------------------------------------------------------------------


def test_kazakhstan_reads_back_through_pandoc(kazakhstan, kazakhstan_memo):
    tree = pandoc(kazakhstan_memo)
    assert headings(tree) == [
        (1, "Bottom line"),
        (1, "Key points"),
        (1, "The Russia Factor"),
        (1, "American and European Policies"),
        (1, "Recommendations"),
        (1, "About the author"),
    ]
    [key_points] = nodes(tree, "BulletList")
    [recommendations] = nodes(tree, "OrderedList")
    assert [text(item) for item in key_points["c"]] == list(kazakhstan.summary.plain().key_points)
    assert recommendations["c"][0][0] == 1
    assert [text(item) for item in recommendations["c"][1]] == list(
        kazakhstan.summary.plain().recommendations
    )
    body, _ = source_blocks(kazakhstan)
    summary = kazakhstan.summary.plain()
    head = [Block("subject", kazakhstan.title), Block("bottom line", summary.bottom_line)]
    head += [Block("key point", point) for point in summary.key_points]
    tail = [Block("recommendation", item) for item in summary.recommendations]
    tail += [Block("bio", kazakhstan.authors[0].bio), Block("copyright", kazakhstan.copyright)]
    assert missing_in_order([*head, *body, *tail], pandoc_text(kazakhstan_memo)) == []


def test_kazakhstan_passes_the_projects_own_verification(kazakhstan, kazakhstan_memo):
    finding = verify_memo(kazakhstan, kazakhstan_memo, kazakhstan.publisher)
    assert finding.ok, (finding.missing, finding.problems)


def structure(path: Path) -> dict[str, Any]:
    """Each paragraph as [style, text], header and footer included: the memo's golden shape."""
    document = docx.Document(str(path))
    section = document.sections[0]
    return {
        "first page header": [p.text for p in section.first_page_header.paragraphs],
        "header": [p.text for p in section.header.paragraphs],
        "footer": [p.text for p in section.footer.paragraphs],
        "body": [[p.style.name, p.text] for p in document.paragraphs],
    }


def test_golden_structure(kazakhstan_memo, data_regression):
    data_regression.check(structure(kazakhstan_memo))


def test_two_renders_are_byte_identical(kazakhstan, settings):
    first = writer("memo").render(kazakhstan, settings).data
    assert writer("memo").render(kazakhstan, settings).data == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]
        assert {info.date_time for info in archive.infolist()} == {(2022, 1, 24, 0, 0, 0)}


def test_core_properties(kazakhstan, kazakhstan_memo):
    core = docx.Document(str(kazakhstan_memo)).core_properties
    assert core.title == "Kazakhstan’s Crisis Calls for a Central Asia Policy Reboot"
    assert core.author == "Svante E. Cornell"
    assert core.subject == core.title
    assert "Tokayev" in core.keywords and "Central Asia" in core.category
    assert core.language == "en-US"
    assert core.created == core.modified == kazakhstan.created
    assert "python-docx" not in (core.comments + core.author + core.last_modified_by)
    app = xml(kazakhstan_memo, "docProps/app.xml")
    assert app.findtext("{*}Company") == "American Foreign Policy Council"


def test_no_notices_for_a_clean_source(kazakhstan, settings):
    assert writer("memo").render(kazakhstan, settings).messages == ()


def test_page_furniture(kazakhstan_memo):
    section = docx.Document(str(kazakhstan_memo)).sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.first_page_header.paragraphs] == [""]
    assert [p.text for p in section.header.paragraphs] == [
        "Kazakhstan’s Crisis and Central Asia Policy"
    ]
    for footer in (section.footer, section.first_page_footer):
        codes = [c.text.strip() for c in footer._element.iter(f"{W}instrText")]
        assert codes == ["PAGE", "NUMPAGES"]
        assert footer.paragraphs[0].style.name == "Footer"
    settings_xml = xml(kazakhstan_memo, "word/settings.xml")
    assert settings_xml.find(f"{W}updateFields") is None  # Word would ask on every open


@pytest.mark.parametrize(
    ("paper", "size"), [("letter", (Inches(8.5), Inches(11))), ("a4", (Mm(210), Mm(297)))]
)
def test_paper(kazakhstan, paper, size, tmp_path):
    path = render(kazakhstan, Settings(project=ROOT, paper=paper), tmp_path / "m.docx")
    section = docx.Document(str(path)).sections[0]
    twip = 635
    assert abs(section.page_width - size[0]) < twip
    assert abs(section.page_height - size[1]) < twip


def test_memo_writer_does_not_import_weasyprint():
    code = "import sys, briefexport.writers.memo.writer; print('weasyprint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


# -- the feature fixture ----------------------------------------------------------------------


def test_features_read_back_through_pandoc(features, features_memo):
    tree = pandoc(features_memo)
    assert headings(tree) == [
        (1, "Bottom line"),
        (1, "Key points"),
        (1, "Overview"),
        (1, "Details"),
        (1, "Recommendations"),
        (1, "About the authors"),
    ]
    ordered = list(nodes(tree, "OrderedList"))
    starts = [(o["c"][0][0], o["c"][0][1]["t"], len(o["c"][1])) for o in ordered]
    assert starts == [
        (1, "Decimal", 3),
        (1, "Decimal", 2),  # as in the PDF: decimal at every depth
        (1, "Decimal", 2),
        (5, "Decimal", 2),
        (1, "Decimal", 2),
    ]
    steps = ordered[0]["c"][1]
    assert [b["t"] for b in steps[0]] == ["Para", "BulletList"]
    assert [b["t"] for b in steps[1]] == ["Para", "OrderedList"]
    [table] = nodes(tree, "Table")
    _, _, _, head, bodies, _ = table["c"]
    rows = [*head[1], *(row for body in bodies for row in body[3])]
    assert [[text(cell[4]) for cell in row[1]] for row in rows] == [
        ["Country", "Share"],
        ["Kazakhstan", "41"],
        ["Uzbekistan", "35"],
    ]
    assert len(head[1]) == 1  # the header row is the table's head
    notes = [text(note) for note in nodes(tree, "Note")]
    assert notes == [
        "The first note, with a link.",
        "The second note.Its second paragraph.",
    ]
    links = sorted(link["c"][2][0] for link in nodes(tree, "Link"))
    assert links == ["#details", "https://example.com/note", "https://example.org"]
    dump = json.dumps(tree)
    assert "javascript:" not in dump and "file:///etc" not in dump
    images = [text(image["c"][1]) for image in nodes(tree, "Image")]
    assert images == ["A bar chart of shares", "A vector drawing", "A small photo"]
    captions = [text(figure["c"][1]) for figure in nodes(tree, "Figure")]
    assert captions[0] == "Figure 1: Shares by country"
    body, footnotes = source_blocks(features)
    haystack = pandoc_text(features_memo)
    assert missing_in_order(body, haystack) == []
    assert missing_in_order(footnotes, haystack) == []


def test_features_word_native_structure(features_memo):
    document = xml(features_memo, "word/document.xml")
    footnotes = xml(features_memo, "word/footnotes.xml")
    notes = [n for n in footnotes.iter(f"{W}footnote") if n.get(f"{W}type") is None]
    paragraphs = [*document.iter(f"{W}p"), *(p for n in notes for p in n.iter(f"{W}p"))]
    assert all(p.find(f"{W}pPr/{W}pStyle") is not None for p in paragraphs)
    direct = {
        child.tag.removeprefix(W)
        for part in (document, footnotes)
        for properties in part.iter(f"{W}rPr")
        if properties.getparent().tag == f"{W}r"
        for child in properties
    }
    assert direct <= {"rStyle", "b", "i"}
    assert [r.get(f"{W}id") for r in document.iter(f"{W}footnoteReference")] == ["1", "2"]
    assert [n.get(f"{W}id") for n in notes] == ["1", "2"]
    links = list(document.iter(f"{W}hyperlink"))
    assert [link.get(f"{W}anchor") for link in links] == [None, "details"]
    assert links[0].get(f"{R}id") is not None
    bookmarks = [b.get(f"{W}name") for b in document.iter(f"{W}bookmarkStart")]
    assert bookmarks == ["overview", "details"]
    [table] = document.iter(f"{W}tbl")
    assert table.find(f"{W}tblPr/{W}tblStyle").get(f"{W}val") == "MemoTable"
    rows = table.findall(f"{W}tr")
    assert [row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows] == [
        True,
        False,
        False,
    ]
    assert document.find(f".//{W}sectPr/{W}titlePg") is not None
    descriptions = [d.get("descr") for d in document.iter(f"{WP}docPr")]
    assert descriptions == ["A bar chart of shares", "A vector drawing", "A small photo"]


def test_each_numbered_list_restarts(features_memo):
    document = xml(features_memo, "word/document.xml")
    numbering = xml(features_memo, "word/numbering.xml")
    starts = {
        num.get(f"{W}numId"): int(num.find(f".//{W}startOverride").get(f"{W}val"))
        for num in numbering.iter(f"{W}num")
    }
    items = [
        (p.findtext(f"{W}r/{W}t"), p.find(f".//{W}numId").get(f"{W}val"))
        for p in document.iter(f"{W}p")
        if p.find(f"{W}pPr/{W}numPr") is not None
    ]
    lists: dict[str, list[str]] = {}
    for words, num_id in items:
        lists.setdefault(num_id, []).append(words)
    assert [(starts[num_id], words) for num_id, words in lists.items()] == [
        (1, ["Footnotes are Word’s own notes.", "Each numbered list restarts."]),
        (1, ["First step", "Second step", "Third step"]),
        (1, ["nested bullet", "another nested bullet"]),
        (1, ["nested number one", "nested number two"]),
        (1, ["Restarted one", "Restarted two"]),
        (5, ["Starts at five", "Then six"]),
        (1, ["Keep the structure.", "Check it with pandoc."]),
    ]


def test_features_have_no_notices(features, settings):
    assert writer("memo").render(features, settings).messages == ()


def test_missing_image_prints_its_alt_text(write_source, settings, tmp_path):
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nSee ![the map](map.png) here.\n"
    )
    output = writer("memo").render(read_article(source), settings)
    path = tmp_path / "m.docx"
    path.write_bytes(output.data)
    assert "See [the map] here." in [p.text for p in docx.Document(str(path)).paragraphs]
    assert [n.line for n in output.messages] == [7]
    assert "no such file" in output.messages[0].text


def test_a_note_cited_inside_a_note_is_called_after_it(write_source, settings, tmp_path):
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nBody[^a] and more[^c].\n\n"
        "[^a]: A note citing another[^b].\n[^b]: The other note.\n[^c]: The last note.\n"
    )
    path = render(read_article(source), settings, tmp_path / "m.docx")
    calls = xml(path, "word/document.xml").iter(f"{W}footnoteReference")
    assert [call.get(f"{W}id") for call in calls] == ["1", "2", "3"]
    assert not list(xml(path, "word/footnotes.xml").iter(f"{W}footnoteReference"))
    notes = [text(note) for note in nodes(pandoc(path), "Note")]
    assert notes == ["A note citing another2.", "The other note.", "The last note."]


# -- Cyrillic -------------------------------------------------------------------------------


def test_cyrillic_memo(cyrillic, cyrillic_memo):
    paragraphs = [p.text for p in docx.Document(str(cyrillic_memo)).paragraphs]
    assert paragraphs[1:6] == [
        "СЛУЖЕБНАЯ ЗАПИСКА",
        "КОМУ:\tОтдел анализа",
        "ОТ:\tИван Петров",
        "ДАТА:\t24 января 2022 г.",
        "ТЕМА:\tКризис в Казахстане и политика в Центральной Азии",
    ]
    styles = xml(cyrillic_memo, "word/styles.xml")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "ru-RU"
    footer = docx.Document(str(cyrillic_memo)).sections[0].footer.paragraphs[0].text
    assert footer == "Страница 1 из 1"
    tree = pandoc(cyrillic_memo)
    assert headings(tree)[2:] == [
        (1, "Фактор России"),
        (1, "Политика США и Европы"),
        (1, "Об авторе"),
    ]
    body, footnotes = source_blocks(cyrillic)
    haystack = pandoc_text(cyrillic_memo)
    assert missing_in_order(body, haystack) == []
    assert missing_in_order(footnotes, haystack) == []


# -- LibreOffice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "footer"),
    [
        ("kazakhstan", "Page {} of {}"),
        ("features", "Page {} of {}"),
        ("cyrillic", "Страница {} из {}"),
    ],
)
def test_libreoffice_converts_it(name, footer, request, tmp_path):
    memo, article = request.getfixturevalue(f"{name}_memo"), request.getfixturevalue(name)
    pdf = libreoffice_pdf(memo, tmp_path)
    pages = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")[:-1]
    furniture = {article.running_title}
    furniture |= {footer.format(n, len(pages)) for n in range(1, len(pages) + 1)}
    for number, page in enumerate(pages, start=1):
        assert footer.format(number, len(pages)) in page
    text = letters(
        "".join(line for page in pages for line in page.splitlines() if line not in furniture)
    )
    body, _ = source_blocks(article)
    assert [block for block in body if missing_in_order([block], text)] == []


# -- the reference document -------------------------------------------------------------------


def test_reference_docx_styles_win(project):
    settings = Settings(project=project)
    article = read_article(project / "source" / KAZAKHSTAN.name)
    generated = writer("memo").render(article, settings).data
    write_reference_docx(settings, settings.reference_docx)
    assert writer("memo").render(article, settings).data == generated
    reference = docx.Document(str(settings.reference_docx))
    samples = [(p.style.name, p.text) for p in reference.paragraphs]
    assert ("Memo Field", "Memo Field") in samples and ("List Number 2", "List Number 2") in samples
    assert reference.core_properties.author == "American Foreign Policy Council"
    body_text = reference.styles["Body Text"]
    body_text.font.name = "Liberation Serif"
    body_text.font.color.rgb = RGBColor(0x33, 0x66, 0x00)
    reference.styles["Heading 1"].font.size = Inches(0.5)
    reference.save(str(settings.reference_docx))
    memo = docx.Document(io.BytesIO(writer("memo").render(article, settings).data))
    assert memo.styles["Body Text"].font.name == "Liberation Serif"
    assert memo.styles["Body Text"].font.color.rgb == RGBColor(0x33, 0x66, 0x00)
    assert memo.styles["Heading 1"].font.size == Inches(0.5)
    assert memo.styles["Memo Field"].font.name == "PT Sans"


def test_a_foreign_reference_docx_gains_the_missing_styles(project, tmp_path):
    settings = Settings(project=project)
    docx.Document().save(str(settings.reference_docx))
    shutil.copytree(MEMO_FIXTURES, tmp_path / "features")
    article = read_article(tmp_path / "features" / "features.md")
    path = render(article, settings, tmp_path / "f.docx")
    tree = pandoc(path)
    assert headings(tree)[2:4] == [(1, "Overview"), (1, "Details")]
    assert len(list(nodes(tree, "Note"))) == 2
    assert [o["c"][0][0] for o in nodes(tree, "OrderedList")] == [1, 1, 1, 5, 1]
    styles = docx.Document(str(path)).styles
    assert styles["Memo Field"].font.name == "PT Sans"
    assert styles["Heading 1"].font.name != "PT Sans"  # the reference document's own


def memo_fields(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Memo Field"]


def test_without_a_memo_block_the_header_has_no_blank_to_line(write_source, settings, tmp_path):
    source = write_source("---\ntitle: T\ndate: 2024-01-01\nauthor: A. Writer\n---\n\nBody.\n")
    path = render(read_article(source), settings, tmp_path / "m.docx")
    assert memo_fields(path) == ["FROM:\tA. Writer", "DATE:\tJanuary 1, 2024", "SUBJECT:\tT"]


def test_the_brand_may_name_a_visible_to_placeholder(project, write_source, tmp_path):
    brand = project / "styles" / "brand.yaml"
    brand.write_text(brand.read_text().replace('to-placeholder: ""', 'to-placeholder: "[Name]"'))
    source = write_source("---\ntitle: T\ndate: 2024-01-01\nauthor: A. Writer\n---\n\nBody.\n")
    path = render(read_article(source), Settings(project=project), tmp_path / "m.docx")
    assert memo_fields(path)[0] == "TO:\t[Name]"


def test_an_image_notice_points_at_the_images_own_line(write_source, settings):
    source = write_source(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nA paragraph\nover lines,"
        " then ![the map](map.png)\nand more.\n"
    )
    output = writer("memo").render(read_article(source), settings)
    assert [n.line for n in output.messages] == [8]
