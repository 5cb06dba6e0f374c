"""Pictures for the memo: read through the article's sandbox, sized as in the PDF, and SVG
drawn as SVG (Word 2016+) with a PNG rendering at print resolution for older readers."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, replace
from xml.etree import ElementTree

from docx.shared import Emu, Length, Mm
from markdown_it.tree import SyntaxTreeNode
from PIL import Image

from briefexport.errors import ResourceError
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.sandbox.images import ImageRef, image_warning, locate, sniff
from briefexport.sandbox.policy import ResourcePolicy
from briefexport.wordml.pictures import word_picture

CSS_PIXEL = 9525
"""EMU in a CSS pixel (1/96 inch): WeasyPrint lays images out at 96 pixels an inch."""
FALLBACK_DPI = 200
"""The PNG rendering of an SVG has at least this many pixels an inch at its placed size."""
FIGURE_HEIGHT = Mm(150)
"""``figure img { max-height: 150mm }`` in the PDF's stylesheet."""
SVG_DEFAULT = (300.0, 150.0)
"""The CSS size of a replaced element that says nothing about its size."""
SVG_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
             "in": 96.0}  # fmt: skip
"""CSS pixels in one SVG length unit."""


@dataclass(frozen=True)
class Picture:
    """An image Word can hold: raster bytes (PNG, JPEG or GIF) or an SVG, and its size in the
    PDF in EMU."""

    data: bytes
    svg: bool
    width: int
    height: int
    image: ImageRef

    def placed(self, width: int, height: int) -> tuple[Length, Length]:
        """Its size scaled down, never up, to fit ``width`` by ``height``."""
        scale = min(1.0, width / self.width, height / self.height)
        return Emu(round(self.width * scale)), Emu(round(self.height * scale))


def load_picture(
    article: Article, node: SyntaxTreeNode, policy: ResourcePolicy
) -> tuple[Picture | None, Message | None]:
    """The picture an image node shows, or None and why: a warning for every image left out."""
    image = locate(article, node, policy)
    if not image.usable:
        return None, image_warning(article, image)
    src = str(node.attrs.get("src", ""))
    try:
        data = policy.read(image.url)
    except (ResourceError, OSError) as exc:
        problem = f"image '{src}' could not be read: {exc}"
        return None, image_warning(article, replace(image, problem=problem))
    kind = sniff(data[:1024])
    try:
        if kind == "svg":
            return Picture(data, True, *svg_size(data), image), None
        data = word_picture(data)
        with Image.open(io.BytesIO(data)) as raster:
            size = raster.size[0] * CSS_PIXEL, raster.size[1] * CSS_PIXEL
    except (OSError, ValueError, ElementTree.ParseError) as exc:
        problem = f"image '{src}' could not be drawn: {exc}"
        return None, image_warning(article, replace(image, problem=problem))
    return Picture(data, False, *size, image), None


def svg_size(data: bytes) -> tuple[int, int]:
    """An SVG's size in EMU as a browser sizes it: ``width`` and ``height``, else the view
    box's proportions, else 300 by 150 pixels; ValueError for an infinite one."""
    root = ElementTree.fromstring(data)  # the sandbox refused entities before
    box = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if v]
    ratio = box[2] / box[3] if len(box) == 4 and box[2] > 0 and box[3] > 0 else None
    width, height = svg_length(root.get("width")), svg_length(root.get("height"))
    if width is None and height is None:
        width = SVG_DEFAULT[0]
        height = width / ratio if ratio else SVG_DEFAULT[1]
    elif width is None:
        width = height * ratio if ratio and height else SVG_DEFAULT[0]
    elif height is None:
        height = width / ratio if ratio else SVG_DEFAULT[1]
    emu = width * CSS_PIXEL, (height or SVG_DEFAULT[1]) * CSS_PIXEL
    if not all(map(math.isfinite, emu)):
        raise ValueError("its width or height is too large to be a size")
    return max(1, round(emu[0])), max(1, round(emu[1]))  # never 0: Word scales by them


def svg_length(text: str | None) -> float | None:
    """A positive SVG length in CSS pixels; None for none, a percentage or nonsense."""
    match = re.fullmatch(r"\s*([\d.]+(?:e[+-]?\d+)?)\s*([a-z]*)\s*", text or "", re.I)
    if match is None or match[2].lower() not in SVG_UNITS:
        return None
    try:
        value = float(match[1]) * SVG_UNITS[match[2].lower()]
    except ValueError:
        return None
    return value if value > 0 else None


def fallback_png(picture: Picture, width: Length, height: Length, policy: ResourcePolicy) -> bytes:
    """An SVG drawn by CairoSVG at :data:`FALLBACK_DPI` at its placed size; whatever it
    refers to is read through ``policy``, like every other resource. ValueError for an SVG
    CairoSVG fails on, whatever its way of failing."""
    from cairosvg.surface import PNGSurface  # imported when a memo has an SVG: it loads cairo

    pixels = [max(1, math.ceil(length.inches * FALLBACK_DPI)) for length in (width, height)]

    def fetch(url: str, resource_type: str | None = None) -> bytes:
        return policy.read(url)

    try:
        png = PNGSurface.convert(
            bytestring=picture.data,
            url=picture.image.url,
            output_width=pixels[0],
            output_height=pixels[1],
            url_fetcher=fetch,
        )
    except (ResourceError, MemoryError):
        raise
    except Exception as exc:  # CairoSVG trusts its SVG: CairoError, OverflowError, recursion
        raise ValueError(f"CairoSVG cannot draw it ({type(exc).__name__})") from None
    if not isinstance(png, bytes):
        raise ValueError("CairoSVG returned no PNG")
    with Image.open(io.BytesIO(png)) as image:  # the page size, in print resolution
        stamped = io.BytesIO()
        image.save(stamped, "PNG", dpi=(FALLBACK_DPI, FALLBACK_DPI), optimize=True)
    return stamped.getvalue()
