"""tinyhtml5's character runs found with a compiled pattern kept per set of characters
(installed by weasy.engine; patches tinyhtml5 2.1.0).

``HTMLUnicodeInputStream.chars_until`` keeps the pattern it compiles for a set of characters in
a cache, but files it with ``characters = cache[(characters, opposite)] = regex``: Python
assigns ``characters`` first, so the pattern is filed under itself and never found again. The
tokenizer calls it for every run of text, attribute value and comment (3,500 times for an
article with a hundred notes), each time building the pattern's source and compiling it, a
lookup in ``re``'s own cache at best. The patched method files it under the characters.
"""

from __future__ import annotations

from tinyhtml5.inputstream import HTMLUnicodeInputStream

from briefexport.weasy.overrides import Patch

PATCH = Patch(
    HTMLUnicodeInputStream,
    "chars_until",
    (
        (
            "characters = characters_until_regex[(characters, opposite)] = regex",
            "characters_until_regex[(characters, opposite)] = characters = regex",
        ),
    ),
)
UPSTREAM = HTMLUnicodeInputStream.chars_until
PATCHED = PATCH.patched(UPSTREAM)


def install(patched: bool = True) -> None:
    """Keep each pattern under its characters (or, for a test, under itself as upstream does)."""
    HTMLUnicodeInputStream.chars_until = PATCHED if patched else UPSTREAM
