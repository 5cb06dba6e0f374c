"""A PDF's page references made once per page count: the same references, kept current."""

from __future__ import annotations

import pydyf

import briefexport.weasy.engine  # noqa: F401  (installs the patches)
from briefexport.weasy import pagerefs


def test_the_references_are_upstreams_made_once_until_a_page_is_added():
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == pagerefs.UPSTREAM.fget(pdf)
    assert len(first) == 3 and first[0].endswith(b" 0 R")
    assert pdf.page_references is first  # not made again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == pagerefs.UPSTREAM.fget(pdf)
    assert len(pdf.page_references) == 4
