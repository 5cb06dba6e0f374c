"""CommonMark's list and nesting shapes (the specification's list item, list, block quote and
tab examples) through the memo: the same list markers, numbers and nesting depth as in the
HTML the PDF is made from, read back by pandoc and from Word's own numbering."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pypandoc
import pytest
from lxml import etree
from lxml import html as lxml_html

from briefexport.render.html import HtmlRenderer
from briefexport.sandbox.policy import policy_for
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import writer
from conftest import ROOT

SPEC = ROOT / "tests" / "corpus" / "commonmark" / "spec.json"
SECTIONS = ("List items", "Lists", "Block quotes", "Tabs")
FRONT = "---\ntitle: Example\ndate: 2024-01-01\nauthor: A. Writer\n---\n\n"
BULLETS = ("•", "–", "›")
"""styles/article.css: ul, ul ul, ul ul ul."""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

List = tuple[str, int, int, int]
"""A list: its marker (a bullet glyph, or "decimal"), first number, depth and item count."""


def examples() -> list[dict[str, Any]]:
    return [e for e in json.loads(SPEC.read_text()) if e["section"] in SECTIONS]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[int, tuple[str, Path, Any]]:
    """Each example's body HTML (as the PDF gets it), its memo, and its syntax tree."""
    folder = tmp_path_factory.mktemp("commonmark")
    settings = Settings(project=ROOT, embed_fonts=False)
    out = {}
    for example in examples():
        number = example["example"]
        source = folder / f"{number}.md"
        source.write_text(FRONT + example["markdown"])
        article = read_article(source)
        markup = str(HtmlRenderer(article, policy_for(article, settings)).render())
        memo = folder / f"{number}.docx"
        memo.write_bytes(writer("memo").render(article, settings).data)
        out[number] = (markup, memo, article.body)
    return out


def html_lists(markup: str) -> list[List]:
    """The lists the PDF shows, in document order: bullets by the number of ``ul`` around."""
    found: list[List] = []

    def walk(element: Any, depth: int, bullets: int) -> None:
        for child in element:
            if child.tag in ("ul", "ol"):
                inner = bullets + (child.tag == "ul")
                marker = BULLETS[min(inner, len(BULLETS)) - 1] if child.tag == "ul" else "decimal"
                items = sum(1 for c in child if c.tag == "li")
                found.append((marker, int(child.get("start", 1)), depth, items))
                walk(child, depth + 1, inner)
            elif isinstance(child.tag, str):
                walk(child, depth, bullets)

    walk(lxml_html.fragment_fromstring(markup, create_parent="div"), 0, 0)
    return found


def word_lists(memo: Path) -> list[List]:
    """The lists Word shows: each ``w:num``'s marker, start, level and numbered paragraphs."""
    with zipfile.ZipFile(memo) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        numbering = etree.fromstring(archive.read("word/numbering.xml"))
    levels = {
        (a.get(f"{W}abstractNumId"), lvl.get(f"{W}ilvl")): lvl
        for a in numbering.iter(f"{W}abstractNum")
        for lvl in a.iter(f"{W}lvl")
    }
    nums = {n.get(f"{W}numId"): n for n in numbering.iter(f"{W}num")}
    found: dict[str, list[Any]] = {}
    for properties in document.iter(f"{W}numPr"):
        num_id = properties.find(f"{W}numId").get(f"{W}val")
        level = properties.find(f"{W}ilvl").get(f"{W}val")
        if num_id in found:
            found[num_id][3] += 1
            continue
        num = nums[num_id]
        lvl = levels[(num.find(f"{W}abstractNumId").get(f"{W}val"), level)]
        kind = lvl.find(f"{W}numFmt").get(f"{W}val")
        marker = lvl.find(f"{W}lvlText").get(f"{W}val") if kind == "bullet" else kind
        override = num.find(f"{W}lvlOverride[@{W}ilvl='{level}']/{W}startOverride")
        start = int(override.get(f"{W}val")) if override is not None else 1
        found[num_id] = [marker, start, int(level), 1]
    return [tuple(entry) for entry in found.values()]  # type: ignore[misc]


def pandoc_lists(memo: Path) -> list[tuple[str, int, int, int]]:
    """The lists pandoc reads: bullet or ordered, start, depth, items."""
    tree = json.loads(pypandoc.convert_file(str(memo), "json", format="docx"))
    found: list[tuple[str, int, int, int]] = []

    def walk(node: Any, depth: int) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, depth)
        elif isinstance(node, dict):
            if node.get("t") == "BulletList":
                found.append(("bullet", 1, depth, len(node["c"])))
                walk(node["c"], depth + 1)
            elif node.get("t") == "OrderedList":
                found.append(("decimal", node["c"][0][0], depth, len(node["c"][1])))
                walk(node["c"][1], depth + 1)
            else:
                walk(node.get("c", []), depth)

    walk(tree["blocks"], 0)
    return found


def pandoc_cannot_read(body: Any) -> bool:
    """Shapes pandoc's docx reader turns into other shapes, whoever wrote the file: an item
    that opens with a heading (pandoc reads a numbered heading as a heading), or that
    continues with a paragraph, code or quote after its first block while items follow
    (pandoc ends a list at any paragraph without a number, which is Word's List Continue)."""
    for node in body.walk():
        if node.type != "list_item" or not node.children:
            continue
        if node.children[0].type == "heading":
            return True
        if any(c.type not in ("bullet_list", "ordered_list") for c in node.children[1:]):
            ancestor = node
            while ancestor is not None:
                if ancestor.type == "list_item" and ancestor.next_sibling is not None:
                    return True
                ancestor = ancestor.parent
    return False


NUMBERS = [e["example"] for e in examples()] if SPEC.exists() else []


@pytest.mark.slow
@pytest.mark.parametrize("number", NUMBERS)
def test_word_shows_the_pdfs_lists(rendered, number):
    markup, memo, _ = rendered[number]
    assert word_lists(memo) == html_lists(markup)


@pytest.mark.slow
@pytest.mark.parametrize("number", NUMBERS)
def test_pandoc_reads_the_pdfs_lists(rendered, number):
    markup, memo, body = rendered[number]
    if pandoc_cannot_read(body):
        pytest.skip("a shape pandoc's docx reader cannot represent (see pandoc_cannot_read)")
    expected = [("bullet" if m in BULLETS else m, s, d, n) for m, s, d, n in html_lists(markup)]
    assert pandoc_lists(memo) == expected


def test_the_corpus_holds_the_shapes_the_memo_lost():
    """The examples the issue names: an empty item, an item opening with code, ``- 1.``."""
    markdown = {e["example"]: e["markdown"] for e in examples()}
    assert markdown[283] == "1. foo\n2.\n3. bar\n"
    assert markdown[298] == "- - foo\n"
