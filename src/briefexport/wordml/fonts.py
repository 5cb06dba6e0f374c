"""Embedded fonts (ECMA-376 Part 1, 17.8.1 and 17.8.3.3): obfuscated font parts, their
font-table entries (panose, family, pitch, signature), and the settings that ask readers to
use them."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import cast

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, PartFactory, XmlPart
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from briefexport.wordml.oxml import SETTINGS_ORDER, element, put

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
OBFUSCATED_BYTES = 32
FACES = ("Regular", "Bold", "Italic", "BoldItalic")
"""The four faces a font-table entry can embed, in schema order (``w:embedRegular``...)."""


class FontTablePart(XmlPart):
    """``word/fontTable.xml``, read as XML so that fonts can be added to it."""


PartFactory.part_type_for[CT.WML_FONT_TABLE] = FontTablePart


@dataclass(frozen=True)
class FontEntry:
    """What the font table says of a family: its PANOSE number (20 hex digits), Word's
    family class (roman, swiss, modern...), pitch and Unicode/code page signature."""

    name: str
    panose: str
    family: str
    pitch: str
    signature: tuple[int, int, int, int, int, int]


def obfuscate(data: bytes, key: uuid.UUID) -> bytes:
    """The font bytes with their first 32 bytes XORed with the key's 16 bytes, read from the
    GUID's last byte to its first (17.8.1). Applied twice, it gives the font back."""
    mask = key.bytes[::-1]
    head = bytes(
        byte ^ mask[index % len(mask)] for index, byte in enumerate(data[:OBFUSCATED_BYTES])
    )
    return head + data[OBFUSCATED_BYTES:]


def font_key(key: uuid.UUID) -> str:
    """The ``w:fontKey`` of a key: ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}``, upper case."""
    return "{" + str(key).upper() + "}"


def font_table(document: Document) -> BaseOxmlElement:
    """The document's ``w:fonts``."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    if not isinstance(part, FontTablePart):
        raise TypeError("the font table was loaded before briefexport.wordml.fonts")
    return cast(BaseOxmlElement, part.element)


def embed_fonts(document: Document, entry: FontEntry, faces: dict[str, bytes]) -> None:
    """Describe ``entry`` in the font table (replacing an entry of the same name) and embed
    ``faces`` (keyed by :data:`FACES`: the font files, already subset) as obfuscated parts;
    keys derive from the bytes, so equal fonts give equal files."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    fonts = font_table(document)
    for old in fonts.findall(qn("w:font")):
        if old.get(qn("w:name")) == entry.name:
            fonts.remove(old)
    font = element("w:font", name=entry.name)
    for child in (
        element("w:panose1", val=entry.panose),
        element("w:charset", val="00"),
        element("w:family", val=entry.family),
        element("w:pitch", val=entry.pitch),
        element("w:sig", **dict(zip(("usb0", "usb1", "usb2", "usb3", "csb0", "csb1"),
                                    (f"{value:08X}" for value in entry.signature), strict=True))),
    ):  # fmt: skip
        font.append(child)
    for face in FACES:
        if face not in faces:
            continue
        digest = hashlib.sha256(faces[face]).hexdigest()
        key = uuid.uuid5(uuid.NAMESPACE_OID, f"{entry.name}/{face}/{digest}")
        package = part.package
        partname = package.next_partname("/word/fonts/font%d.odttf")
        font_part = Part(partname, OBFUSCATED_FONT, obfuscate(faces[face], key), package)
        rel_id = part.relate_to(font_part, RT.FONT)
        embedded = element(f"w:embed{face}", fontKey=font_key(key))
        embedded.set(qn("r:id"), rel_id)
        font.append(embedded)  # FACES is in schema order
    fonts.append(font)
    settings = document.settings.element
    put(settings, element("w:embedTrueTypeFonts"), SETTINGS_ORDER)
    put(settings, element("w:saveSubsetFonts"), SETTINGS_ORDER)
