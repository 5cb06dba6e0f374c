"""The contents' page numbers (``target-counter(attr(href url), page)``) right in WeasyPrint's
second pass, so that no third pass lays their pages out again.

WeasyPrint 70 fills such a number when it makes the page that holds it: in the first pass
its targets are not laid out yet (the number is 0). When a target is laid out, the pages whose
numbers point to it are marked to be made again (weasy.overrides files the lookups under
their anchor, so that this happens at all), and in the second pass two things made them a
third time: each target's cached counters still held the first pass's page count, so the
target looked moved and marked them again; and the numbers were parsed again only after
their page was made. Before a later pass, the targets' counters are given the page count
WeasyPrint gives the pages' own, and the numbers are parsed again with the counters of the
page that holds them: the pages are laid out once less, to the same bytes.
"""

from __future__ import annotations

import copy
from typing import Any

import weasyprint.layout as layout

UPSTREAM = layout.make_all_pages


def make_all_pages(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Any:
    """WeasyPrint's pass over the pages, after a first one with every target known."""
    if pages:
        total = [len(pages)]
        for target in context.target_collector.target_lookup_items.values():
            if "pages" in target.cached_page_counter_values:
                target.cached_page_counter_values["pages"] = total
        parse_targets_again(context)
    return UPSTREAM(context, root_box, html, pages)


def parse_targets_again(context: Any) -> None:
    """Parse again each generated text that uses a target's counters, with the counters of
    the page that holds it, when they are not the ones it was parsed with (as
    ``make_page`` would when making that page)."""
    maker = context.page_maker
    for (_, token), item in context.target_collector.counter_lookup_items.items():
        index = item.page_maker_index
        if token != "content" or not item.missing_target_counters or index is None:
            continue
        if index + 1 >= len(maker):
            continue
        values = maker[index + 1][3][1]
        if item.pending or values != item.cached_page_counter_values:
            item.cached_page_counter_values = copy.deepcopy(values)
            item.pending = False
            item.parse_again(values)


def install(patched: bool = True) -> None:
    """Parse the targets' numbers before a second pass (or, for a test, as upstream does)."""
    layout.make_all_pages = make_all_pages if patched else UPSTREAM
