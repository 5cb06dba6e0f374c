"""The brand file: one source for the PDF's CSS custom properties and the memo's Word styles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from briefexport.errors import ConfigError
from briefexport.settings import PACKAGED, first_existing

COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
PRESS = {  # the printing condition of the press copy (PDF/X-4); the profile under styles/
    "output-profile": "icc/gracol-tr006.icc",
    "output-condition": "CGATS TR 006",
    "output-condition-info": "GRACoL (CGATS TR 006), commercial offset, grade 1 coated paper",
    "registry": "http://www.color.org",
}


@dataclass(frozen=True)
class FontFile:
    """One face of a brand font family, as a file under ``styles/``."""

    family: str
    weight: int
    style: str
    path: Path


@dataclass(frozen=True)
class Brand:
    """Colours, fonts and sizes of the organisation's publications."""

    organisation: str
    short_name: str
    colours: dict[str, str]
    fonts: dict[str, str]
    sizes: dict[str, float]
    font_files: tuple[FontFile, ...]
    toc_pages: int = 8
    """A contents block for articles estimated longer than this, unless ``toc`` says."""
    key_takeaways: bool = True
    """A key-takeaways box on the brief's first page when the source has a summary."""
    memo_to: str = ""
    """What the memo's TO: line says when the source names nobody (no line when empty)."""
    embed_fonts: bool = True
    """Whether the memo carries the brand fonts it uses (subset), so that it looks the same
    on machines without them."""
    press: dict[str, str] = field(default_factory=lambda: dict(PRESS))
    """The press copy's printing condition: output profile (under styles/), its identifier,
    description and registry (PDF/X-4 OutputIntent)."""

    def css(self) -> str:
        """``@font-face`` rules and ``:root`` custom properties for the stylesheets."""
        faces = "".join(
            f"@font-face{{font-family:'{f.family}';font-weight:{f.weight};"
            f"font-style:{f.style};src:url('{f.path.as_uri()}')}}\n"
            for f in self.font_files
        )
        props = [f"--colour-{name}:{value}" for name, value in self.colours.items()]
        props += [f"--font-{name}:'{family}'" for name, family in self.fonts.items()]
        props += [
            f"--size-{name}:{value}" + ("" if name == "leading" else "pt")
            for name, value in self.sizes.items()
        ]
        return faces + ":root{" + ";".join(props) + "}\n"

    def colour_hex(self, name: str) -> str:
        """A colour without its ``#``, as Word wants it."""
        return self.colours[name].lstrip("#").upper()

    def uncovered(self, text: str) -> list[str]:
        """The characters of ``text`` that the body or the heading font lacks, in order of
        first appearance: the PDF sets them in whatever fallback font the machine has."""
        faces = [
            f.path
            for f in self.font_files
            if f.family in (self.fonts["body"], self.fonts["heading"])
            and (f.weight, f.style) == (400, "normal")
        ]
        if not faces:
            return []
        covered = frozenset.intersection(*map(font_characters, faces))
        return [c for c in dict.fromkeys(text) if ord(c) not in covered and visible(c)]


@cache
def font_characters(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; slow to import

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def visible(character: str) -> bool:
    """Whether a character is drawn (not a space, control, format or variation selector)."""
    return unicodedata.category(character)[0] not in "CZ" and not (
        0xFE00 <= ord(character) <= 0xFE0F or 0xE0100 <= ord(character) <= 0xE01EF
    )


def load_brand(path: Path) -> Brand:
    """Read and check ``styles/brand.yaml``; font files are resolved beside it, else among the
    packaged fonts.

    Cached per modification time, so a warm process (``invoke watch``) sees a rebrand.
    """
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load_brand(path, stamp)


@cache
def _load_brand(path: Path, stamp: int) -> Brand:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the brand file: {exc}", path) from None
    try:
        colours = {str(k): str(v) for k, v in data["colours"].items()}
        bad = [k for k, v in colours.items() if not COLOUR.match(v)]
        if bad:
            raise ConfigError(f"colour '{bad[0]}' is not #RRGGBB", path, hint="write e.g. #14325C")
        reports = data.get("long-reports") or {}
        files = tuple(
            FontFile(
                str(f["family"]),
                int(f["weight"]),
                str(f["style"]),
                first_existing((path.parent, PACKAGED / "styles"), f["file"]).resolve(),
            )
            for f in data.get("font-files", ())
        )
        return Brand(
            organisation=str(data["organisation"]),
            short_name=str(data.get("short-name", data["organisation"])),
            colours=colours,
            fonts={str(k): str(v) for k, v in data["fonts"].items()},
            sizes={str(k): float(v) for k, v in data["sizes"].items()},
            font_files=files,
            toc_pages=int(reports.get("toc-pages", 8)),
            key_takeaways=bool(reports.get("key-takeaways", True)),
            memo_to=str(data.get("memo", {}).get("to-placeholder", "")),
            embed_fonts=bool(data.get("memo", {}).get("embed-fonts", True)),
            press={**PRESS, **{str(k): str(v) for k, v in data.get("press", {}).items()}},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(
            f"the brand file is incomplete: {exc}",
            path,
            hint="compare with the keys in the shipped styles/brand.yaml",
        ) from None
