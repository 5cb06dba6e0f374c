"""Saving a document reproducibly: no leftover template parts, fixed zip order and times."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import cast

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter

LEFTOVERS = (
    RT.THUMBNAIL,
    RT.CUSTOM_XML,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
)
"""Parts a template carries that describe the template, not the document."""
FIRST = ("[Content_Types].xml", "_rels/.rels")
EPOCH_OF_ZIP = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def body_of(document: Document) -> BlockItemContainer:
    """The document's body, as a container of paragraphs and tables like a cell or a note."""
    return cast(BlockItemContainer, document._body)


def drop_leftovers(document: Document) -> None:
    """Forget the template's thumbnail, custom XML and Word 2010 style copy."""
    for owner in (document.part.package, document.part):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype in LEFTOVERS:
                del owner.rels[rel_id]


def save(document: Document, when: dt.datetime) -> bytes:
    """The .docx bytes: members in a fixed order, every one stamped ``when``.

    python-docx still writes every member (the content types, the relationships, each part's
    XML), but into memory rather than into a zip that would then be read back and compressed
    again to fix its order and times: that second pass was a tenth of a memo's time. This
    calls the three steps of ``PackageWriter.write`` (python-docx 1.2), which are private; a
    test checks the bytes against ``document.save`` rewritten by ``normalise_zip``."""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members = Members()
    writer = cast(PhysPkgWriter, members)
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)
    return zipped(members.blobs, when)


class Members:
    """What python-docx's ``PackageWriter`` writes, kept by member name (its zip writer's
    interface)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def write(self, uri: PackURI, blob: bytes) -> None:
        self.blobs[uri.membername] = blob


def normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an OOXML zip so that equal content gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return zipped({name: source.read(name) for name in source.namelist()}, when)


def zipped(members: dict[str, bytes], when: dt.datetime) -> bytes:
    """An OOXML zip of ``members``: the content types and package relationships first, the
    rest by name, every one stamped ``when``."""
    stamp = max(when.astimezone(dt.UTC), EPOCH_OF_ZIP).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in [*(n for n in FIRST if n in members), *sorted(set(members) - set(FIRST))]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, members[name])
    return out.getvalue()
