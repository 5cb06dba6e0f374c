"""The contents' page numbers (``target-counter(attr(href url), page)``) right in WeasyPrint's
second pass, so that no third pass lays their pages out again.

WeasyPrint 70 fills such a number when it makes the page that holds it: in the first pass
its targets are not laid out yet (the number is 0), and the second pass makes the contents'
pages again with those zeros, because the page count changed; only then are the numbers
parsed again, now known, and a third pass lays the pages out with them. (The targets never
call for it themselves: the lookup is filed under no anchor name.) Parsing those numbers
again before the second pass, with the same page counters, lays the pages out once less and
gives the same pages.
"""

from __future__ import annotations

import copy
from typing import Any

import weasyprint.layout as layout

UPSTREAM = layout.make_all_pages


def make_all_pages(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Any:
    """WeasyPrint's pass over the pages, after a first one with every target known."""
    if pages:
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
        if values != item.cached_page_counter_values:
            item.cached_page_counter_values = copy.deepcopy(values)
            item.parse_again(values)


def install(patched: bool = True) -> None:
    """Parse the targets' numbers before a second pass (or, for a test, as upstream does)."""
    layout.make_all_pages = make_all_pages if patched else UPSTREAM
