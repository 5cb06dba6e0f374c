"""tinyhtml5's patterns for runs of characters, compiled once per set of characters."""

from __future__ import annotations

import tinyhtml5
from tinyhtml5 import inputstream

from briefexport.weasy import engine, htmlinput  # noqa: F401  (engine installs the patches)

HTML = '<p class="a">One &amp; two<!-- note --><a href="#x">three</a></p>' * 20


def serialised(tree) -> list[tuple[str, dict[str, str], str | None, str | None]]:
    return [(e.tag, dict(e.attrib), e.text, e.tail) for e in tree.iter()]


def test_the_patch_applies_to_this_tinyhtml5():
    assert htmlinput.PATCHED is not htmlinput.UPSTREAM


def test_each_set_of_characters_is_compiled_once(monkeypatch):
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    tree = tinyhtml5.parse(HTML)
    kept = dict(inputstream.characters_until_regex)
    assert kept and all(not hasattr(key[0], "pattern") for key in kept)
    tinyhtml5.parse(HTML)
    assert inputstream.characters_until_regex == kept  # nothing new: every pattern found
    htmlinput.install(False)
    try:
        upstream = tinyhtml5.parse(HTML)
    finally:
        htmlinput.install()
    assert serialised(tree) == serialised(upstream)
