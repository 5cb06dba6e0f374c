"""The document a memo is written into: the designer's reference docx, or one generated from
the brand (Pandoc's ``--reference-doc`` convention), set to the paper."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import docx
from docx.document import Document
from docx.shared import Inches, Length, Mm

from briefexport.brand import load_brand
from briefexport.build.atomic import write_atomic
from briefexport.settings import Settings
from briefexport.wordml.footnotes import clear_footnotes
from briefexport.wordml.numbering import Numbering, link_style
from briefexport.wordml.package import EPOCH_OF_ZIP, drop_leftovers, save
from briefexport.wordml.properties import Properties, set_properties
from briefexport.wordml.styles import StyleSpec, replace_styles, set_default_font
from briefexport.wordml.tables import TableStyleSpec
from briefexport.writers.memo.styles import (
    BULLETS,
    LIST_DEPTH,
    LIST_LEVELS,
    list_style,
    memo_styles,
)

APPLICATION = "briefexport"
DEFAULT_STYLES = ("Normal", "Default Paragraph Font", "Table Normal", "No List")
MARGINS: dict[str, Length] = {"letter": Inches(1), "a4": Mm(25)}
UNITS: dict[str, Callable[[float], Length]] = {"in": Inches, "mm": Mm}
REGIONS = {"en": "en-US", "ru": "ru-RU", "kk": "kk-KZ", "uk": "uk-UA", "de": "de-DE", "fr": "fr-FR"}
"""Word's dictionaries are per region: a bare language tag gets its usual one."""


def css_length(text: str) -> Length:
    """A CSS length from :data:`Settings.page_size` ("8.5in", "210mm") in Word's units."""
    match = re.fullmatch(r"([\d.]+)(in|mm)", text)
    if match is None:
        raise ValueError(f"not a page length: {text!r}")
    return UNITS[match[2]](float(match[1]))


def word_language(lang: str) -> str:
    """The article's language as Word tags its dictionaries ("en" is "en-US")."""
    return lang if "-" in lang else REGIONS.get(lang.lower(), lang)


def reference_document(settings: Settings) -> Document:
    """The generated reference: python-docx's blank document restyled from the brand, with
    one sample of each style for a designer to restyle in Word."""
    brand = load_brand(settings.brand_file)
    document = docx.Document()
    drop_leftovers(document)
    document.settings.element.remove_all("w:rsids", "w:proofState")
    set_default_font(document.styles, brand.fonts["body"], brand.sizes["body"])
    specs = memo_styles(brand)
    replace_styles(document.styles, specs, keep=DEFAULT_STYLES)
    numbering = Numbering(document)
    numbering.clear()
    lists = {
        marker: numbering.add_list(numbering.add_definition(levels))
        for marker, levels in LIST_LEVELS.items()
    }
    for depth in range(1, LIST_DEPTH + 1):
        bullet = lists[BULLETS[min(depth, len(BULLETS)) - 1]]
        for kind, num_id in (("Bullet", bullet), ("Number", lists["Number"])):
            link_style(document.styles[list_style(kind, depth)], num_id, depth - 1)
    for spec in specs:
        style = document.styles[spec.name]
        if isinstance(spec, TableStyleSpec):
            document.add_table(2, 2).style = style
        elif isinstance(spec, StyleSpec) and spec.character:
            document.add_paragraph("Body Text with ", "Body Text").add_run(spec.name, style)
        else:
            document.add_paragraph(spec.name, style)
    set_properties(
        document,
        Properties(
            title="Memo styles",
            authors=(brand.organisation,),
            subject="",
            description="Restyle in Word and save as templates/memo-reference.docx.",
            keywords=(),
            categories=(),
            language=word_language("en"),
            created=EPOCH_OF_ZIP,
            modified=EPOCH_OF_ZIP,
            company=brand.organisation,
            application=APPLICATION,
        ),
    )
    set_page(document, settings)
    return document


def write_reference_docx(settings: Settings, path: Path) -> None:
    """Write the generated reference document, for a designer to restyle in Word."""
    write_atomic(path, generated_reference(settings))


def generated_reference(settings: Settings) -> bytes:
    """The generated reference document's bytes, made once per brand file version."""
    try:
        stamp = settings.brand_file.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _generated_reference(settings, stamp)


@cache
def _generated_reference(settings: Settings, stamp: int) -> bytes:
    return save(reference_document(settings), EPOCH_OF_ZIP)


def base_document(settings: Settings) -> Document:
    """A document to write into: the designer's reference document when there is one (its
    styles win), else the generated one; emptied and set to the paper."""
    reference = settings.reference_docx
    data = reference.read_bytes() if reference.exists() else generated_reference(settings)
    document = docx.Document(io.BytesIO(data))
    document.element.body.clear_content()
    clear_footnotes(document)
    drop_leftovers(document)
    set_page(document, settings)
    return document


def paper(settings: Settings) -> tuple[Length, Length, Length]:
    """Page width, height and margin for ``--paper``."""
    width, height = map(css_length, settings.page_size)
    return width, height, MARGINS[settings.paper]


def set_page(document: Document, settings: Settings) -> None:
    """Paper size and margins from ``--paper``; a different first page (no running head)."""
    section = document.sections[0]
    section.page_width, section.page_height, margin = paper(settings)
    section.top_margin = section.bottom_margin = margin
    section.left_margin = section.right_margin = margin
    section.header_distance = section.footer_distance = Length(margin // 2)
    section.different_first_page_header_footer = True
