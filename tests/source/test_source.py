"""Reading and validating canonical sources."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from markdown_it import MarkdownIt

from briefexport.errors import SourceError
from briefexport.source.markdown import raw_html_lines
from briefexport.source.reader import read_article
from conftest import FIXTURES, KAZAKHSTAN, ROOT

SEED = FIXTURES / "seed" / "kazakhstan.txt"  # the author's text as delivered (shared/seed)

GOOD = """---
title: A title
date: 2024-03-01
author: Jane Doe
---

Body text.
"""


def test_kazakhstan_front_matter(kazakhstan):
    assert kazakhstan.title == "Kazakhstan’s Crisis Calls for a Central Asia Policy Reboot"
    assert kazakhstan.date == dt.date(2022, 1, 24)
    assert kazakhstan.authors[0].name == "Svante E. Cornell"
    assert "Central Asia-Caucasus Institute" in kazakhstan.authors[0].bio
    assert kazakhstan.originally_published == "The National Interest"
    assert kazakhstan.categories == ("Public Diplomacy and Information Operations", "Central Asia")
    assert kazakhstan.copyright.startswith("© 2025")
    assert kazakhstan.summary is not None
    assert 3 <= len(kazakhstan.summary.key_points) <= 5
    assert any("C5+1" in r for r in kazakhstan.summary.recommendations)
    assert any("interagency" in r for r in kazakhstan.summary.recommendations)
    assert kazakhstan.warnings == ()


def test_every_seed_sentence_is_in_the_source_verbatim():
    source = KAZAKHSTAN.read_text(encoding="utf-8")
    skip = ("## Kazakhstan's Crisis", "January 24, 2022", "Related Categories")
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.replace(
            "## **American and European Policies**", "## American and European Policies"
        )
        if line.strip() and not line.startswith(skip):
            assert line.strip() in source, line[:60]


def test_author_forms(write_source):
    names = write_source(GOOD.replace("author: Jane Doe", "author: [Jane Doe, John Roe]"))
    assert [a.name for a in read_article(names).authors] == ["Jane Doe", "John Roe"]
    mapping = write_source(
        GOOD.replace("author: Jane Doe", "author:\n  - name: Jane Doe\n    role: Fellow")
    )
    assert read_article(mapping).authors[0].role == "Fellow"


def test_bom_and_crlf_simply_work(write_source):
    path = write_source(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    article = read_article(path)
    assert article.title == "A title"


def test_smart_punctuation_in_front_matter(write_source):
    path = write_source(GOOD.replace("A title", "'It''s \"<b>odd</b>\" -- {{ 7*7 }}'"))
    assert read_article(path).title == "It’s “<b>odd</b>” – {{ 7*7 }}"


def test_raw_html_is_a_warning(write_source):
    path = write_source(GOOD + "\nA <script>alert(1)</script> here.\n")
    [notice] = read_article(path).warnings
    assert str(notice) == f"{path}:9: warning: raw HTML is not rendered; it is printed as text"


BAD = [
    ("", "1: the file is empty (start with front matter: title, date, author)"),
    (
        "Just text\n",
        "1: no front matter (start the file with a '---' line, then title, date and author, then '---')",
    ),
    ("---\ntitle: x\n", "1: the front matter is never closed (add a '---' line after it)"),
    (
        "---\ntitle: [x\ndate: 2024-01-01\n---\nx\n",
        "3: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence)",
    ),
    ("---\ntitle: x\nauthor: y\n---\nx\n", "2: missing required key 'date' (add 'date: ...')"),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor: y\nsubtitel: z\n---\nx\n",
        "5: unknown key 'subtitel' (did you mean 'subtitle'?)",
    ),
    (
        "---\ntitle: x\ndate: 24/01/2022\nauthor: y\n---\nx\n",
        "3: 'date' is not a valid date: '24/01/2022' (write it as YYYY-MM-DD, e.g. 2022-01-24)",
    ),
    (
        "---\ntitle: x\ndate: 2024-02-30\nauthor: y\n---\nx\n",
        "3: 'date' is not a valid date: '2024-02-30' (write it as YYYY-MM-DD, e.g. 2022-01-24)",
    ),
    (
        "---\ntitle: [a, b]\ndate: 2024-01-01\nauthor: y\n---\nx\n",
        "2: 'title' must be text, not a list (quote the value)",
    ),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor: y\ncategories: 3\n---\nx\n",
        "5: 'categories' must be a list of text, not a number (write [a, b] or one '- item' per line)",
    ),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor:\n  - name: y\n    rol: z\n---\nx\n",
        "6: unknown key 'author.0.rol' (did you mean 'role'?)",
    ),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor: y\nsummary:\n  key-points: [a]\n---\nx\n",
        "5: missing required key 'summary.bottom-line' (add 'bottom-line: ...')",
    ),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor: y\nlang: english!\n---\nx\n",
        "5: 'lang' is not a language tag: 'english!' (write e.g. en, en-GB, ru)",
    ),
    (
        "---\n- a\n- b\n---\nx\n",
        "2: the front matter is not a mapping of keys (write 'key: value' lines such as 'title: ...')",
    ),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor: y\n---\n\n",
        "6: the article has no body (write the article's text below the closing '---')",
    ),
    (
        "---\ntitle: x\ndate: 2024-01-01\nauthor: y\n---\nbad \x00 byte\n",
        "6: contains a NUL byte (this looks like a binary file)",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[e.split(": ", 1)[1][:30] for _, e in BAD])
def test_bad_sources_fail_with_one_located_line(write_source, text, expected):
    path = write_source(text)
    with pytest.raises(SourceError) as caught:
        read_article(path)
    assert str(caught.value) == f"{path}:{expected}"
    assert "\n" not in str(caught.value)


def test_undecodable_bytes(write_source):
    path = write_source(GOOD.encode() + b"\nline \xff\xfe\n")
    with pytest.raises(
        SourceError, match=r":9: not valid UTF-8 \(byte 0xff\) \(save the file as UTF-8\)"
    ):
        read_article(path)


SPEC = json.loads((ROOT / "tests" / "corpus" / "commonmark" / "spec.json").read_text("utf-8"))
HTML_SECTIONS = {"HTML blocks", "Raw HTML", "Backslash escapes", "Autolinks"}


@pytest.mark.parametrize(
    "example",
    [e for e in SPEC if e["section"] in HTML_SECTIONS],
    ids=lambda e: f"{e['section']}-{e['example']}",
)
def test_raw_html_notice_fires_exactly_when_commonmark_passes_html_through(example):
    """The oracle: the specification's own HTML (raw HTML on) differs from the rendering with
    raw HTML off exactly when the example has raw HTML."""
    escaped = MarkdownIt("commonmark", {"html": False}).render(example["markdown"])
    assert bool(raw_html_lines(example["markdown"])) == (escaped != example["html"])
