"""The press copy: PDF/X-4 a preflight accepts, CMYK brand colours, marks and a slug line."""

from __future__ import annotations

import hashlib
import io
import math
import re
import subprocess

import pikepdf
import pytest

from briefexport.brand import load_brand
from briefexport.readback.pdfx import check_pdfx
from briefexport.settings import PACKAGED, Settings
from briefexport.weasy.engine import layout, write_pdf
from briefexport.weasy.press import SRGB, cmyk
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter, PressWriter
from conftest import ROOT

ICC = PACKAGED / "styles" / "icc"


@pytest.fixture(scope="module", params=["letter", "a4"])
def press(request, kazakhstan) -> bytes:
    return writer("press").render(kazakhstan, Settings(project=ROOT, paper=request.param)).data


def test_the_press_copy_passes_the_preflight_checks(press):
    assert check_pdfx(press) == []
    with pikepdf.open(io.BytesIO(press)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 006"
        assert int(intent.DestOutputProfile.N) == 4
        embedded = intent.DestOutputProfile.read_bytes()
        assert embedded == (ICC / "gracol-tr006.icc").read_bytes()
        assert pdf.trailer.Info.Trapped == "/False"
        content = b"".join(page.Contents.read_bytes() for page in pdf.pages)
    assert b"/DeviceCMYK cs" in content and b" rg\n" not in content  # brand colours in CMYK
    assert b"0 0 0 1 scn" in content  # the text, in black ink alone


def test_every_packaged_profile_is_the_one_its_readme_describes():
    """Its file name and SHA-256 in the README, where its source and licence are."""
    readme = (ICC / "README.md").read_text()
    profiles = sorted(ICC.glob("*.ic[cm]"))
    assert [p.name for p in profiles] == ["fogra39.icc", "gracol-tr006.icc"]
    for profile in profiles:
        assert f"`{profile.name}`" in readme
        assert f"`{hashlib.sha256(profile.read_bytes()).hexdigest()}`" in readme


@pytest.mark.parametrize(("name", "ink_limit"), [("gracol-tr006.icc", 3.2), ("fogra39.icc", 3.3)])
def test_brand_colours_print_as_they_look_within_the_ink_limit(name, ink_limit):
    """Each brand colour, converted to the condition's CMYK and measured back through the
    profile, is within 4 CIELAB units (ΔE*ab) of its sRGB self; black, whose depth no press
    reaches, is at least within the ink limit, as every colour is."""
    from PIL import Image, ImageCms

    lab = ImageCms.createProfile("LAB")
    srgb = ImageCms.ImageCmsProfile(io.BytesIO(SRGB.read_bytes()))
    intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
    to_lab = {
        "RGB": ImageCms.buildTransform(srgb, lab, "RGB", "LAB", renderingIntent=intent),
        "CMYK": ImageCms.buildTransform(
            str(ICC / name), lab, "CMYK", "LAB", renderingIntent=intent
        ),
    }

    def measured(mode: str, values: tuple[int, ...]) -> tuple[float, float, float]:
        pixel = ImageCms.applyTransform(Image.new(mode, (1, 1), values), to_lab[mode])
        lightness, a, b = pixel.getpixel((0, 0))  # 8 bits: L scaled to 255, a and b offset 128
        return lightness * 100 / 255, a - 128, b - 128

    assert sum(cmyk("#000000", ICC / name)) <= ink_limit + 0.01
    for colour in load_brand(ROOT / "styles" / "brand.yaml").colours.values():
        ink = cmyk(colour, ICC / name)
        assert sum(ink) <= ink_limit + 0.01, (colour, ink)
        wanted = measured("RGB", tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)))
        printed = measured("CMYK", tuple(round(v * 255) for v in ink))
        if ink[:3] == (0, 0, 0):  # a grey, in black ink alone: its lightness, or full black
            assert abs(wanted[0] - printed[0]) <= 1 or ink[3] == 1, (colour, wanted, printed)
        else:
            assert math.dist(wanted, printed) <= 4, (colour, wanted, printed)


@pytest.mark.parametrize("name", ["gracol-tr006.icc", "fogra39.icc"])
@pytest.mark.parametrize(
    ("colour", "black_alone"),
    [("#1D1D1F", True), ("#000000", True), ("#808080", True), ("#5F6B76", False)],
)
def test_greys_print_in_black_ink_alone(name, colour, black_alone):
    """Text in four inks fringes with colour where the plates register a hair apart: a grey
    (the brand's near-black text among them) is K alone; a tinted grey stays four-colour."""
    cyan, magenta, yellow, black = cmyk(colour, ICC / name)
    assert ((cyan, magenta, yellow) == (0, 0, 0)) is black_alone
    assert black > 0


@pytest.mark.nonconforming
def test_weasyprint_alone_writes_no_output_intent(kazakhstan, settings):
    """What issue 13 found: PDF/X-4 declared in the XMP, no OutputIntent, RGB colour."""
    html = PdfWriter().html(kazakhstan, settings).html
    sheets = PressWriter().sheets(kazakhstan, settings)[:-1]  # without the CMYK colours
    laid = layout(html, kazakhstan, settings, sheets)
    problems = check_pdfx(write_pdf(laid.document, kazakhstan, "pdf/x-4"))
    assert problems[0] == "no OutputIntent with /S /GTS_PDFX"
    assert "page 1: device RGB colour, not covered by the output intent or a DefaultRGB" in problems


def test_slug_line_outside_the_trim(press, tmp_path):
    with pikepdf.open(io.BytesIO(press)) as pdf:
        media = [float(v) for v in pdf.pages[0].MediaBox]
        trim = [float(v) for v in pdf.pages[0].TrimBox]
    below_trim = trim[1] - media[1]  # points between the sheet's foot and the trim's
    height = media[3] - media[1]
    slug = subprocess.run(
        [
            *("pdftotext", "-f", "1", "-l", "1", "-r", "72", "-x", "0"),
            *("-y", str(int(height - below_trim) + 1), "-W", "1000", "-H", str(int(below_trim))),
            *("-", "-"),
        ],
        input=press,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Kazakhstan’s Crisis Calls for a Central Asia Policy Reboot" in slug
    assert "2022-01-24" in slug and re.search(r"· 1 / \d+$", slug.strip())
