"""Property-based fuzzing: random documents from the supported constructs never crash a writer
and lose no words.

Documents are built from headings, paragraphs (emphasis, strong, strikethrough, code, links with
safe and unsafe targets, quotes, punctuation), nested lists, block quotes, tables, code blocks and
footnotes, in Latin and Cyrillic. The generator knows every word it wrote, so loss is judged
against it, not against our own parser: the body's words must reach the output in order, and so
must the notes'. Many examples go through the PDF writer's HTML (fast, no layout) and the memo;
a few through the real PDF.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefexport.brand import load_brand
from briefexport.commands.verify import Block, letters, missing_in_order, verify_article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import output_path, writer
from briefexport.writers.pdf import PdfWriter
from conftest import ROOT

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZабвгдежзийклмнопрстуфхцчшщыэюяЖЩЯ"
WORD = st.text(alphabet=LETTERS, min_size=3, max_size=12)
PUNCTUATION = st.sampled_from(["", "", ",", ".", ";", ":", "!", "?", "…", " —", "%"])
TARGETS = st.sampled_from(
    ["https://example.org/a?b=1&c=2", "mailto:a@example.org", "#top", "javascript:alert(1)",
     "file:///etc/passwd", "../secret.md", "data:text/html,x"]
)  # fmt: skip
EXPLORE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 1  # tests/conftest.py
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@dataclass
class Document:
    """A source as it is written, and the words it holds, body and notes apart."""

    blocks: list[str] = field(default_factory=list)
    body_words: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    note_words: list[str] = field(default_factory=list)

    def source(self, title: str) -> str:
        definitions = [f"[^{n}]: {text}" for n, text in enumerate(self.notes, start=1)]
        front = f"---\ntitle: {json.dumps(title)}\ndate: 2024-03-01\nauthor: Fuzz\n---\n\n"
        return front + "\n\n".join(self.blocks + definitions) + "\n"


@st.composite
def inline(draw: st.DrawFn, document: Document, into: list[str], notes: bool = True) -> str:
    """A run of words with inline markup; footnote calls (at most two) when ``notes``."""
    pieces = []
    for _ in range(draw(st.integers(1, 10))):
        words = draw(st.lists(WORD, min_size=1, max_size=3))
        into.extend(words)
        text = " ".join(words)
        kind = draw(
            st.sampled_from(
                ["plain"] * 6 + ["em", "strong", "del", "code", "link", "quoted", "paren"]
            )
        )
        text = {
            "plain": text,
            "em": f"*{text}*",
            "strong": f"**{text}**",
            "del": f"~~{text}~~",
            "code": f"`{text}`",
            "link": f"[{text}]({draw(TARGETS)})",
            "quoted": f'"{text}"',
            "paren": f"({text})",
        }[kind]  # fmt: skip
        if notes and len(document.notes) < 40 and draw(st.integers(0, 9)) == 0:
            document.notes.append(draw(inline(document, document.note_words, notes=False)))
            text += f"[^{len(document.notes)}]"
        pieces.append(text + draw(PUNCTUATION))
    return " ".join(pieces)


@st.composite
def nested_list(draw: st.DrawFn, document: Document, depth: int = 0) -> str:
    lines = []
    ordered = draw(st.booleans())
    indent = " " * (3 if ordered else 2)
    for number in range(1, draw(st.integers(1, 4)) + 1):
        marker = f"{number}. " if ordered else "- "
        lines.append(marker + draw(inline(document, document.body_words)))
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            child = draw(nested_list(document, depth + 1))
            lines += [indent + line for line in child.split("\n")]
    return "\n".join(lines)


@st.composite
def table(draw: st.DrawFn, document: Document) -> str:
    columns = draw(st.integers(1, 7))
    rows = [
        [draw(inline(document, document.body_words, notes=False)) for _ in range(columns)]
        for _ in range(draw(st.integers(2, 4)))
    ]
    aligns = draw(
        st.lists(st.sampled_from(["---", ":--", "--:", ":-:"]), min_size=columns, max_size=columns)
    )
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(aligns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, Document]:
    """A title and a document of 1 to 12 blocks."""
    document = Document()
    title = " ".join(draw(st.lists(WORD, min_size=1, max_size=3)))  # one line of running head
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(
            st.sampled_from(["paragraph"] * 4 + ["heading", "list", "quote", "table", "code"])
        )
        if kind == "paragraph":
            block = draw(inline(document, document.body_words))
        elif kind == "heading":
            block = (
                "#" * draw(st.integers(1, 4))
                + " "
                + draw(inline(document, document.body_words, notes=False))
            )
        elif kind == "list":
            block = draw(nested_list(document))
        elif kind == "quote":
            block = "\n".join(
                "> " + draw(inline(document, document.body_words))
                for _ in range(draw(st.integers(1, 3)))
            )
        elif kind == "table":
            block = draw(table(document))
        else:
            words = draw(st.lists(WORD, min_size=1, max_size=8))
            document.body_words.extend(words)
            block = "```\n" + " ".join(words) + "\n```"
        document.blocks.append(block)
    return title, document


SETTINGS = Settings(project=ROOT)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (a function-scoped one would be shared across examples)."""
    return tmp_path_factory.mktemp("fuzz")


def write(work: Path, title: str, document: Document) -> Path:
    path = work / "fuzz.md"
    path.write_text(document.source(title), encoding="utf-8")
    return path


def words_in_order(words: list[str], text: str) -> list[Block]:
    return missing_in_order([Block("word", w) for w in words], letters(text))


@settings(FUZZ, max_examples=150 * EXPLORE)
@given(documents())
def test_html_never_crashes_and_loses_no_words(work, generated):
    title, document = generated
    article = read_article(write(work, title, document))
    page = PdfWriter().html(article, SETTINGS).html
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert words_in_order(document.body_words, text) == []
    assert words_in_order(document.note_words, text) == []
    assert letters(title) in letters(text)
    assert "javascript:" not in page and "file:///" not in page


def verified(work: Path, title: str, document: Document, name: str) -> None:
    article = read_article(write(work, title, document))
    path = output_path(work / "out", article, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(writer(name).render(article, SETTINGS).data)
    publisher = article.publisher or load_brand(SETTINGS.brand_file).organisation
    [finding] = verify_article(article, work / "out", [name], publisher)
    assert not finding.missing and not finding.problems, (finding.missing, finding.problems)


@settings(FUZZ, max_examples=25 * EXPLORE)
@given(documents())
def test_memo_reopens_and_loses_no_words(work, generated):
    verified(work, *generated, "memo")


@settings(FUZZ, max_examples=6 * EXPLORE)
@given(documents())
def test_pdf_loses_no_words(work, generated):
    verified(work, *generated, "pdf")
