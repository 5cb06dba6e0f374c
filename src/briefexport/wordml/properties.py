"""Document properties: the core set (title, authors, dates...) and the application set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

CORE_LIMIT = 255
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>{application}</Application><Company>{company}</Company></Properties>"
)


@dataclass(frozen=True)
class Properties:
    """What File > Properties shows; the dates make the file reproducible."""

    title: str
    authors: tuple[str, ...]
    subject: str
    description: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    language: str
    created: dt.datetime
    modified: dt.datetime
    company: str
    application: str


def fit(text: str) -> str:
    """Text within the 255 characters a core property holds, cut at a word."""
    if len(text) <= CORE_LIMIT:
        return text
    return text[: CORE_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def set_properties(document: Document, properties: Properties) -> None:
    """Write every core property (none is left from the template) and the app properties."""
    core = document.core_properties
    core.title = fit(properties.title)
    core.author = fit("; ".join(properties.authors))
    core.last_modified_by = core.author
    core.subject = fit(properties.subject)
    core.comments = fit(properties.description)
    core.keywords = fit("; ".join(properties.keywords))
    core.category = fit("; ".join(properties.categories))
    core.language = properties.language
    core.created = properties.created
    core.modified = properties.modified
    core.revision = 1
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            del package.rels[rel_id]
    app = APP_XML.format(
        application=escape(properties.application), company=escape(properties.company)
    )
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, app.encode(), package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)
