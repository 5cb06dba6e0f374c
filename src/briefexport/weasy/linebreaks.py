"""A paragraph's lines broken once per layout: WeasyPrint's ``split_first_line`` remembered.

WeasyPrint 70.0 breaks a block's text one line at a time, asking Pango to shape the rest of a
text box's text at the line's width (``text.line_break.split_first_line``, from
``layout.inline.split_text_box`` and the preferred widths of ``layout.preferred``). Whenever
a page is laid out again (a float moved, the contents' page numbers known, a page measured
for a float) or a table's columns are measured again, the same text is shaped again at the
same width, to the same answer. :func:`split_first_line` keeps each answer for the layout
(one :class:`~weasyprint.layout.LayoutContext`, one render), keyed by the text, the style
object (kept alive with the answer, so that its ``id`` is not reused), the width and every
other argument, and whether the line may end with a hyphen (weasy.overrides withholds the
dictionaries after two hyphenated lines in a row). Upstream returns its Pango layout
*deactivated* (``first_line_metrics`` drops the Pango objects and keeps the text and
metrics); each caller gets a copy of the kept one, as drawing reactivates the layout it
is given. The answers are the very ones upstream gives, so the PDF is byte for byte the same.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
from typing import Any

import weasyprint.layout.inline as inline
import weasyprint.layout.preferred as preferred
from weasyprint.text import line_break

UPSTREAM = line_break.split_first_line
UPSTREAM_DIGEST = "ccdc7aaa5cd52981"
"""Of the source of WeasyPrint 70.0's ``split_first_line``, ``first_line_metrics`` (which
deactivates the layout it returns) and ``Layout``: a test fails when another version differs."""
Answer = tuple[Any, int, int | None, float, float, float]


def split_first_line(
    text: str,
    style: Any,
    context: Any,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = True,
    minimum: bool = False,
) -> Answer:
    """WeasyPrint's ``split_first_line``, computed once per layout for the same arguments."""
    arguments = (text, style, context, max_width, justification_spacing, is_line_start, minimum)
    known: dict[tuple[Any, ...], tuple[Any, Answer]] | None = (
        getattr(context, "_briefexport_lines", None) if context is not None else None
    )
    if known is None:
        if context is None:
            return UPSTREAM(*arguments)  # type: ignore[no-any-return]
        known = context._briefexport_lines = {}
    withheld = type(getattr(context, "dictionaries", None))
    key = (text, id(style), max_width, justification_spacing, is_line_start, minimum, withheld)
    found = known.get(key)
    if found is None or found[0] is not style:
        found = known[key] = (style, UPSTREAM(*arguments))
    layout, *metrics = found[1]
    return (copy.copy(layout), *metrics)


def upstream_digest() -> str:
    """The digest of the upstream source this module relies on (see :data:`UPSTREAM_DIGEST`)."""
    parts = (line_break.split_first_line, line_break.first_line_metrics, line_break.Layout)
    source = "".join(inspect.getsource(part) for part in parts)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def install(patched: bool = True) -> None:
    """Remember the lines (or, for a test, break them again each time as upstream does)."""
    function = split_first_line if patched else UPSTREAM
    inline.split_first_line = function
    preferred.split_first_line = function
