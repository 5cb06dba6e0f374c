"""``doctor``: what the build and the tests need, and the exact command that fixes each gap.

Each finding is ``(level, line)``: ``ok``, ``note`` (works, but worth knowing) or ``MISSING``
(the build, verify or the tests will fail; the line ends with the fix).
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport import __version__
from briefexport.errors import BriefExportError

if TYPE_CHECKING:
    from briefexport.brand import FontFile

APT = "apt-get update && apt-get install -y"
TEST_MODULES = ("pytest", "pytest_regressions", "hypothesis", "pypandoc", "pikepdf", "zxingcpp")
Finding = tuple[str, str]


def diagnose(start: Path) -> Iterator[Finding]:
    """Every finding, for the project at or above ``start`` (or the packaged defaults)."""
    yield (
        "ok",
        (
            f"briefexport {__version__} (Python {sys.version.split()[0]}, "
            f"Invoke {version('invoke')}, WeasyPrint {version('weasyprint')})"
        ),
    )
    yield from libraries()
    yield from project(start)
    for tool, package, why in (
        ("pdftotext", "poppler-utils", "verify and the tests read PDFs back"),
        ("soffice", "libreoffice-writer-nogui", "the memo tests open the memo in LibreOffice"),
    ):
        path = shutil.which(tool)
        yield level(path), f"{tool}: {path or f'not found ({why}); fix: {APT} {package}'}"
    absent = [name for name in TEST_MODULES if importlib.util.find_spec(name) is None]
    yield (
        ("note", f"test tools missing: {', '.join(absent)}; fix: ./bootstrap test")
        if absent
        else ("ok", "test tools: " + ", ".join(TEST_MODULES))
    )


def level(found: object) -> str:
    """ok when something was found, else MISSING."""
    return "ok" if found else "MISSING"


def libraries() -> Iterator[Finding]:
    """The C libraries WeasyPrint loads."""
    for library, package, why in (
        ("pango-1.0", "libpango-1.0-0 libpangoft2-1.0-0", "WeasyPrint lays out text with Pango"),
        ("harfbuzz-subset", "libharfbuzz-subset0", "font subsetting about 4x faster"),
        ("fontconfig", "fontconfig", "font discovery"),
        ("cairo", "libcairo2", "CairoSVG draws the memo's SVG figures for older Word"),
    ):
        found = ctypes.util.find_library(library)
        yield level(found), f"lib{library}: {found or f'not found ({why}); fix: {APT} {package}'}"


def project(start: Path) -> Iterator[Finding]:
    """The project, its brand, the brand's font files, and the press copy's output profile."""
    from briefexport.brand import load_brand
    from briefexport.settings import Settings, find_project

    try:
        settings = Settings(project=find_project(start))
        yield "ok", f"project: {settings.project}"
    except BriefExportError:
        settings = Settings(project=start)
        yield "note", f"no project in or above {start}; fix: briefexport init {start}"
    try:
        brand = load_brand(settings.brand_file)
    except BriefExportError as exc:
        yield "MISSING", f"brand file: {exc}"
        return
    yield "ok", f"brand file: {settings.brand_file} ({brand.organisation})"
    for face in brand.font_files:
        if not face.path.is_file():
            yield (
                "MISSING",
                (
                    f"font {face.family} {face.weight} {face.style}: {face.path} not found; fix: "
                    f"put the file there or correct font-files in {settings.brand_file}"
                ),
            )
    yield from installed_fonts(brand.font_files)
    yield press_profile(settings.style(brand.press["output-profile"]), settings.brand_file)


def press_profile(path: Path, brand_file: Path) -> Finding:
    """The output profile the press copy embeds: an ICC output profile for CMYK (PDF/X-4)."""
    from PIL import ImageCms

    try:
        described = ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip()
    except (ImageCms.PyCMSError, OSError):  # not found, or not an ICC profile
        described = ""
    if described and path.read_bytes()[12:20] == b"prtrCMYK":
        return "ok", f"press profile: {path} ({described})"
    problem = "is not a CMYK output ICC profile" if path.is_file() else "not found"
    return (
        "MISSING",
        f"press profile: {path} {problem}; fix: put the printer's CMYK .icc file there or "
        f"correct press: output-profile in {brand_file}",
    )


def installed_fonts(faces: tuple[FontFile, ...]) -> Iterator[Finding]:
    """Whether the brand's families are installed on this machine: PDFs embed them anyway,
    but a memo opened in Word or LibreOffice where they are not installed (and not embedded)
    falls back to another font."""
    if not shutil.which("fc-list"):
        return
    listed = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=False
    ).stdout
    known = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    families = sorted({face.family for face in faces})
    absent = [family for family in families if family not in known]
    folders = " ".join(sorted({shlex.quote(str(face.path.parent)) + "/*.ttf" for face in faces}))
    if absent:
        yield (
            "note",
            (
                f"brand fonts not installed here: {', '.join(absent)}; PDFs embed them, but memo "
                "readers need them installed unless the memo embeds them; fix (this machine): "
                f"mkdir -p ~/.local/share/fonts && cp {folders} ~/.local/share/fonts/ "
                "&& fc-cache -f"
            ),
        )
    else:
        yield "ok", f"brand fonts installed: {', '.join(families)}"
