"""A PDF's objects serialised once (installed by weasy.engine; patches pydyf 0.13.0).

``pydyf.PDF.write`` writes each object's ``data`` and then, for the trailer's ``/ID``, joins the
``data`` of every object again to hash it: each content stream compressed a second time, each
dictionary formatted a second time (a tenth of a warm PDF's instructions with a hundred notes).
The patched ``write`` keeps the bytes it wrote (:func:`data_once`, :func:`indirect_once`) and
hashes those (:func:`written_data`): the same objects in the same order, the same bytes out.
"""

from __future__ import annotations

from typing import Any

import pydyf

from briefexport.weasy.overrides import Patch

PATCH = Patch(
    pydyf.PDF,
    "write",
    (
        (
            "data = object_.data\n",
            "data = self.data_once(object_)\n",
        ),
        (
            "object_.offset = self.current_position\n"
            "                self.write_line(object_.indirect, output)",
            "object_.offset = self.current_position\n"
            "                self.write_line(self.indirect_once(object_), output)",
        ),
        (
            "self.write_line(object_stream.indirect, output)",
            "self.write_line(self.indirect_once(object_stream), output)",
        ),
        (
            "data = b''.join(obj.data for obj in self.objects if obj.free != 'f')",
            "data = self.written_data()",
        ),
        (
            "object_.offset = self.current_position\n"
            "            self.write_line(object_.indirect, output)",
            "object_.offset = self.current_position\n"
            "            self.write_line(self.indirect_once(object_), output)",
        ),
        (
            "data = b''.join(\n"
            "                obj.data for obj in self.objects if obj.free != 'f')",
            "data = self.written_data()",
        ),
    ),
)
UPSTREAM = pydyf.PDF.write
PATCHED = PATCH.patched(UPSTREAM)


def data_once(pdf: Any, obj: Any) -> bytes:
    """``obj.data``, kept for :func:`written_data` while ``pdf`` is written."""
    data: bytes = obj.data
    pdf.__dict__.setdefault("_briefexport_written", {})[id(obj)] = data
    return data


def indirect_once(pdf: Any, obj: Any) -> bytes:
    """``obj.indirect`` (pydyf's ``Object.indirect``), its data kept by :func:`data_once`."""
    header = f"{obj.number} {obj.generation} obj\n".encode()
    return header + data_once(pdf, obj) + b"\nendobj"


def written_data(pdf: Any) -> bytes:
    """The data of ``pdf``'s objects in use, joined, as pydyf hashes them for the ``/ID``: the
    bytes written (forgotten now), made for any object not written."""
    written: dict[int, bytes] = pdf.__dict__.pop("_briefexport_written", {})
    objects = [obj for obj in pdf.objects if obj.free != "f"]
    return b"".join(
        once if (once := written.get(id(obj))) is not None else obj.data for obj in objects
    )


def install(patched: bool = True) -> None:
    """Serialise each object once (or, for a test, twice as upstream does)."""
    pydyf.PDF.data_once = data_once
    pydyf.PDF.indirect_once = indirect_once
    pydyf.PDF.written_data = written_data
    pydyf.PDF.write = PATCHED if patched else UPSTREAM
