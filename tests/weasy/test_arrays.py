"""WeasyPrint's C arrays allocated by item type: the same memory, one type parsed."""

from __future__ import annotations

import cffi
from weasyprint.text.ffi import ffi
from weasyprint.text.fonts import FontConfiguration

import briefexport.weasy.engine  # noqa: F401  (installs the patches)
from briefexport.weasy import arrays
from briefexport.weasy.arrays import new
from briefexport.writers import writer


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


def test_the_types_are_parsed_in_one_pass_as_typeof_parses_them(monkeypatch):
    assert cffi.__version__ == arrays.CFFI  # another cffi: check parse_types against its parser
    known = dict(ffi._parsed_types)
    fresh = {key: value for key, value in known.items() if key not in arrays.TYPES}
    monkeypatch.setattr(ffi, "_parsed_types", dict(fresh))
    passes: list[str] = []
    upstream = ffi._parser._parse
    monkeypatch.setattr(
        ffi._parser, "_parse", lambda source: passes.append(source) or upstream(source)
    )
    arrays.parse_types()
    assert len(passes) == 1
    assert {cdecl: ffi._parsed_types[cdecl] for cdecl in arrays.TYPES} == {
        cdecl: known[cdecl] for cdecl in arrays.TYPES
    }
    monkeypatch.setattr(ffi, "_parsed_types", dict(fresh))
    by_typeof = {cdecl: (ffi.typeof(cdecl), False) for cdecl in arrays.TYPES}
    assert len(passes) == 1 + len(arrays.TYPES)
    assert by_typeof == {cdecl: known[cdecl] for cdecl in arrays.TYPES}
    arrays.parse_types()
    assert len(passes) == 1 + len(arrays.TYPES)  # nothing left to parse


def test_every_type_a_layout_and_its_pdf_allocate_is_parsed_before_the_workers_fork(
    monkeypatch, settings, kazakhstan
):
    monkeypatch.setattr(ffi, "_parsed_types", {})  # as in a process that parsed none yet
    arrays.parse_types()
    parsed: list[str] = []
    upstream_parse = ffi._parser._parse
    monkeypatch.setattr(
        ffi._parser, "_parse", lambda source: parsed.append(source) or upstream_parse(source)
    )
    FontConfiguration()  # casts to a type of its own
    assert not parsed
    asked: set[str] = set()

    def recorded(cdecl, init=None):
        asked.add(cdecl)
        return upstream(cdecl, init)

    upstream = arrays.UPSTREAM_NEW
    monkeypatch.setattr(arrays, "UPSTREAM_NEW", recorded)
    writer("pdf").render(kazakhstan, settings)
    assert asked and asked <= set(arrays.TYPES)
    assert not parsed


def test_a_type_is_read_once():
    arrays.sized.cache_clear()
    for _ in range(3):
        new("hb_tag_t[4]")
        new("PangoRectangle *")
    assert arrays.sized("hb_tag_t[4]") == ("hb_tag_t[]", 4)
    assert arrays.sized("PangoRectangle *") is None
    assert arrays.sized.cache_info().misses == 2
