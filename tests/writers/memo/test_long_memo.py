"""Long reports in the Word memo, read back with python-docx, pandoc and the XML: the TOC field,
SEQ captions, REF fields to bookmarks, landscape sections, shaded sidebars, w:lang."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import docx
import pypandoc
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from test_memo import libreoffice_pdf

from briefexport.settings import Settings
from conftest import FIXTURES, ROOT, rendered

NIST = FIXTURES / "long" / "nist-report.md"
PASSAGES = FIXTURES / "long" / "passages.md"
WIDE = ROOT / "tests" / "articles" / "wide-tables.md"


@pytest.fixture(scope="module")
def nist_memo(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    return rendered("memo", NIST, tmp_path_factory.mktemp("memo"), settings)


def instructions(document: Any) -> list[str]:
    """Every field code in the body, stripped."""
    return [(code.text or "").strip() for code in document.element.body.iter(qn("w:instrText"))]


def bookmarks(document: Any) -> set[str]:
    return {b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))}


def pandoc_blocks(path: Path) -> list[dict[str, Any]]:
    return json.loads(pypandoc.convert_file(str(path), "json", format="docx"))["blocks"]


def test_captions_are_seq_fields_in_the_caption_style(nist_memo):
    document = docx.Document(str(nist_memo))
    codes = instructions(document)
    assert sum(code == r"SEQ Figure \* ARABIC" for code in codes) == 4
    assert sum(code == r"SEQ Table \* ARABIC" for code in codes) == 6
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Figure 1. Digital Identity Model" in captions
    assert "Table 6. Acceptable Combinations of IAL and AAL" in captions
    assert {"_Ref_fig_model", "_Ref_tbl_combinations"} <= bookmarks(document)


def test_references_are_ref_fields_to_the_caption_bookmarks(nist_memo):
    document = docx.Document(str(nist_memo))
    refs = [code for code in instructions(document) if code.startswith("REF ")]
    assert r"REF _Ref_fig_model \h" in refs and r"REF _Ref_tbl_impacts \h" in refs
    assert {code.split()[1] for code in refs} <= bookmarks(document)
    body = " ".join(p.text for p in document.paragraphs)
    assert "see Table 2, Table 3 and Table 4, and Figure 1 for the parties involved" in body
    assert "As discussed in Section 4.3.1" not in body and "Section 5.1" in body


def toc_entries(document: Any) -> list[Any]:
    return [p for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]


def test_the_toc_field_has_its_result_written(nist_memo):
    document = docx.Document(str(nist_memo))
    assert r'TOC \o "1-2" \h \z \u' in instructions(document)
    entries = toc_entries(document)
    titles = [p.text.split("\t")[0] for p in entries]
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert titles == headings  # what Word will collect, in order, before any update
    assert "Selecting Assurance Levels" in titles and "Combining xALs" in titles
    anchors = {link.get(qn("w:anchor")) for p in entries for link in p._p.iter(qn("w:hyperlink"))}
    assert len(anchors) == len(entries) and anchors <= bookmarks(document)
    contents = [p.text for p in document.paragraphs].index("Contents")
    assert document.paragraphs[contents].style.name == "TOC Heading"  # not listed itself
    assert document.paragraphs[contents + 1]._p is entries[0]._p


def test_each_toc_entry_is_a_link_with_a_pageref_to_its_heading_as_word_writes_it(nist_memo):
    document = docx.Document(str(nist_memo))
    pages = []
    for entry in toc_entries(document):
        [link] = entry._p.findall(qn("w:hyperlink"))
        assert link.find(f"{qn('w:r')}/{qn('w:tab')}") is not None  # to the dotted right tab
        [code] = [c.text.split() for c in link.iter(qn("w:instrText"))]
        assert code == ["PAGEREF", link.get(qn("w:anchor")), "\\h"]
        pages.append(int(entry.text.split("\t")[1]))
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] > 20  # the report's length
    assert not document.element.body.xpath(".//w:fldChar[@w:dirty]")  # as Word saves its own
    assert document.settings.element.find(qn("w:updateFields")) is None  # no prompt on opening


@pytest.mark.slow
def test_libreoffice_prints_each_entry_with_the_page_its_heading_lands_on(nist_memo, tmp_path):
    document = docx.Document(str(nist_memo))
    entries = [p.text.split("\t") for p in toc_entries(document)]
    pdf = libreoffice_pdf(nist_memo, tmp_path)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    lines = [
        (n, " ".join(line.split())) for n, page in enumerate(pages, 1) for line in page.splitlines()
    ]
    start = [text for _, text in lines].index("Contents")
    leaders = [
        i for i, (_, text) in enumerate(lines) if i > start and re.search(r"\.{3,} ?\d+$", text)
    ]
    printed = [lines[i][1].rsplit(".", 1)[-1].strip() for i in leaders[: len(entries)]]
    assert printed == [number for _, number in entries]  # one line each, its number at the end
    opening = {text: n for n, text in lines[:start]}  # the bottom line and key points
    landed, at = [], leaders[len(entries) - 1]
    for title, _ in entries:
        if title in opening:
            landed.append(str(opening[title]))
            continue
        at = next(i for i in range(at + 1, len(lines)) if lines[i][1] == title)
        landed.append(str(lines[at][0]))
    assert landed == printed


def test_pandoc_reads_the_contents_as_links_to_the_headings(nist_memo):
    blocks = pandoc_blocks(nist_memo)
    ids = {block["c"][1][0] for block in blocks if block["t"] == "Header"}
    start = next(
        i for i, b in enumerate(blocks) if b["t"] == "Header" and b["c"][1][0] == "contents"
    )
    links = []
    for block in blocks[start + 1 :]:
        inlines = block["c"] if block["t"] == "Para" else []
        if not inlines or inlines[0]["t"] != "Link":
            break
        links.append(inlines[0]["c"][2][0])
    assert len(links) == 31 + 2  # the report's sections and subsections, and the opening's two
    assert all(target[1:] in ids for target in links)


def test_pandoc_reads_captions_and_references(nist_memo):
    blocks = pandoc_blocks(nist_memo)
    tables = [b for b in blocks if b["t"] == "Table"]
    assert sum(bool(table["c"][1][1]) for table in tables) == 6  # each numbered one captioned
    figures = [b for b in blocks if b["t"] == "Figure"]  # the image and its Caption paragraph
    assert [f["c"][1][1][0]["c"][0]["c"][0][0] for f in figures] == [
        "_Ref_fig_model",
        "_Ref_fig_ial",
        "_Ref_fig_aal",
        "_Ref_fig_fal",
    ]
    plain = " ".join(pypandoc.convert_file(str(nist_memo), "plain", format="docx").split())
    assert ": Table 6. Acceptable Combinations of IAL and AAL" in plain
    assert "see Table 2, Table 3 and Table 4, and Figure 1" in plain


def test_sidebars_are_shaded_and_bordered_and_passages_keep_their_language(nist_memo):
    document = docx.Document(str(nist_memo))
    sidebar = next(p for p in document.paragraphs if "Earlier editions rated" in p.text)
    properties = sidebar._p.pPr
    assert properties.find(qn("w:pBdr")) is not None and properties.find(qn("w:shd")) is not None
    russian = [
        run.text
        for run in document.element.body.iter(qn("w:r"))
        if run.find(f"{qn('w:rPr')}/{qn('w:lang')}") is not None
        and run.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "ru-RU"
    ]
    assert "«цифровая идентичность»" in "".join(russian)
    assert any("Русский перевод" in text for text in russian)  # the note div's own runs


def languages(document: Any) -> dict[str, str]:
    """The text of the runs of each ``w:lang`` value."""
    found: dict[str, str] = {}
    for run in document.element.body.iter(qn("w:r")):
        lang = run.find(f"{qn('w:rPr')}/{qn('w:lang')}")
        if lang is not None:
            found[lang.get(qn("w:val"))] = found.get(lang.get(qn("w:val")), "") + "".join(
                t.text or "" for t in run.iter(qn("w:t"))
            )
    return found


def test_spans_set_the_language_of_their_runs_and_the_opening_reads_labels(tmp_path, settings):
    document = docx.Document(str(rendered("memo", PASSAGES, tmp_path, settings)))
    assert languages(document) == {
        "ru-RU": "«зерновой коридор»«новый маршрут»",  # a key point's span, the body's
        "kk-KZ": "«жаңа бағыт»",
    }
    body = next(p for p in document.paragraphs if p.text.startswith("Shipments fell"))
    assert "called it «жаңа бағыт», and a Russian one a «новый маршрут», which" in body.text
    text = {p.style.name: p.text for p in document.paragraphs}
    assert text["Bottom Line"] == "Exports recovered by a third once the corridor opened (Table 1)."
    assert text["List Number"] == "Keep the monitoring described in Section 2."
    assert "@" not in " ".join(p.text for p in document.paragraphs)


@pytest.mark.slow
def test_a_wide_table_gets_a_landscape_section(tmp_path, settings):
    document = docx.Document(str(rendered("memo", WIDE, tmp_path, settings)))
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = document.sections[1]
    assert landscape.page_width > landscape.page_height
    assert not landscape.different_first_page_header_footer  # running head on its page
    assert all(s.header.is_linked_to_previous for s in document.sections[1:])
    body = list(document.element.body)
    first_break = next(i for i, e in enumerate(body) if e.xpath("./w:pPr/w:sectPr"))
    heading, table = body[first_break + 1 : first_break + 3]
    assert heading.xpath("string(.)") == "Economy"  # the heading goes with its table
    assert table.tag == qn("w:tbl")
