"""The contents' leader dots drawn once an entry and played back: the same PDF, shaped once."""

from __future__ import annotations

from typing import Any

from briefexport.source.reader import read_article
from briefexport.weasy import leaders
from briefexport.writers.pdf import PdfWriter

PARAGRAPH = "Words that fill the page for the test of the contents' leaders. " * 30


def test_the_upstream_source_is_the_one_the_playback_was_written_for():
    assert leaders.upstream_digest() == leaders.UPSTREAM_DIGEST


def test_the_dots_are_played_back_to_the_same_pdf(monkeypatch, write_source, settings):
    sections = "".join(f"# Section {n}\n\n{PARAGRAPH}\n\n" for n in range(1, 9))
    source = write_source(f"---\ntitle: T\ndate: 2024-01-01\nauthor: A\ntoc: true\n---\n{sections}")
    article = read_article(source)
    drawn: list[str] = []

    def counted(stream: Any, textbox: Any, *args: Any) -> Any:
        drawn.append(textbox.text)
        return upstream(stream, textbox, *args)

    upstream = leaders.UPSTREAM
    monkeypatch.setattr(leaders, "UPSTREAM", counted)
    data = PdfWriter().render(article, settings).data
    played = drawn.count(". ")
    drawn.clear()
    leaders.install(False)
    try:
        assert PdfWriter().render(article, settings).data == data
    finally:
        leaders.install()
    assert drawn.count(". ") > 8 * 20  # every dot of every entry, shaped again
    assert played == 8  # once an entry: its dots share one layout


def test_a_box_that_draws_more_than_a_text_matrix_is_not_played_back():
    assert leaders.replayable([("set_text_matrix", (), {}), ("show_text", ("<0011>",), {})])
    assert not leaders.replayable([("transform", (), {})])
    assert not leaders.replayable([("set_text_matrix", (), {})] * 2)
