"""WeasyPrint's C arrays allocated by item type: the same memory, one type parsed."""

from __future__ import annotations

from weasyprint.text.ffi import ffi

import briefexport.weasy.engine  # noqa: F401  (installs the patches)
from briefexport.weasy.arrays import new


def test_an_array_of_a_stated_length_is_parsed_once_for_every_length():
    first, second = ffi.new("hb_codepoint_t[3]", [5, 6, 7]), ffi.new("hb_codepoint_t[2]", (8, 9))
    assert (list(first), list(second)) == ([5, 6, 7], [8, 9])
    assert ffi.sizeof(first) == 3 * ffi.sizeof("hb_codepoint_t")
    assert not {"hb_codepoint_t[3]", "hb_codepoint_t[2]"} & set(ffi._parsed_types)
    assert list(ffi.new("hb_tag_t[4]")) == [0, 0, 0, 0]


def test_anything_else_goes_to_cffi_as_asked():
    assert ffi.string(new("char[4]", b"abc")) == b"abc"  # items that are not a list
    assert list(new("int[3]", [1])) == [1, 0, 0]  # fewer items than the length
    assert ffi.typeof(new("unsigned int *", 100)) is ffi.typeof("unsigned int *")
