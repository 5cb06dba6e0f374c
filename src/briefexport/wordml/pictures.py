"""Pictures: bytes python-docx can measure, inline images with alt text, and SVG as Word 2016
holds it (``asvg:svgBlip`` beside a PNG that older readers show), as Word and Pandoc write them."""

from __future__ import annotations

import io
import warnings
from itertools import count

from docx.document import Document
from docx.image.image import Image as Header
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.run import Run
from PIL import Image

SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
"""The ``a:ext`` URI Office gives the SVG extension of a blip."""
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SVG_TYPE = "image/svg+xml"

SANE_DPI = (24, 2400)
PLAIN_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")


def word_picture(data: bytes) -> bytes:
    """An image's bytes as Word should get them: unchanged when python-docx reads their header
    cleanly and finds a real size and a sane resolution, else decoded in full by Pillow and
    written again as a plain PNG (a CMYK JPEG, one without JFIF, a pHYs of 1 pixel a metre,
    broken EXIF, WebP). ValueError when even Pillow cannot decode them."""
    try:
        header = Header.from_blob(data)
        low, high = SANE_DPI
        if (
            header.content_type in ("image/png", "image/jpeg", "image/gif")
            and header.px_width > 0
            and header.px_height > 0
            and low <= header.horz_dpi <= high
            and low <= header.vert_dpi <= high
        ):
            return data
    except Exception:  # python-docx's header parsers raise many kinds on bad bytes
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # corrupt EXIF: the pixels are what matter
            picture = Image.open(io.BytesIO(data))
            picture.load()
            plain = picture if picture.mode in PLAIN_MODES else picture.convert("RGBA")
            if plain.width < 1 or plain.height < 1:
                raise ValueError("no pixels")
            converted = io.BytesIO()
            plain.save(converted, "PNG")
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ValueError("a damaged image") from exc
    return converted.getvalue()


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
