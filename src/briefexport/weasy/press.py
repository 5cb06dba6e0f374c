"""The press copy's colour and conformance (PDF/X-4, ISO 15930-7), from the brand's printing
condition (``press:`` in brand.yaml; the packaged profile is described in
defaults/styles/icc/README.md). ``profile`` is the output profile's file, as
``Settings.style`` finds it (the project's own, else the packaged one).

- The brand colours are converted to CMYK through the output profile (relative colorimetric,
  as a prepress RIP would) and painted as DeviceCMYK: :func:`press_css`. Greys, the text's
  near-black among them, are black ink alone (:func:`cmyk`).
- :func:`finish_press` writes the OutputIntent WeasyPrint leaves out: ``/GTS_PDFX`` with the
  ICC profile embedded, the condition's identifier, registry and description. What stays RGB
  (pictures, crop marks) is device-independent: ``DefaultRGB`` is sRGB on every page. The XMP
  also declares PDF/UA-1, which the tagged press copy meets as the brief does.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pydyf

from briefexport.brand import Brand
from briefexport.model import Article
from briefexport.weasy.engine import css_string

SRGB = files("weasyprint.pdf") / "sRGB2014.icc"
PDFUA = b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1" '


NEUTRAL = 4  # of 255: the widest spread of a grey's red, green and blue


@cache
def cmyk(colour: str, profile: Path) -> tuple[float, float, float, float]:
    """``#RRGGBB`` (sRGB) in the output profile's CMYK, each channel 0 to 1. A grey (its
    channels within :data:`NEUTRAL`) is black ink alone, as a press wants text: four inks
    that register a hair apart fringe small type with colour. Its K is the one whose
    lightness, measured through the profile, is nearest the grey's (full K for a black
    deeper than the press can print)."""
    from PIL import Image, ImageCms

    channels = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
    srgb = ImageCms.ImageCmsProfile(io.BytesIO(SRGB.read_bytes()))
    output = ImageCms.ImageCmsProfile(str(profile))
    if max(channels) - min(channels) <= NEUTRAL:
        lab = ImageCms.createProfile("LAB")
        lightness = ImageCms.buildTransform(srgb, lab, "RGB", "LAB", renderingIntent=intent)
        [(wanted, _, _)] = pixels(
            ImageCms.applyTransform(Image.new("RGB", (1, 1), channels), lightness)
        )
        ramp = Image.new("CMYK", (256, 1))
        ramp.putdata([(0, 0, 0, k) for k in range(256)])
        measure = ImageCms.buildTransform(output, lab, "CMYK", "LAB", renderingIntent=intent)
        printed = pixels(ImageCms.applyTransform(ramp, measure))
        black = min(range(256), key=lambda k: (abs(printed[k][0] - wanted), -k))
        return 0.0, 0.0, 0.0, round(black / 255, 3)
    transform = ImageCms.buildTransform(srgb, output, "RGB", "CMYK", renderingIntent=intent)
    [values] = pixels(ImageCms.applyTransform(Image.new("RGB", (1, 1), channels), transform))
    c, m, y, k = (round(value / 255, 3) for value in values)
    return c, m, y, k


def pixels(image: Any) -> list[tuple[int, ...]]:
    """An image's pixels, left to right (Pillow's colour transforms return an image)."""
    assert image is not None
    return [tuple(image.getpixel((x, 0))) for x in range(image.width)]


def press_css(brand: Brand, profile: Path) -> str:
    """Custom properties that repaint the brand colours in the output condition's CMYK."""
    props = [
        f"--colour-{name}:device-cmyk({' '.join(map(str, cmyk(value, profile)))})"
        for name, value in brand.colours.items()
    ]
    return ":root{" + ";".join(props) + "}\n"


def slug_css(article: Article) -> str:
    """The slug line's words: title, date, then the page (press.css places it)."""
    words = css_string(f"{article.title}  ·  {article.date.isoformat()}  ·  ")
    return f"@page {{ @bottom-left {{ content: {words} counter(page) ' / ' counter(pages) }} }}"


def resolved(objects: list[Any], value: Any) -> Any:
    """The object a pydyf reference (``b"12 0 R"``) names, or the value itself."""
    return objects[int(value.split()[0])] if isinstance(value, bytes) else value


def finish_press(brand: Brand, profile: Path) -> Any:
    """A WeasyPrint finisher completing a PDF/X-4 file (see the module)."""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        output = pydyf.Stream([profile.read_bytes()], {"N": 4}, compress=True)
        pdf.add_object(output)
        pdf.catalog["OutputIntents"] = pydyf.Array(
            [
                pydyf.Dictionary(
                    {
                        "Type": "/OutputIntent",
                        "S": "/GTS_PDFX",
                        "OutputConditionIdentifier": pydyf.String(brand.press["output-condition"]),
                        "RegistryName": pydyf.String(brand.press["registry"]),
                        "Info": pydyf.String(brand.press["output-condition-info"]),
                        "DestOutputProfile": output.reference,
                    }
                )
            ]
        )
        srgb = pydyf.Stream([SRGB.read_bytes()], {"N": 3}, compress=True)
        pdf.add_object(srgb)
        objects = pdf.objects
        for number in pdf.pages["Kids"][::3]:
            resources = resolved(objects, objects[number]["Resources"])
            spaces = resolved(objects, resources["ColorSpace"])
            spaces["DefaultRGB"] = pydyf.Array(["/ICCBased", srgb.reference])
        metadata = resolved(objects, pdf.catalog["Metadata"])
        xmp = metadata.stream[0]
        metadata.stream[0] = xmp.replace(b"<rdf:Description ", b"<rdf:Description " + PDFUA, 1)

    return finish
