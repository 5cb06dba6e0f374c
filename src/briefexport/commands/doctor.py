"""``invoke doctor``: what the build needs from the system, and the command that fixes each gap."""

from __future__ import annotations

import ctypes.util
import shutil
from collections.abc import Iterator
from pathlib import Path

APT = "apt-get update && apt-get install -y"


def diagnose(project: Path) -> Iterator[tuple[bool, str]]:
    """(ok, description) for each requirement."""
    for library, package, why in (
        ("pango-1.0", "libpango-1.0-0 libpangoft2-1.0-0", "WeasyPrint lays out text with Pango"),
        ("harfbuzz-subset", "libharfbuzz-subset0", "font subsetting about 4x faster"),
        ("fontconfig", "fontconfig", "font discovery"),
        ("cairo", "libcairo2", "CairoSVG draws the memo's SVG figures for older Word"),
    ):
        found = ctypes.util.find_library(library)
        yield bool(found), f"lib{library}: {found or f'not found ({why}); fix: {APT} {package}'}"
    brand = project / "styles" / "brand.yaml"
    yield brand.exists(), f"brand file: {brand if brand.exists() else f'{brand} missing'}"
    for tool, package, why in (
        ("pdftotext", "poppler-utils", "verify and the tests read PDFs back"),
        ("soffice", "libreoffice-writer-nogui", "the memo tests open the memo in LibreOffice"),
    ):
        path = shutil.which(tool)
        yield bool(path), f"{tool}: {path or f'not found ({why}); fix: {APT} {package}'}"
