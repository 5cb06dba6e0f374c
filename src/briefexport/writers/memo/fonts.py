"""The brand fonts in the memo: every face its text is set in, subset to the characters it
shows, embedded so that the memo looks the same on machines without the fonts."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from docx.document import Document
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from briefexport.brand import Brand
from briefexport.wordml.fonts import FontEntry, embed_fonts

FACES = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic",
         (True, True): "BoldItalic"}  # fmt: skip
"""A face's name in the font table, by (bold, italic)."""
FILE_FACES = {(400, "normal"): "Regular", (700, "normal"): "Bold", (400, "italic"): "Italic",
              (700, "italic"): "BoldItalic"}  # fmt: skip
MARKERS = "0123456789.•–›\u00a0 "
"""What list numbers, note numbers and page fields may show besides the text."""
STORIES = ("document", "footnotes", "hdr", "ftr")
WORD_FAMILIES = {1: "roman", 2: "roman", 3: "roman", 4: "roman", 5: "roman", 7: "roman",
                 8: "swiss", 10: "script", 12: "decorative"}  # fmt: skip
"""Word's family class of an OS/2 ``sFamilyClass`` (serifs are roman, sans serifs swiss)."""

Run = tuple[str, bool, bool]
"""A run's font family, bold and italic."""


class StyleSheet:
    """Font, bold and italic of styles, through their ``w:basedOn`` chains and the defaults."""

    def __init__(self, document: Document) -> None:
        root = document.styles.element
        self.styles = {style.get(qn("w:styleId")): style for style in root.iter(qn("w:style"))}
        defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.defaults = defaults
        paragraph = root.xpath("./w:style[@w:type='paragraph' and @w:default='1']/@w:styleId")
        self.default_paragraph = str(paragraph[0]) if paragraph else "Normal"
        self.chains: dict[str | None, list[BaseOxmlElement]] = {}
        self.faces: dict[tuple[str | None, Marks], Run] = {}

    def chain(self, style_id: str | None) -> list[BaseOxmlElement]:
        """The run properties of a style and of the styles it is based on, nearest first
        (found once per style: every run asks)."""
        if style_id not in self.chains:
            self.chains[style_id] = list(self._chain(style_id))
        return self.chains[style_id]

    def _chain(self, style_id: str | None) -> Iterator[BaseOxmlElement]:
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            properties = style.find(qn("w:rPr"))
            if properties is not None:
                yield properties
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def resolve(self, run: BaseOxmlElement, paragraph_style: str | None) -> Run:
        """The family, bold and italic ``run`` is set in: found once for each paragraph style
        and what the run sets itself of its style, font, bold and italic (runs repeat a few
        of these, and going through the layers at every run was most of what embedding cost
        a memo with many notes)."""
        direct = run.find(RPR)
        key = (paragraph_style, marks(direct))
        if key not in self.faces:
            self.faces[key] = self._resolve(direct, paragraph_style)
        return self.faces[key]

    def _resolve(self, direct: BaseOxmlElement | None, paragraph_style: str | None) -> Run:
        style = direct.find(RSTYLE) if direct is not None else None
        layers = [
            *([direct] if direct is not None else []),
            *self.chain(style.get(VAL) if style is not None else None),
            *self.chain(paragraph_style or self.default_paragraph),
            *([self.defaults] if self.defaults is not None else []),
        ]
        fonts = [layer.find(RFONTS) for layer in layers]
        family = next((str(f.get(ASCII)) for f in fonts if f is not None and f.get(ASCII)), "")
        return family, self.toggle(layers, "w:b"), self.toggle(layers, "w:i")

    @staticmethod
    def toggle(layers: list[BaseOxmlElement], tag: str) -> bool:
        for layer in layers:
            found = layer.find(qn(tag))
            if found is not None:
                return found.get(VAL, "true") not in ("0", "false", "off")
        return False


RPR, RSTYLE, RFONTS, BOLD, ITALIC = map(qn, ("w:rPr", "w:rStyle", "w:rFonts", "w:b", "w:i"))
VAL, ASCII = qn("w:val"), qn("w:ascii")
P, R, PSTYLE = qn("w:p"), qn("w:r"), f"{qn('w:pPr')}/{qn('w:pStyle')}"
TEXTS = (qn("w:t"), qn("w:instrText"))
PROPERTIES = ((RSTYLE, VAL), (RFONTS, ASCII), (BOLD, VAL), (ITALIC, VAL))
"""What ``StyleSheet.resolve`` reads of a run's own properties: each element and its value."""
Marks = tuple[tuple[str | None] | None, ...]


def marks(direct: BaseOxmlElement | None) -> Marks:
    """A run's own style, font, bold and italic: for each, None when the run does not set
    it, else its value (itself None when the element has none)."""
    if direct is None:
        return (None,) * len(PROPERTIES)
    found = [(direct.find(tag), name) for tag, name in PROPERTIES]
    return tuple(None if element is None else (element.get(name),) for element, name in found)


def characters_by_face(document: Document) -> dict[Run, set[str]]:
    """Every (family, bold, italic) the memo's text is set in, and the characters in it (and
    their capitals, which styles in small or all capitals show)."""
    sheet = StyleSheet(document)
    faces: dict[Run, set[str]] = defaultdict(set)
    for part in document.part.package.iter_parts():
        if not isinstance(part, XmlPart) or part.element.tag not in map(qn_w, STORIES):
            continue
        for paragraph in part.element.iter(P):
            style = paragraph.find(PSTYLE)
            style_id = style.get(VAL) if style is not None else None
            for run in paragraph.iter(R):
                text = "".join(t.text or "" for t in run.iter(*TEXTS))
                faces[sheet.resolve(run, style_id)].update(text, text.upper(), MARKERS)
    return faces


def qn_w(story: str) -> str:
    """The root tag of a story part."""
    return qn(f"w:{story}")


def embed_brand_fonts(document: Document, brand: Brand) -> None:
    """Embed each face of a brand font that the memo's text uses and the brand has a file
    for, subset to the characters its family shows."""
    files = {(f.family, FILE_FACES[(f.weight, f.style)]): f.path for f in brand.font_files
             if (f.weight, f.style) in FILE_FACES}  # fmt: skip
    used = characters_by_face(document)
    families: dict[str, set[str]] = defaultdict(set)
    for (family, _, _), characters in used.items():
        families[family] |= characters
    for family in dict.fromkeys(brand.fonts.values()):
        faces = sorted({FACES[(bold, italic)] for (name, bold, italic) in used if name == family})
        paths = {face: files[(family, face)] for face in faces if (family, face) in files}
        if not paths:
            continue
        shown = frozenset(families[family])
        subsets = {face: subset(path, shown) for face, path in paths.items()}
        regular = files.get((family, "Regular"), next(iter(paths.values())))
        embed_fonts(document, font_entry(family, regular), subsets)


@cache
def subset(path: Path, characters: frozenset[str]) -> bytes:
    """A font file cut down to ``characters``, with the timestamps of the original so that
    equal inputs give equal bytes. Names and the ``kern`` table (the kerning Word applies)
    stay; the OpenType layout tables go, which halves the time subsetting takes."""
    from fontTools import subset as subsetting
    from fontTools.ttLib import TTFont

    options = subsetting.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    with TTFont(path, recalcTimestamp=False, lazy=True) as font:
        subsetter = subsetting.Subsetter(options)
        subsetter.populate(unicodes=sorted(map(ord, characters)))
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


@cache
def font_entry(family: str, path: Path) -> FontEntry:
    """The font-table entry of ``family``, from its regular face's OS/2 and post tables."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        os2, fixed = font["OS/2"], bool(font["post"].isFixedPitch)
        panose = os2.panose
        digits = (
            panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion,
            panose.bContrast, panose.bStrokeVariation, panose.bArmStyle, panose.bLetterForm,
            panose.bMidline, panose.bXHeight,
        )  # fmt: skip
        return FontEntry(
            name=family,
            panose="".join(f"{digit:02X}" for digit in digits),
            family="modern" if fixed else WORD_FAMILIES.get(os2.sFamilyClass >> 8, "auto"),
            pitch="fixed" if fixed else "variable",
            signature=(
                os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3,
                os2.ulUnicodeRange4, os2.ulCodePageRange1, os2.ulCodePageRange2,
            ),
        )  # fmt: skip
