"""The contents' leader dots drawn from one Pango layout, not shaped again dot by dot.

WeasyPrint 70.0 fills a ``leader(". ")`` with copies of one text box, one per dot
(``layout.leader.handle_leader``: ``text_box.copy()``, which shares the box's Pango layout),
and ``draw.text.draw_text`` draws each copy as any text: it makes the Pango layout again
(``Layout.reactivate``: a Pango context, a font description, the text shaped), then turns its
glyphs into ``TJ`` strings. A contents line has some fifty dots; the long report's 38 entries
drew 1,870, 40 % of its text boxes. Their output differs only in the text matrix (where the
dot stands). :func:`draw_text` records the stream calls of the first box drawn with a layout
(by page stream, style and text) and plays them back for each box that shares that layout,
with the box's own text matrix: the same calls in the same order, so the PDF is byte for byte
the same. Only boxes whose drawing depends on nothing else are played back: no decoration
(underlines are drawn from the box's offset), no ellipsis, no emoji and no call but those of
:data:`REPLAYED` (and ``add_font``, whose font the stream already holds).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from typing import Any

import weasyprint.draw as draw
from weasyprint.draw import text as draw_texts
from weasyprint.layout import leader
from weasyprint.matrix import Matrix

UPSTREAM = draw_texts.draw_text
UPSTREAM_DIGEST = "71dadd24caf3ba16"
"""Of the source of WeasyPrint 70.0's ``draw_text``, ``draw_first_line`` and ``handle_leader``
(whose dots share a layout): a test fails when another version differs."""
REPLAYED = frozenset(
    [
        "set_color",
        "begin_text",
        "set_text_matrix",
        "set_font_size",
        "show_text",
        "set_text_rise",
        "end_text",
    ]
)
SKIPPED = frozenset(["add_font"])  # its font is already in the stream's fonts
Call = tuple[str, tuple[Any, ...], dict[str, Any]]


class Recorder:
    """A page's stream that notes the calls made to it, for :func:`draw_text`."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.calls: list[Call] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.stream, name)
        if not inspect.ismethod(value):
            return value  # a C rectangle, say

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            return value(*args, **kwargs)

        return call


def replayable(calls: list[Call]) -> bool:
    """Whether the calls depend on the box's place only through one text matrix."""
    names = [name for name, _, _ in calls]
    return names.count("set_text_matrix") <= 1 and set(names) <= REPLAYED | SKIPPED


def draw_text(
    stream: Any, textbox: Any, offset_x: float, text_overflow: str, block_ellipsis: str
) -> None:
    """WeasyPrint's ``draw_text``; a box sharing the layout of one drawn before on the same
    page has that one's calls played back, at its own place."""
    style = textbox.style
    if (
        style["text_decoration_line"] != "none"
        or text_overflow != "clip"
        or block_ellipsis != "none"
    ):
        return UPSTREAM(stream, textbox, offset_x, text_overflow, block_ellipsis)  # type: ignore[no-any-return]
    drawn: dict[tuple[Any, ...], tuple[Any, Any, list[Call] | None]] | None = getattr(
        stream, "_briefexport_drawn", None
    )
    if drawn is None:
        drawn = stream._briefexport_drawn = {}
    key = (id(textbox.pango_layout), id(style), textbox.text)
    found = drawn.get(key)
    if found is not None and found[0] is textbox.pango_layout and found[1] is style:
        calls = found[2]
        if calls is not None:
            play(stream, calls, textbox)
            return None
        return UPSTREAM(stream, textbox, offset_x, text_overflow, block_ellipsis)  # type: ignore[no-any-return]
    recorder = Recorder(stream)
    UPSTREAM(recorder, textbox, offset_x, text_overflow, block_ellipsis)
    kept = recorder.calls if replayable(recorder.calls) else None
    drawn[key] = (textbox.pango_layout, style, kept)  # kept alive: their ids stay theirs
    return None


def play(stream: Any, calls: list[Call], textbox: Any) -> None:
    """The recorded calls, with the text matrix of ``textbox``'s place."""
    x, y = textbox.position_x, textbox.position_y + textbox.baseline
    for name, args, kwargs in calls:
        if name in SKIPPED:
            continue
        method: Callable[..., Any] = getattr(stream, name)
        if name == "set_text_matrix":
            method(*Matrix(d=-1, e=x, f=y).values)
        else:
            method(*args, **kwargs)


def upstream_digest() -> str:
    """The digest of the upstream source this module relies on (see :data:`UPSTREAM_DIGEST`)."""
    parts = (draw_texts.draw_text, draw_texts.draw_first_line, leader.handle_leader)
    source = "".join(inspect.getsource(part) for part in parts)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def install(patched: bool = True) -> None:
    """Play the shared layouts' calls back (or, for a test, draw each box as upstream does)."""
    draw.draw_text = draw_text if patched else UPSTREAM
