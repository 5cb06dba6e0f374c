"""The executive one-pager, read back with pypdf and poppler; its QR code read with zxing-cpp."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from briefexport.build.pipeline import build
from briefexport.commands.verify import letters
from briefexport.errors import LayoutError
from briefexport.model import Article, summary_warning
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import Output, writer
from briefexport.writers.summary.writer import FLOOR, FLOOR_PT, SummaryWriter
from conftest import FIXTURES, ROOT, structure_elements

DENSE = FIXTURES / "summary-dense.md"
DERIVED = FIXTURES / "summary-derived.md"
RUSSIAN = FIXTURES / "summary-ru.md"


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def items(article: Article) -> list[str]:
    summary = article.effective_summary.plain(article.lang)
    return [summary.bottom_line, *summary.key_points, *summary.recommendations]


def assert_one_page_with_every_item(output: Output, article: Article) -> str:
    """The page's letters, after checking it is one page and loses no word of the summary."""
    assert output.pages == 1
    assert len(PdfReader(io.BytesIO(output.data)).pages) == 1
    text = letters(pdftotext(output.data))
    position = 0
    for item in items(article):
        found = text.find(letters(item), position)
        assert found >= 0, item[:60]
        position = found
    return text


def smallest_text(data: bytes) -> float:
    """The smallest font size on the first page, in points, as pypdf sees it drawn."""
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append(size * tm[3] * cm[3])

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return min(sizes)


@pytest.fixture(scope="module")
def kazakhstan_summary(kazakhstan: Article, settings: Settings) -> Output:
    return writer("summary").render(kazakhstan, settings)


def test_kazakhstan_is_one_page_with_every_word(kazakhstan, kazakhstan_summary):
    text = assert_one_page_with_every_item(kazakhstan_summary, kazakhstan)
    assert kazakhstan_summary.messages == ()
    for field in (
        "American Foreign Policy Council",
        "Executive Summary",
        "Bottom line",
        "Key points",
        "Recommendations",
        kazakhstan.title,
        "Svante E. Cornell",
        "January 24, 2022",
        kazakhstan.copyright,
    ):
        assert letters(field) in text


def test_short_content_keeps_the_normal_scale(kazakhstan, settings):
    fit = SummaryWriter().fit(kazakhstan, settings)
    assert (fit.density, fit.passes) == (1.0, 1)
    assert fit.fill < 1


def test_metadata_and_tagging_match_the_main_pdf(kazakhstan, kazakhstan_summary):
    reader = PdfReader(io.BytesIO(kazakhstan_summary.data))
    meta = reader.metadata
    assert meta.title == kazakhstan.title
    assert meta.author == "Svante E. Cornell"
    assert meta.subject == kazakhstan.summary.plain().bottom_line
    assert "Tokayev" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20220124")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_data()
    fonts = subprocess.run(
        ["pdffonts", "-"], input=kazakhstan_summary.data, capture_output=True, check=True
    ).stdout.decode()
    assert all(" yes " in line for line in fonts.splitlines()[2:])
    assert "DejaVu" not in fonts


def test_same_input_same_bytes(kazakhstan, settings, kazakhstan_summary):
    assert writer("summary").render(kazakhstan, settings).data == kazakhstan_summary.data


def test_dense_summary_fits_one_page_at_a_reduced_scale(settings):
    article = read_article(DENSE)
    assert 420 <= sum(len(item.split()) for item in items(article)) <= 480
    fit = SummaryWriter().fit(article, settings)
    assert FLOOR <= fit.density < 1
    assert fit.passes <= 5
    output = writer("summary").render(article, settings)
    assert_one_page_with_every_item(output, article)
    assert smallest_text(output.data) >= FLOOR_PT - 0.01


def overflowing(text: str) -> str:
    """The dense source with its key points and recommendations seven times over."""
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    for key in ("key-points", "recommendations"):
        data["summary"][key] *= 7
    return f"---\n{yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}---\n{body}"


def summary_key_line(source: Path) -> int:
    """The line of the front matter's ``summary:`` key."""
    return source.read_text(encoding="utf-8").splitlines().index("summary:") + 1


def test_far_too_long_fails_with_one_clear_line_and_keeps_the_old_summary(tmp_path, settings):
    source = tmp_path / "brief.md"
    out = tmp_path / "build"
    source.write_text(DENSE.read_text(encoding="utf-8"), encoding="utf-8")
    assert build([source], out, settings, ["summary"], jobs=1).ok
    summary = out / "brief" / "brief-summary.pdf"
    previous = summary.read_bytes()

    source.write_text(overflowing(DENSE.read_text(encoding="utf-8")), encoding="utf-8")
    assert 2_300 <= sum(len(item.split()) for item in items(read_article(source))) <= 2_700
    report = build([source], out, settings, ["summary"], jobs=1)
    assert not report.ok
    assert re.fullmatch(
        rf"{re.escape(str(source))}:{summary_key_line(source)}: summary overflows one page by \d{{3}}% at the 9 pt floor "
        r"\(shorten summary\.key-points: 1,589 words, summary\.recommendations: 980 words, "
        r"summary\.bottom-line: 72 words; "
        rf"'invoke pdf --source {re.escape(str(source))} memo --source {re.escape(str(source))}' "
        r"builds the PDF and memo without it\)",
        report.failed[0].error,
    ), report.failed[0].error
    assert summary.read_bytes() == previous
    assert sorted(p.name for p in summary.parent.iterdir()) == ["brief-summary.pdf"]


def test_overflow_measures_against_the_floor(write_source, settings):
    source = write_source(overflowing(DENSE.read_text(encoding="utf-8")))
    with pytest.raises(LayoutError) as caught:
        SummaryWriter().fit(read_article(source), settings)
    found = re.search(r"by (\d+)%", str(caught.value))
    assert found, caught.value
    assert 250 <= int(found[1]) <= 600  # about 2,600 words where about 600 fit


def test_without_summary_the_page_is_derived_with_a_warning(settings):
    article = read_article(DERIVED)
    assert article.summary is None
    output = writer("summary").render(article, settings)
    text = assert_one_page_with_every_item(output, article)
    assert letters("The Ferghana Valley’s water disputes are no longer") in text
    assert letters("Recommendations") not in text
    assert [str(n) for n in output.messages] == [
        f"{DERIVED}:1: warning: no summary in the front matter; the one-pager's is derived "
        "from the opening and 3 section leads (write summary: in the front matter to choose)"
    ]
    assert output.messages[0] == summary_warning(article)


def test_authored_summary_has_no_notice(kazakhstan):
    assert summary_warning(kazakhstan) is None


def test_qr_code_decodes_to_the_url(settings, tmp_path):
    article = read_article(DENSE)
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(writer("summary").render(article, settings).data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-singlefile", str(pdf), str(tmp_path / "s")],
        check=True,
    )
    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "s.png"))
    assert [(c.format, c.text) for c in codes] == [(zxingcpp.BarcodeFormat.QRCode, article.url)]
    assert letters(article.url) in letters(pdftotext(pdf.read_bytes()))


def test_qr_svg_is_inline_and_escape_safe(write_source, settings):
    source = write_source(
        DERIVED.read_text(encoding="utf-8")
        .replace("title: Water, Power", 'title: "<script>alert(1)</script> Water, Power')
        .replace("Ferghana Valley\n", 'Ferghana Valley"\n', 1)
        .replace("water-power-peace-ferghana", "brief?id=7&lang=en")
    )
    article = read_article(source)
    html = SummaryWriter().html(article, settings)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<svg viewBox="0 0' in html
    assert (
        "<title>Read the full article: https://www.afpc.org/publications/articles/brief?id=7&amp;lang=en</title>"
        in html
    )


def test_russian(settings):
    article = read_article(RUSSIAN)
    output = writer("summary").render(article, settings)
    text = assert_one_page_with_every_item(output, article)
    for label in ("Краткое изложение", "Главное", "Основные положения", "Рекомендации"):
        assert letters(label) in text
    assert letters("24 января 2022 г.") in text
    assert PdfReader(io.BytesIO(output.data)).trailer["/Root"]["/Lang"] == "ru"
    fonts = subprocess.run(
        ["pdffonts", "-"], input=output.data, capture_output=True, check=True
    ).stdout.decode()
    assert "DejaVu" not in fonts


@pytest.mark.parametrize("source", [DENSE, RUSSIAN], ids=["dense", "ru"])
def test_a4(source):
    article = read_article(source)
    output = writer("summary").render(article, Settings(project=ROOT, paper="a4"))
    box = PdfReader(io.BytesIO(output.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert_one_page_with_every_item(output, article)


def test_references_and_languages_in_the_summary(settings):
    article = read_article(FIXTURES / "long" / "passages.md")
    output = SummaryWriter().render(article, settings)
    text = " ".join(pdftotext(output.data).split())
    assert "Exports recovered by a third once the corridor opened (Table 1)." in text
    assert "The figures in Table 1 come from the port authorities." in text
    assert "Keep the monitoring described in Section 2." in text
    assert not output.messages  # no link to an anchor the one-pager lacks
    with pikepdf.open(io.BytesIO(output.data)) as pdf:
        tagged = [(str(e.S), str(e.Lang)) for e in structure_elements(pdf) if "/Lang" in e]
    assert tagged == [("/Span", "ru")]
