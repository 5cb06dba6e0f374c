"""Saving a document reproducibly: no leftover template parts, fixed zip order and times."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import cast

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

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
    """The .docx bytes: members in a fixed order, every one stamped ``when``."""
    stream = io.BytesIO()
    document.save(stream)
    return normalise_zip(stream.getvalue(), when)


def normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an OOXML zip so that equal content gives equal bytes."""
    stamp = max(when.astimezone(dt.UTC), EPOCH_OF_ZIP).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in [*(n for n in FIRST if n in names), *sorted(set(names) - set(FIRST))]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return out.getvalue()
