"""List markers in the PDF sit on the first line of their item's text (issue 13), whatever the
item opens with: a paragraph (a loose list), a quote, code or a heading; each item is tagged LI
with its Lbl first, then its LBody. (An item that opens with a nested list or a table still has
its marker above it, as in a browser.) Nor does a marker break from its text when the text's
first line overflows by a hair ("–" allowed a break after it: the OMB M-16-21 memo's "v.")."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import TextBox

from briefexport.commands.pdfpage import classify, read_pages
from briefexport.commands.verify import verify_article
from briefexport.readback.pdfua import check_pdfua
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy import engine  # noqa: F401  (installs weasy.overrides)
from conftest import ROOT, rendered

LOOSE = """---
title: Loose lists
date: 2024-03-01
author: Test
---

Before the list.

1. A loose item whose paragraph is long enough to wrap onto a second line of the page's text.

   Its second paragraph, long enough to wrap onto a second line of the text as well, here.

2. > A quote that opens the item, long enough to wrap onto another line of the page's text.

3. ```
   code that opens the item
   ```

4. ### A heading that opens the item

   Text after it.

- A bullet of a loose list.

    - iv. License details; and

    - v. Any other relevant technical details on how to build, make, install, or use the
      software, including dependencies (if applicable).

- Another bullet of it.
"""


@pytest.fixture(scope="module", params=["letter", "a4"])
def loose(request, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp(f"lists-{request.param}")
    source = folder / "loose.md"
    source.write_text(LOOSE, encoding="utf-8")
    settings = Settings(project=ROOT, paper=request.param)
    (folder / "out" / "loose").mkdir(parents=True)  # where verify looks, as a build writes it
    return source, rendered("pdf", source, folder / "out" / "loose", settings)


def test_every_marker_is_on_its_items_first_line(loose):
    source, pdf = loose
    pages = read_pages(pdf)
    classify(pages, [[] for _ in pages])
    markers = [marker for page in pages for marker in page.markers()]
    assert [text for text, _, _ in markers] == ["1.", "2.", "3.", "4.", "•", "–", "–", "•"]
    assert [text for text, _, alone in markers if alone] == []  # each marker was alone
    [finding] = verify_article(read_article(source), pdf.parent.parent, ["pdf"], "Test")
    assert finding.ok, finding.problems


def test_every_item_is_tagged_lbl_then_lbody(loose):
    _, path = loose
    data = path.read_bytes()
    assert check_pdfua(data) == []
    with pikepdf.open(path) as pdf:
        items = [
            [str(kid.S) for kid in element.K]
            for element in _elements(pdf.Root.StructTreeRoot)
            if element.get("/S") == "/LI"
        ]
    assert items == [["/Lbl", "/LBody"]] * 8


def _elements(element: pikepdf.Dictionary):
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_an_outside_marker_still_hangs_left_of_its_text():
    """Only a marker inside its item is moved into the item's first line: an outside one (the
    one-pager's lists) is a block of its own by design and hangs left of every line."""
    html = '<ul style="list-style-position: outside"><li><p>One two three four.</p></li></ul>'
    page = HTML(string=html).render().pages[0]._page_box
    [marker] = [b for b in page.descendants() if b.element_tag == "li::marker"]
    [text] = [b for b in page.descendants() if isinstance(b, TextBox) and "One" in b.text]
    [item] = [b for b in page.descendants() if b.element_tag == "li"]
    assert marker.position_x + marker.width <= text.position_x
    assert marker.position_x < item.content_box_x()  # left of every line of the item
