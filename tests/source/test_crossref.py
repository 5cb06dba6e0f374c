"""Long reports, the source stage: Pandoc's syntax parsed, numbers, references and their errors."""

from __future__ import annotations

import pytest

from briefexport.brand import load_brand
from briefexport.commands.check import check_source
from briefexport.errors import SourceError
from briefexport.render.report import contents
from briefexport.source.crossref import estimated_pages
from briefexport.source.reader import read_article
from conftest import FIXTURES

HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n"
NIST = FIXTURES / "long" / "nist-report.md"
BODY = """\
# Introduction {#sec:intro}

See @fig:water and @tbl:totals, then @sec:intro and @sec:method. Mail a@fig:b.

![Water use](water.png "Water by sector"){#fig:water}

| a | b |
|---|---|
| 1 | 2 |

Table: Totals by *year* {#tbl:totals .landscape}

## Method

: Before its table, as Pandoc allows {#tbl:before}

| c |
|---|
| 3 |
"""


def test_ids_numbers_and_references(write_source):
    article = read_article(write_source(HEAD + "---\n" + BODY))
    refs = article.crossrefs
    assert [(r.key, r.line, refs.label(r.target)) for r in refs.references] == [
        ("fig:water", 8, "Figure 1"),
        ("tbl:totals", 8, "Table 1"),
        ("sec:intro", 8, "Section 1"),
        ("sec:method", 8, "Section 1.1"),  # an automatic heading id, with the sec: prefix
    ]
    assert refs.targets["tbl:before"].number == "2"
    table = next(node for node in article.body.walk() if node.type == "table")
    assert table.attrs == {"id": "tbl:totals", "class": "landscape"}
    assert table.children[0].type == "caption"
    assert [n.type for n in table.children[0].walk()] == ["caption", "inline", "text", "em", "text"]
    text = "".join(n.content for n in article.body.walk() if n.type == "text")
    assert "Mail a@fig:b." in text  # an address is not a reference
    assert "Table:" not in text and "{#" not in text


def test_labels_follow_the_language(write_source):
    article = read_article(write_source(HEAD + "lang: ru\n---\n" + BODY))
    assert [article.crossrefs.label(r.target) for r in article.crossrefs.references][:3] == [
        "Рисунок 1",
        "Таблица 1",
        "Раздел 1",
    ]


def test_fenced_divs_spans_and_passage_quotes(write_source):
    article = read_article(
        write_source(
            HEAD
            + '---\n::: {.sidebar title="A box"}\nSaid "yes" and [он "да"]{lang=ru}.\n\n'
            + '::: {lang=ru}\nОн сказал "нет".\n:::\n:::\n\nAfter "this".\n'
        )
    )
    sidebar = article.body.children[0]
    assert (sidebar.type, sidebar.attrs) == ("div", {"title": "A box", "class": "sidebar"})
    assert sidebar.children[1].attrs == {"lang": "ru"}
    texts = [n.content for n in article.body.walk() if n.type == "text"]
    assert texts == ["Said “yes” and ", "он «да»", ".", "Он сказал «нет».", "After “this”."]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Text.\n\nSee @fig:nope here.\n", 8, "reference @fig:nope: no such id"),
        ("# A {#sec:a}\n\n# B {#sec:a}\n", 8, "id 'sec:a' is used twice"),
        ("![a](x.png){#fig:x}\n\n![b](y.png){#fig:x}\n", 8, "id 'fig:x' is used twice"),
        ("Text @tbl:a.\n\n| a |\n|---|\n| 1 |\n\nTable: T {#tbl:b}\n", 6, "reference @tbl:a"),
    ],
)
def test_a_bad_reference_is_an_error_at_its_line(write_source, body, line, message):
    with pytest.raises(SourceError) as caught:
        read_article(write_source(HEAD + "---\n" + body))
    assert caught.value.line == line
    assert caught.value.text.startswith(message)
    assert caught.value.hint


SUMMARY = """\
summary:
  bottom-line: "*See @tbl:t* and [@sec:a]{lang=ru}; not `@tbl:t`, \\\\@tbl:t or a@tbl:t."
  key-points:
    - First.
    - "[Table @tbl:t](https://example.org), then @fig:x."
"""
SUMMARY_BODY = (
    '# A {#sec:a}\n\n![Alt](x.png "X"){#fig:x}\n\n| a |\n|---|\n| 1 |\n\nTable: T {#tbl:t}\n'
)


def test_summary_references_are_written_as_labels_and_counted(write_source, settings):
    path = write_source(HEAD + SUMMARY + "---\n" + SUMMARY_BODY)
    article = read_article(path)
    assert article.summary is not None
    assert article.summary.bottom_line == (
        "*See Table 1* and [Section 1]{lang=ru}; not `@tbl:t`, \\@tbl:t or a@tbl:t."
    )
    assert article.summary.key_points[1] == "[Table Table 1](https://example.org), then Figure 1."
    assert [(r.key, r.line) for r in article.crossrefs.references] == [
        ("tbl:t", 6),
        ("sec:a", 6),
        ("tbl:t", 9),
        ("fig:x", 9),
    ]
    assert not any("never referenced" in str(f) for f in check_source(path, settings))


def test_a_summary_reference_to_no_such_id_is_an_error_at_its_item(write_source):
    source = HEAD + SUMMARY.replace("@fig:x", "@fig:nope") + "---\n" + SUMMARY_BODY
    with pytest.raises(SourceError, match="reference @fig:nope: no such id") as caught:
        read_article(write_source(source))
    assert caught.value.line == 9


def test_a_derived_summary_reads_the_labels(write_source):
    opening = "Exports recovered by a third once the corridor opened, as @tbl:t shows."
    lead = "Port authorities publish weekly figures, which @tbl:t sums by quarter."
    table = "| a |\n|---|\n| 1 |\n\nTable: T {#tbl:t}"
    body = f"{opening}\n\n# A\n\n{lead} They revise them monthly.\n\n{table}\n"
    article = read_article(write_source(HEAD + "---\n" + body))
    summary = article.effective_summary
    assert summary.bottom_line == opening.replace("@tbl:t", "Table 1")
    assert summary.key_points == (lead.replace("@tbl:t", "Table 1"),)


@pytest.mark.parametrize("value", ["sometimes", "2", "[a]"])
def test_toc_must_be_a_flag(write_source, value):
    with pytest.raises(SourceError, match="'toc' must be true or false") as caught:
        read_article(write_source(HEAD + f"toc: {value}\n---\nText.\n"))
    assert caught.value.line == 5


@pytest.mark.parametrize("value", ["0", "7", "two", "true"])
def test_toc_depth_is_one_to_six(write_source, value):
    with pytest.raises(SourceError, match="'toc-depth' must be a whole number from 1 to 6"):
        read_article(write_source(HEAD + f"toc-depth: {value}\n---\nText.\n"))


def test_check_reports_unused_ids_and_figures_without_caption(write_source, settings):
    path = write_source(
        HEAD + "---\n# A {#sec:a}\n\n![Alt](x.png){#fig:x}\n\nSee @fig:x.\n", "a.md"
    )
    found = [str(f).removeprefix(f"{path}:") for f in check_source(path, settings)]
    assert (
        "6: warning: id 'sec:a' is never referenced (write @sec:a where it helps the reader, "
        "or drop the id)" in found
    )
    assert any(f.startswith("8: warning: figure 'fig:x' has no caption") for f in found)


def test_the_public_report_fixture(settings):
    article = read_article(NIST)
    refs = article.crossrefs
    figures = [t for t in refs.by_node.values() if t.kind == "fig"]
    tables = [t for t in refs.by_node.values() if t.kind == "tbl"]
    assert [t.anchor for t in figures] == ["fig:model", "fig:ial", "fig:aal", "fig:fal"]
    assert [t.number for t in tables] == ["1", "2", "3", "4", "5", "6"]
    assert refs.label(refs.targets["sec:risk-overview"]) == "Section 5.1"  # NIST's own numbering
    assert refs.label(refs.targets["tbl:combinations"]) == "Table 6"
    assert article.toc is True and article.toc_depth == 2
    assert estimated_pages(article) > 8
    assert [str(f).split(": ", 1)[1] for f in check_source(NIST, settings)] == [
        "warning: id 'sec:purpose' is never referenced (write @sec:purpose where it helps the "
        "reader, or drop the id)",
        "warning: id 'tbl:sections' is never referenced (write @tbl:sections where it helps the "
        "reader, or drop the id)",
        "warning: id 'sec:model' is never referenced (write @sec:model where it helps the "
        "reader, or drop the id)",
    ]


@pytest.mark.parametrize(
    ("front", "entries"),
    [
        ("", 41),  # no toc key: the estimate (over 8 pages) decides; toc-depth 3 by default
        ("toc: false\n", 0),
        ("toc: true\ntoc-depth: 1\n", 8),
    ],
)
def test_contents_follow_toc_toc_depth_and_the_brand(write_source, settings, front, entries):
    text = NIST.read_text(encoding="utf-8").replace("toc: true\ntoc-depth: 2\n", front)
    article = read_article(write_source(text))
    assert len(contents(article, load_brand(settings.brand_file))) == entries


def test_a_short_article_has_no_contents(kazakhstan, settings):
    assert estimated_pages(kazakhstan) < 8
    assert contents(kazakhstan, load_brand(settings.brand_file)) == []
