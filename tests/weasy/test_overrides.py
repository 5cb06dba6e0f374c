"""How the WeasyPrint patches find the upstream source they rewrite."""

from __future__ import annotations

import inspect

from briefexport.weasy import overrides


def test_a_patched_function_s_source_is_the_lines_inspect_finds():
    for patch in overrides.PATCHES:
        upstream = overrides.UPSTREAM[patch.name]
        lines, first = inspect.getsourcelines(upstream)
        assert overrides.source_lines(upstream) == (first, lines)
