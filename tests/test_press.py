"""The press copy: PDF/X-4 a preflight accepts, CMYK brand colours, marks and a slug line."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest

from briefexport.readback.pdfx import check_pdfx
from briefexport.settings import Settings
from briefexport.weasy.engine import layout, write_pdf
from briefexport.writers import writer
from briefexport.writers.pdf import PdfWriter, PressWriter
from conftest import ROOT


@pytest.fixture(scope="module", params=["letter", "a4"])
def press(request, kazakhstan) -> bytes:
    return writer("press").render(kazakhstan, Settings(project=ROOT, paper=request.param)).data


def test_the_press_copy_passes_the_preflight_checks(press):
    assert check_pdfx(press) == []
    with pikepdf.open(io.BytesIO(press)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 001"
        assert int(intent.DestOutputProfile.N) == 4
        assert intent.DestOutputProfile.read_bytes()[36:40] == b"acsp"  # an ICC profile
        assert pdf.trailer.Info.Trapped == "/False"
        content = b"".join(page.Contents.read_bytes() for page in pdf.pages)
    assert b"/DeviceCMYK cs" in content and b" rg\n" not in content  # brand colours in CMYK


@pytest.mark.nonconforming
def test_weasyprint_alone_writes_no_output_intent(kazakhstan, settings):
    """What issue 13 found: PDF/X-4 declared in the XMP, no OutputIntent, RGB colour."""
    notices: list = []
    press = PdfWriter()
    html = press.html(kazakhstan, settings, notices)
    sheets = PressWriter().sheets(kazakhstan, settings)[:-1]  # without the CMYK colours
    document = layout(html, kazakhstan, settings, sheets, notices)
    problems = check_pdfx(write_pdf(document, kazakhstan, "pdf/x-4"))
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
