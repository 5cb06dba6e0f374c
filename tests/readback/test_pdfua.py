"""PDF/UA-1 under the Matterhorn Protocol: what the writers tag, and the checker itself."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pytest

from briefexport.readback.pdfua import check_pdfua
from briefexport.source.reader import read_article
from briefexport.weasy import overrides
from briefexport.weasy.engine import layout, stylesheets, write_pdf
from briefexport.weasy.tagging import finish_tags
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter

ARTICLE = """---
title: Tagged
date: 2024-01-01
author: Test Author
---

## A section

A paragraph with a note.[^1] And a [link](https://example.org).

- a bullet
- another

1. first
2. second

| Region | Share |
|---|---:|
| North | 12 % |

![](chart.png "Figure 1. Exports by region.")

[^1]: The note.
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    from PIL import Image

    folder = tmp_path_factory.mktemp("ua")
    Image.new("RGB", (300, 200), (20, 50, 90)).save(folder / "chart.png")
    path = folder / "tagged.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return read_article(path)


@pytest.fixture(scope="module")
def tagged(source, settings) -> tuple[bytes, list]:
    output = writer("pdf").render(source, settings)
    return output.data, list(output.messages)


OPENED: list[pikepdf.Pdf] = []


def elements(data: bytes | pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the tree's root, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            walk(node.get("/K"))

    pdf = data if isinstance(data, pikepdf.Pdf) else pikepdf.open(io.BytesIO(data))
    OPENED.append(pdf)  # the elements live as long as their file
    walk(pdf.Root.StructTreeRoot.K)
    return found


def test_the_brief_meets_no_failure_condition(tagged):
    data, _ = tagged
    assert check_pdfua(data) == []
    kinds = [str(e.S) for e in elements(data)]
    assert kinds.count("/Note") == 1 and kinds.count("/L") == 2
    note = next(e for e in elements(data) if e.S == "/Note")
    assert str(note.ID) == "note-1"
    lists = [e for e in elements(data) if e.S == "/L"]
    assert [str(e.A.ListNumbering) for e in lists] == ["/Disc", "/Decimal"]
    items = [e for e in elements(data) if e.S == "/LI"]
    assert all([str(k.S) for k in item.K] == ["/Lbl", "/LBody"] for item in items)
    header = next(e for e in elements(data) if e.S == "/TH")
    assert header.A.Scope == "/Column"


def test_a_figure_without_alt_text_gets_its_caption_and_a_warning(tagged, source):
    data, messages = tagged
    figure = next(e for e in elements(data) if e.S == "/Figure")
    assert str(figure.Alt) == "Figure 1. Exports by region."
    assert [m.text for m in messages if "alt text" in m.text] == [
        "image 'chart.png' has no alt text; its caption describes it in the PDF "
        "(describe it for screen readers: ![description](file))"
    ]


def test_running_heads_and_page_numbers_are_pagination_artifacts(kazakhstan, settings):
    data = writer("pdf").render(kazakhstan, settings).data
    pdf = pikepdf.open(io.BytesIO(data))
    second = pdf.pages[1].Contents.read_bytes()
    assert second.count(b"/Artifact\n<</Type /Pagination>>") == 3  # head, publisher, page


@pytest.mark.nonconforming
def test_weasyprint_alone_fails_issue_13s_conditions(source, settings):
    """Without weasy.tagging and the structure types: running heads outside the tree, no
    Note, no ListNumbering, list items without LBody, no TH Scope."""
    pdf = PdfWriter()
    html = pdf.html(source, settings).html
    document = layout(html, source, settings, stylesheets(settings, pdf.format.styles)).document
    overrides.tags._get_pdf_tag = overrides.UPSTREAM_PDF_TAG
    try:
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    finally:
        overrides.install()
    assert {f.checkpoint for f in check_pdfua(data)} == {"01-005", "09-005", "15-003", "16-002"}
    assert "/Note" not in {str(e.S) for e in elements(data)}
    assert {f.checkpoint for f in check_pdfua(write_pdf(document, source, "pdf/ua-1"))} == set()
    assert finish_tags  # the finisher write_pdf applies


def drop(path: str) -> Callable[[pikepdf.Pdf], None]:
    """A mutation removing a key from the catalog."""
    *parents, key = path.split(".")

    def mutate(pdf: pikepdf.Pdf) -> None:
        node = pdf.Root
        for parent in parents:
            node = node[parent]
        del node[key]

    return mutate


def retag(old: str, new: str, index: int = 0) -> Callable[[pikepdf.Pdf], None]:
    def mutate(pdf: pikepdf.Pdf) -> None:
        found = [e for e in elements(pdf) if old == e.S]
        found[index].S = pikepdf.Name(new)

    return mutate


def unset(kind: str, key: str) -> Callable[[pikepdf.Pdf], None]:
    def mutate(pdf: pikepdf.Pdf) -> None:
        for element in elements(pdf):
            if kind == element.S and key in element:
                del element[key]

    return mutate


def link_contents(pdf: pikepdf.Pdf) -> None:
    for annotation in pdf.pages[0].Annots:
        del annotation["/Contents"]


def tabs(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[0].obj["/Tabs"]


@pytest.mark.parametrize(
    ("mutate", "checkpoint"),
    [
        (drop("/Metadata"), "06-001"),
        (drop("/ViewerPreferences./DisplayDocTitle"), "07-001"),
        (drop("/Lang"), "11-006"),
        (unset("/Figure", "/Alt"), "13-004"),
        (retag("/H1", "/H2"), "14-002"),
        (retag("/H2", "/H4"), "14-003"),
        (unset("/TH", "/A"), "15-003"),
        (unset("/L", "/A"), "16-002"),
        (unset("/Note", "/ID"), "19-003"),
        (retag("/LBody", "/P"), "09-005"),
        (retag("/TD", "/P"), "09-004"),
        (tabs, "28-008"),
        (link_contents, "28-012"),
        (retag("/P", "/Paragraph"), "02-001"),
    ],
)
def test_the_checker_finds_each_failure_condition(tagged, mutate, checkpoint):
    pdf = pikepdf.open(io.BytesIO(tagged[0]))
    mutate(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    assert checkpoint in {failure.checkpoint for failure in check_pdfua(buffer.getvalue())}
