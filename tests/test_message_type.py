"""The one located message type: how it prints, how errors become messages, how a verdict of
verify becomes messages, and that ``Message(path, line, text)`` is a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefexport.commands.verify import Block, Finding
from briefexport.errors import (
    BriefExportError,
    ConfigError,
    LayoutError,
    ResourceError,
    SourceError,
)
from briefexport.messages import Message


def test_a_message_prints_path_line_severity_text_and_hint():
    assert str(Message(Path("a.md"), 3, "no alt text")) == "a.md:3: warning: no alt text"
    error = Message(Path("a.md"), 1, "empty", "error", "start with front matter")
    assert str(error) == "a.md:1: error: empty (start with front matter)"


def test_a_file_name_cannot_forge_a_line_of_output():
    message = Message(Path("evil\n/etc/x.md\u202e"), 2, "text")
    assert str(message) == "evil\\u000a/etc/x.md\\u202e:2: warning: text"
    assert "\n" not in str(message)


def test_a_message_without_a_severity_is_a_warning_and_cannot_change():
    warning = Message(Path("a.md"), 4, "footnote [^x] has no definition")
    assert warning == Message(Path("a.md"), 4, "footnote [^x] has no definition", "warning")
    with pytest.raises(AttributeError):
        warning.line = 5  # type: ignore[misc]


@pytest.mark.parametrize("kind", [LayoutError, ResourceError, ConfigError, BriefExportError])
def test_every_error_is_located_the_same_way(kind: type[BriefExportError]):
    error = kind("colour 'x' is not #RRGGBB", Path("styles/brand.yaml"), 7, "write e.g. #14325C")
    assert (error.path, error.line, error.hint) == (
        Path("styles/brand.yaml"),
        7,
        "write e.g. #14325C",
    )
    assert str(error) == "styles/brand.yaml:7: colour 'x' is not #RRGGBB (write e.g. #14325C)"
    assert str(kind("no such source")) == "no such source"


def test_a_source_error_keeps_its_positional_order_and_text():
    error = SourceError("a.md", 2, "invalid YAML", "check the front matter")
    assert str(error) == "a.md:2: invalid YAML (check the front matter)"
    assert error.text == "invalid YAML"


def test_an_error_becomes_an_error_message_at_its_place_or_the_file_given():
    located = LayoutError("summary overflows", Path("a.md"), 6, "shorten it")
    assert Message.of(located, Path("b.md")) == Message(
        Path("a.md"), 6, "summary overflows", "error", "shorten it"
    )
    assert Message.of(ConfigError("bad"), Path("b.md")) == Message(Path("b.md"), 1, "bad", "error")


def test_a_verify_verdict_becomes_messages_at_source_lines_or_at_the_output():
    finding = Finding(
        Path("build/a/a.pdf"),
        [Block("paragraph", "x" * 80, 12)],
        ["line 30: note 2 has no call in the text", "not tagged (no structure tree)"],
    )
    assert [str(m) for m in finding.messages(Path("source/a.md"))] == [
        f"source/a.md:12: error: missing paragraph: {'x' * 70}",
        "source/a.md:30: error: note 2 has no call in the text",
        "build/a/a.pdf:1: error: not tagged (no structure tree)",
    ]
    assert Finding(Path("build/a/a.pdf")).messages(Path("source/a.md")) == []
