"""One-line patches to WeasyPrint 70.0's footnote layout, each the change proposed upstream.

GCPM says a note's body is never placed on a page before its call, and a book never prints it
after. WeasyPrint moved notes to a later page for two reasons, both fixed here by recompiling the
upstream function with one line changed (a test pins the upstream source they apply to):

1. ``LayoutContext._update_footnote_area`` says a note overflows the footnote area when its
   bottom is below the area's, comparing two sums of floats with a bare ``>``. On a page whose
   height in CSS pixels is not a whole number (A4 is 1122.52 px) the sums differ in the last
   bit, so a note that fits is "overflowing" and is reported to the next page, where the same
   happens to the note after it (Kozea/WeasyPrint#2502, "one footnote per page, on the page
   after the call"). The patch compares with ``LayoutContext.overflows``, the 1e-9 relative
   tolerance every other page-overflow test of WeasyPrint uses.
2. ``_linebox_layout``, when a line does not fit but breaking before it would break orphans or
   widows, reports the page's notes, last first, until the line fits (added for
   Kozea/WeasyPrint#2432): notes whose calls stay on the page move to the next one, in reverse
   order when two go. The patch never reports them; the page breaks where orphans and widows
   allow, as it does on a page without notes.

A note that really does not fit is handled by ``footnote-policy: line`` (article.css): the
call's line moves to the next page with its note.

Automatic hyphenation splits names ("Ka-bul", "Wash-ing-ton"): :class:`NamesWhole` is the
pyphen dictionary WeasyPrint's line breaking uses, except that a capitalised word is never
split (a CSS hyphenation dictionary cannot say that).

WeasyPrint's tagging maps every unknown HTML element to NonStruct; :func:`pdf_tag` maps an
``aside`` to Note (weasy.structure makes those that are not footnotes Aside), and lists to
UL/OL so that weasy.tagging can give them their ListNumbering before naming them L.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyphen
import weasyprint.layout.block as block
import weasyprint.pdf.tags as tags
import weasyprint.text.line_break as line_break
from weasyprint.layout import LayoutContext


@dataclass(frozen=True)
class Patch:
    """Replace ``old`` by ``new`` (one line) in ``name`` of ``owner`` (a class or module)."""

    owner: Any
    name: str
    old: str
    new: str

    def patched(self, upstream: Callable[..., Any]) -> Callable[..., Any]:
        """``upstream`` recompiled from its source with the line replaced, in its module; as
        it is when the line is not there (another WeasyPrint: the layout's footnote check
        then warns about any note off its call's page, and the pinning test fails)."""
        lines, first = inspect.getsourcelines(upstream)
        source = textwrap.dedent("".join(lines))
        if source.count(self.old) != 1:
            return upstream
        code = compile(
            "\n" * (first - 1) + source.replace(self.old, self.new),
            inspect.getsourcefile(upstream) or self.name,
            "exec",
        )
        namespace: dict[str, Any] = {}
        exec(code, upstream.__globals__, namespace)  # WeasyPrint's own source
        function: Callable[..., Any] = namespace[self.name]
        return function


PATCHES = (
    Patch(
        LayoutContext,
        "_update_footnote_area",
        "overflow = last_child_bottom > footnote_area_bottom",
        "overflow = self.overflows(footnote_area_bottom, last_child_bottom)",
    ),
    Patch(
        block,
        "_linebox_layout",
        "report = not context.in_column and can_break_now and not could_break_before",
        "report = False",
    ),
)
UPSTREAM = {patch.name: getattr(patch.owner, patch.name) for patch in PATCHES}
PATCHED = {patch.name: patch.patched(UPSTREAM[patch.name]) for patch in PATCHES}


UPSTREAM_PDF_TAG = tags._get_pdf_tag
STRUCTURE_TYPES = {"aside": "Note", "ul": "UL", "ol": "OL"}


def pdf_tag(tag: str | None) -> str:
    """The structure type of an HTML element: WeasyPrint's, but for :data:`STRUCTURE_TYPES`."""
    mapped: str = STRUCTURE_TYPES.get(tag or "") or UPSTREAM_PDF_TAG(tag)
    return mapped


class NamesWhole(pyphen.Pyphen):  # type: ignore[misc]
    """A pyphen dictionary that leaves capitalised words (names, mostly) whole."""

    def iterate(self, word: str) -> Any:
        return iter(()) if word[:1].isupper() else super().iterate(word)


class Hyphenation:
    """What ``weasyprint.text.line_break`` uses of pyphen, with :class:`NamesWhole`."""

    Pyphen = NamesWhole
    language_fallback = staticmethod(pyphen.language_fallback)


def install(patched: bool = True) -> None:
    """Put the patched functions in place (or, for a test, the upstream ones back)."""
    for patch in PATCHES:
        setattr(patch.owner, patch.name, (PATCHED if patched else UPSTREAM)[patch.name])
    tags._get_pdf_tag = pdf_tag if patched else UPSTREAM_PDF_TAG
    line_break.pyphen = Hyphenation if patched else pyphen
