"""The references of a PDF's pages, made once: WeasyPrint's tagging names the page of every
structure element (``pdf.page_references[page_number]``), and pydyf's property makes the tuple
of all the document's page references at each call, so tagging a document cost as many
references as its elements times its pages (4,800 elements of a 62-page report: 300,000).

Pages are only ever appended (``PDF.add_page``), so the tuple made for a number of pages stays
true until another page is added.
"""

from __future__ import annotations

from typing import Any

import pydyf

UPSTREAM = pydyf.PDF.page_references


def page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, made again only when a page was added."""
    count = len(pdf.pages["Kids"])
    made: tuple[int, tuple[bytes, ...]] | None = getattr(pdf, "_briefexport_pages", None)
    if made is None or made[0] != count:
        made = (count, UPSTREAM.fget(pdf))
        pdf._briefexport_pages = made
    return made[1]


def install(patched: bool = True) -> None:
    """Make the references once (or, for a test, at every call as upstream does)."""
    pydyf.PDF.page_references = property(page_references) if patched else UPSTREAM
