"""The walk both body renderers share (render/tree.py): its facts, the same in the PDF's HTML
and in the memo."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from markdown_it.tree import SyntaxTreeNode

from briefexport.render.html import HtmlRenderer
from briefexport.render.tree import (
    alignment,
    body_blocks,
    box_kind,
    figure_image,
    is_landscape,
    notes_of,
    safe_href,
)
from briefexport.sandbox.policy import ResourcePolicy
from briefexport.source.markdown import parse
from briefexport.source.reader import read_article
from briefexport.writers import writer

NOTES_AND_HEADINGS = """---
title: T
date: 2024-01-01
author: A
---

# One

Body[^a] then more[^c] later.

# Two

Text.

[^a]: A note citing another[^x] and the last[^c].

    ## Inside

    Under it.

[^x]: The other note.
[^c]: The last note.
"""


def body(text: str) -> SyntaxTreeNode:
    return parse(text)


@pytest.fixture
def article(write_source):
    return read_article(write_source(NOTES_AND_HEADINGS))


def test_a_note_cited_in_a_note_before_the_body_calls_it_shows_its_number(article):
    """Note a cites x (cited nowhere else: 2) and then c, which the body calls later (3)."""
    html = HtmlRenderer(article, ResourcePolicy(roots=(article.folder,))).render()
    note_a = html[html.index('<aside class="footnote" id="fn1"') :].split("</aside>")[0]
    assert re.findall(r'<aside class="footnote" id="fn(\d)"', html) == ["1", "2", "3"]
    assert re.findall(r'footnote-repeat">(\d)<', note_a) == ["2", "3"]


def test_a_heading_in_a_note_keeps_its_own_anchor(article, settings):
    """Anchors go by node, not by the order headings are written (a note's come mid-body)."""
    html = HtmlRenderer(article, ResourcePolicy(roots=(article.folder,))).render()
    ids = dict(re.findall(r'<h\d id="([^"]+)" data-bookmark="([^"]+)"', html))
    assert ids == {"one": "One", "two": "Two", "inside": "Inside"}
    memo = zipfile.ZipFile(io.BytesIO(writer("memo").render(article, settings).data))
    parts = {part: memo.read(f"word/{part}.xml").decode() for part in ("document", "footnotes")}
    bookmarks = {
        part: re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"[^>]*/>(?:<[^>]+>)*([^<]*)', xml)
        for part, xml in parts.items()
    }
    assert ("inside", "Inside") in bookmarks["footnotes"]
    assert {"one", "two"} <= {name for name, _ in bookmarks["document"]}


@pytest.mark.parametrize(
    ("markdown", "figure"),
    [("![a](x.png)", True), ("![a](x.png) and text", False), ("*![a](x.png)*", False)],
)
def test_a_figure_is_an_image_alone_in_its_paragraph(markdown, figure):
    paragraph = body(markdown).children[0]
    assert (figure_image(paragraph) is not None) == figure


def test_cells_align_by_their_columns_colons():
    table = body("| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |\n").children[0]
    cells = [node for node in table.walk() if node.type == "td"]
    assert [alignment(cell) for cell in cells] == ["left", "right", "center"]
    plain = body("| a |\n|---|\n| 1 |\n").children[0]
    assert [alignment(n) for n in plain.walk() if n.type == "td"] == [None]


def test_tables_turn_landscape_when_marked_or_wider_than_eight_columns():
    nine = "|" + " a |" * 9 + "\n|" + "---|" * 9 + "\n"
    eight = "|" + " a |" * 8 + "\n|" + "---|" * 8 + "\n"
    assert is_landscape(body(nine).children[0])
    assert not is_landscape(body(eight).children[0])


def test_boxes_notes_and_blocks():
    tree = body('::: {.warning title="Careful"}\nText\n:::\n\nCall[^1].\n\n[^1]: The note.\n')
    assert box_kind(tree.children[0]) == "warning"
    assert [block.type for block in body_blocks(tree)] == ["div", "paragraph"]
    assert list(notes_of(tree)) == [0]


@pytest.mark.parametrize(
    ("href", "safe"),
    [("#sec", "#sec"), ("https://x.org", "https://x.org"), ("javascript:alert(1)", None)],
)
def test_only_web_mail_and_anchor_links_are_followed(href, safe):
    assert safe_href(href) == safe
