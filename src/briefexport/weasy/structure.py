"""What WeasyPrint 70's tagging leaves out, added while a PDF is written.

- ``/Lang`` on the structure element of every element with its own ``lang`` attribute (a
  Russian quotation in an English brief): screen readers switch voice there. WeasyPrint sets
  only the catalog's ``/Lang``.
- ``<aside>`` boxes (sidebars, notes, warnings, the key-takeaways box) as an ``/Aside``
  element, role-mapped to ``/Sect`` as PDF 1.7 requires of a type it does not define (PDF 2.0
  defines ``Aside``); overrides.pdf_tag makes every aside a ``/Note``, which only a footnote
  (``<aside class="footnote">``, render.html) is.

Pinned internals: ``weasyprint.pdf.tags._build_box_tree`` (box, parent, pdf, …) yields the
element it made for ``box`` (for ``html``, ``body`` and page boxes, its children's), and
``weasyprint.pdf.add_tags`` adds the ``/StructTreeRoot``; tests/writers/pdf/test_long_pdf.py
reads both results back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes

ROLE_MAP = {"Aside": "/Sect"}
TRANSPARENT = ("html", "body")


@contextmanager
def tagged_structure() -> Iterator[None]:
    """Within the block, tagged PDFs get ``/Lang`` on elements and ``/Aside`` for asides."""
    import weasyprint.pdf as writer
    import weasyprint.pdf.tags as tags

    build, add = tags._build_box_tree, writer.add_tags

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        own = box.element is not None and box.element_tag not in TRANSPARENT
        own = own and not isinstance(box, boxes.PageBox | boxes.MarginBox)
        for element in build(box, parent, *args):
            if own:
                mark(element, box)
            yield element

    def add_tags(pdf: Any, *args: Any) -> None:
        add(pdf, *args)
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructTreeRoot":
                obj["RoleMap"] = pydyf.Dictionary(ROLE_MAP)

    tags._build_box_tree, writer.add_tags = build_box_tree, add_tags
    try:
        yield
    finally:
        tags._build_box_tree, writer.add_tags = build, add


def mark(element: Any, box: Any) -> None:
    """Give ``box``'s structure element its language and, for an aside, its type."""
    lang = box.element.get("lang")
    if lang:
        element["Lang"] = pydyf.String(lang)
    footnote = "footnote" in (box.element.get("class") or "").split()
    if box.element_tag == "aside" and not footnote and element["S"] in ("/Note", "/NonStruct"):
        element["S"] = "/Aside"
