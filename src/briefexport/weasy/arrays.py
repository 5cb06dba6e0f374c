"""C arrays for WeasyPrint by their item type, not their length.

WeasyPrint subsets each font of a PDF with HarfBuzz, handing it arrays it allocates as
``ffi.new(f"hb_codepoint_t[{len(items)}]", items)``. cffi parses every C type it has not seen
with pycparser, and each new length is a new type: 2 to 4 ms apiece here, about nine per
PDF (a few of them new even in a process that wrote PDFs before), in every process.
:func:`new` allocates the same array as ``hb_codepoint_t[]`` with the items (or the length),
a type parsed once: the same C memory, the same bytes out. :func:`parse_types` parses the
types a layout and a PDF need when weasy.engine is imported, before a build forks its workers,
so that none parses them again: all in one pycparser pass.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import cffi
from weasyprint.text.ffi import ffi

SIZED = re.compile(r"(\w[\w ]*)\[(\d+)\]")
UPSTREAM_NEW = ffi.new
TYPES = (
    "char[]",
    "PangoRectangle *",
    "PangoLogAttr[]",
    "unsigned int *",
    "hb_tag_t[]",
    "hb_codepoint_t[]",
    "FcChar8 **",
    "FcResult *",
    "PangoFcFontMap *",
)
"""The C types WeasyPrint allocates to lay a document out and write its PDF (with :func:`new`),
and casts to when it makes a font configuration."""
CFFI = "2.1.1"
"""The cffi whose private parser :func:`parse_types` drives (tests pin it); another parses the
types one by one through ``ffi.typeof``."""


def new(cdecl: Any, init: Any = None) -> Any:
    """``ffi.new``, with an array of a stated length and as many items (or none) allocated as
    an array of unstated length."""
    found = sized(cdecl) if isinstance(cdecl, str) else None
    if found and init is None:
        return UPSTREAM_NEW(found[0], found[1])
    if found and isinstance(init, list | tuple) and len(init) == found[1]:
        return UPSTREAM_NEW(found[0], init)
    return UPSTREAM_NEW(cdecl, init)


@lru_cache(maxsize=1024)
def sized(cdecl: str) -> tuple[str, int] | None:
    """The array type of unstated length and the length of a C type that states one (None for
    any other type); remembered, since WeasyPrint allocates a few types again and again, and
    bounded, since each length is a type of its own (a long-lived ``serve`` sees many)."""
    found = SIZED.fullmatch(cdecl)
    return (f"{found[1]}[]", int(found[2])) if found else None


def parse_types() -> None:
    """Parse :data:`TYPES` now (cffi keeps them), once in the process that forks the workers
    instead of once in each worker, and in one pass: ``ffi.typeof`` has pycparser parse one
    type at a time, each time after a line declaring every type cffi knows (hundreds, from
    WeasyPrint's ``cdef``), 3 to 7 ms a type. Here they are the parameters of one function
    declaration, each turned into its C type as ``ffi.typeof`` turns its one parameter (cffi
    :data:`CFFI`: ``FFI._typeof_locked``, ``Parser.parse_type_and_quals``)."""
    missing = [cdecl for cdecl in TYPES if cdecl not in ffi._parsed_types]
    if cffi.__version__ != CFFI or not missing:
        for cdecl in missing:
            ffi.typeof(cdecl)
        return
    parser = ffi._parser
    with ffi._lock:
        ast = parser._parse("void __dummy(\n" + ",\n".join(missing) + "\n);")[0]
        for cdecl, param in zip(missing, ast.ext[-1].type.args.params, strict=True):
            parsed = parser._get_type_and_quals(param.type)[0]
            ffi._parsed_types[cdecl] = (ffi._get_cached_btype(parsed), False)


def install(patched: bool = True) -> None:
    """Route WeasyPrint's ``ffi.new`` through :func:`new` (or back to cffi's own)."""
    ffi.new = new if patched else UPSTREAM_NEW
