"""Pictures: inline images with alt text, and SVG as Word 2016 holds it (``asvg:svgBlip``
beside a PNG that older readers show), as Word and Pandoc write them."""

from __future__ import annotations

import io
from itertools import count

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.run import Run

SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
"""The ``a:ext`` URI Office gives the SVG extension of a blip."""
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SVG_TYPE = "image/svg+xml"


def add_picture(
    run: Run,
    png: bytes,
    svg: bytes | None,
    width: Length,
    height: Length,
    alt: str,
) -> None:
    """Append a picture of ``width`` by ``height`` to ``run``: ``png`` (or a JPEG or GIF),
    and when ``svg`` is given the SVG drawn in its place by readers that can; ``alt`` is
    its description (Word's Alt Text pane; pandoc's image description)."""
    shape = run.add_picture(io.BytesIO(png), width, height)
    inline = shape._inline
    inline.docPr.set("descr", alt)
    for properties in inline.xpath(".//pic:cNvPr"):
        properties.set("descr", alt)
    if svg is None:
        return
    part = run.part
    package = part.package
    svg_part = Part(package.next_partname("/word/media/vector%d.svg"), SVG_TYPE, svg, package)
    rel_id = part.relate_to(svg_part, RT.IMAGE)
    [blip] = inline.xpath(".//a:blip")
    extensions = blip.makeelement(qn("a:extLst"), {})
    extension = blip.makeelement(qn("a:ext"), {"uri": SVG_EXTENSION})
    extension.append(
        blip.makeelement(f"{{{ASVG}}}svgBlip", {qn("r:embed"): rel_id}, {"asvg": ASVG})
    )
    extensions.append(extension)
    blip.append(extensions)


def number_pictures(document: Document) -> None:
    """Give every picture of every story (body, notes, headers) its own ``wp:docPr`` id:
    python-docx counts per part, and Word wants them unique in the document."""
    ids = count(1)
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            for properties in part.element.iter(qn("wp:docPr")):
                properties.set("id", str(next(ids)))
