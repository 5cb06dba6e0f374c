"""A PDF's objects serialised once for the trailer's /ID: the bytes pydyf writes."""

from __future__ import annotations

import io
from typing import Any

import pydyf
import pytest

from briefexport.weasy import engine, trailer  # noqa: F401  (engine installs the patches)


def document() -> pydyf.PDF:
    """A small PDF with a compressed content stream, a font dictionary and an info object."""
    pdf = pydyf.PDF()
    pdf.info["Producer"] = pydyf.String("test")
    content = pydyf.Stream(compress=True)
    content.begin_text()
    content.set_font_size("F1", 12)
    content.show_text(pydyf.String("Hello"))
    content.end_text()
    pdf.add_object(content)
    font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Helvetica"})
    pdf.add_object(font)
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": font.reference})})
    pdf.add_page(
        pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array([0, 0, 200, 200]),
                "Contents": content.reference,
                "Resources": resources,
            }
        )
    )
    return pdf


def written(write: Any, **options: Any) -> bytes:
    output = io.BytesIO()
    write(document(), output, **options)
    return output.getvalue()


def test_the_patch_applies_to_this_pydyf():
    assert trailer.PATCHED is not trailer.UPSTREAM
    assert pydyf.PDF.write is trailer.PATCHED


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("identifier", [True, b"fixed", False])
def test_the_bytes_are_upstreams(compress: bool, identifier: Any):
    options = {"version": b"1.7", "identifier": identifier, "compress": compress}
    ours = written(trailer.PATCHED, **options)
    assert ours == written(trailer.UPSTREAM, **options)
    assert (b"/ID" in ours) is bool(identifier)


def test_each_object_is_serialised_once(monkeypatch: pytest.MonkeyPatch):
    calls = []
    upstream = pydyf.Dictionary.data

    def counted(self: Any) -> bytes:
        calls.append(id(self))
        data: bytes = upstream.fget(self)
        return data

    monkeypatch.setattr(pydyf.Dictionary, "data", property(counted))
    written(trailer.PATCHED, identifier=True, compress=False)
    assert calls and len(calls) == len(set(calls))  # a nested one by its parent, once
