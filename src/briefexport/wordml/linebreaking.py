"""Lines of a Word document's paragraphs, without Word: the properties of each paragraph and
run through the styles' ``w:basedOn`` chains, the advance widths of the font files they name,
and greedy breaking at spaces, after slashes and hyphens in words, and between wide (CJK)
characters, as Word and LibreOffice break lines. :mod:`briefexport.wordml.pagination` stacks
the lines on pages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from docx.document import Document
from docx.oxml.ns import qn as qualified
from docx.oxml.xmlchemy import BaseOxmlElement, serialize_for_reading

qn = cache(qualified)
"""python-docx's ``qn``, remembered: the layout asks for the same few names thousands of times."""
EMU = 12700
"""EMUs in a point."""
TWIPS = 20
HEIGHT = 1.294
"""A brand face's line height as a multiple of its size (ascent and descent), when no
face file says."""
SUPERSCRIPT = 0.58
"""The size of superscript and subscript text, as a fraction of the text's."""
Face = tuple[str, bool, bool]
"""A font family, bold and italic."""


@dataclass(frozen=True)
class Metrics:
    """Advance widths of one face, in em, and its line height as a multiple of its size."""

    widths: dict[int, float]
    height: float
    words: dict[str, float] = field(default_factory=dict)

    def width(self, text: str) -> float:
        """The width of ``text`` in em (a character the face lacks: the width of a fallback
        face's, an em if it is wide, else half)."""
        if text not in self.words:
            widths = self.widths
            self.words[text] = sum(widths[ord(c)] if ord(c) in widths else missing(c) for c in text)
        return self.words[text]


@cache
def missing(character: str) -> float:
    """The width in em of a character a face lacks, in the face a fallback takes."""
    return 1.0 if unicodedata.east_asian_width(character) in "WF" else 0.5


@cache
def metrics(path: Path) -> Metrics:
    """The widths and line height of the face in ``path``."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        unit = font["head"].unitsPerEm
        advances = font["hmtx"].metrics
        widths = {code: advances[name][0] / unit for code, name in font.getBestCmap().items()}
        hhea = font["hhea"]
        return Metrics(widths, (hhea.ascent - hhea.descent + hhea.lineGap) / unit)


@dataclass
class Format:
    """The properties of a paragraph that its layout needs, in points."""

    size: float = 11.0
    face: Face = ("", False, False)
    before: float = 0.0
    after: float = 0.0
    line: float = 0.0
    rule: str = "auto"
    left: float = 0.0
    right: float = 0.0
    first: float = 0.0
    keep_next: bool = False
    page_break: bool = False
    border: str = ""
    rules: tuple[float, float] = (0.0, 0.0)


class Properties:
    """Paragraph and run properties through the styles' ``w:basedOn`` chains."""

    def __init__(self, document: Document, faces: dict[Face, Path]) -> None:
        root = document.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))}
        self.defaults = [
            found
            for path in ("w:docDefaults/w:pPrDefault/w:pPr", "w:docDefaults/w:rPrDefault/w:rPr")
            for found in root.xpath(f"./{path}")
        ]
        normal = root.xpath("./w:style[@w:type='paragraph' and @w:default='1']/@w:styleId")
        self.normal = str(normal[0]) if normal else None
        self.faces = faces
        self.chains: dict[str | None, list[BaseOxmlElement]] = {}
        self.formats: dict[str | None, Format] = {}
        self.direct: dict[tuple[str | None, str], Format] = {}

    def chain(self, style_id: str | None) -> list[BaseOxmlElement]:
        """The ``pPr`` and ``rPr`` of a style and its bases, nearest first."""
        if style_id not in self.chains:
            layers: list[BaseOxmlElement] = []
            seen: set[str | None] = set()
            at = style_id
            while at in self.styles and at not in seen:
                seen.add(at)
                style = self.styles[at]
                layers += [
                    p for p in (style.find(qn("w:pPr")), style.find(qn("w:rPr"))) if p is not None
                ]
                based = style.find(qn("w:basedOn"))
                at = based.get(qn("w:val")) if based is not None else None
            self.chains[style_id] = layers
        return self.chains[style_id]

    def paragraph(self, p: BaseOxmlElement) -> Format:
        """The format of paragraph ``p``: its style's, with its own properties over it."""
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else self.normal
        if style_id not in self.formats:
            self.formats[style_id] = self.resolve([*self.chain(style_id), *self.defaults])
        direct = p.find(qn("w:pPr"))
        if direct is None or (len(direct) == 1 and style is not None):
            return self.formats[style_id]
        key = (style_id, str(serialize_for_reading(direct)))
        if key not in self.direct:
            self.direct[key] = self.resolve([direct, *self.chain(style_id), *self.defaults])
        return self.direct[key]

    def face(self, r: BaseOxmlElement, paragraph: Format) -> tuple[Metrics, float]:
        """The metrics and size of run ``r`` in a paragraph of ``paragraph``'s format."""
        direct = r.find(qn("w:rPr"))
        if direct is None:
            return self.metrics(paragraph.face), paragraph.size
        style = direct.find(qn("w:rStyle"))
        layers = [direct, *(self.chain(style.get(qn("w:val"))) if style is not None else [])]
        family = first(layers, "w:rFonts", "w:ascii")
        size = first(layers, "w:sz", "w:val")
        face = (
            family or paragraph.face[0],
            toggle(layers, "w:b", paragraph.face[1]),
            toggle(layers, "w:i", paragraph.face[2]),
        )
        superscript = first(layers, "w:vertAlign", "w:val") in ("superscript", "subscript")
        points = int(size) / 2 if size else paragraph.size
        return self.metrics(face), points * (SUPERSCRIPT if superscript else 1)

    def metrics(self, face: Face) -> Metrics:
        """The face's metrics, or its family's regular face's, or a plain guess."""
        path = self.faces.get(face) or self.faces.get((face[0], False, False))
        return metrics(path) if path else Metrics({}, HEIGHT)

    def resolve(self, layers: list[BaseOxmlElement]) -> Format:
        """A paragraph format from property layers, nearest first."""

        def twips(tag: str, name: str) -> float:
            return float(first(layers, tag, name) or 0) / TWIPS

        line = first(layers, "w:spacing", "w:line")
        hanging = twips("w:ind", "w:hanging")
        size = first(layers, "w:sz", "w:val")
        box = next(
            (layer.find(qn("w:pBdr")) for layer in layers if layer.find(qn("w:pBdr")) is not None),
            None,
        )
        return Format(
            border=str(serialize_for_reading(box)) if box is not None else "",
            rules=(rule(box, "w:top"), rule(box, "w:bottom")),
            size=int(size) / 2 if size else 10.0,
            face=(
                first(layers, "w:rFonts", "w:ascii") or "",
                toggle(layers, "w:b", False),
                toggle(layers, "w:i", False),
            ),
            before=twips("w:spacing", "w:before"),
            after=twips("w:spacing", "w:after"),
            line=float(line) / TWIPS if line else 0.0,
            rule=first(layers, "w:spacing", "w:lineRule") or "auto",
            left=twips("w:ind", "w:left") or twips("w:ind", "w:start"),
            right=twips("w:ind", "w:right") or twips("w:ind", "w:end"),
            first=0.0 if listed(layers) else twips("w:ind", "w:firstLine") - hanging,
            keep_next=toggle(layers, "w:keepNext", False),
            page_break=toggle(layers, "w:pageBreakBefore", False),
        )


def listed(layers: list[BaseOxmlElement]) -> bool:
    """Whether a paragraph is a list item: its number or bullet, then a tab to the indent,
    where its first line's text starts."""
    path = f"{qn('w:numPr')}/{qn('w:numId')}"
    number = next((found for layer in layers if (found := layer.find(path)) is not None), None)
    return number is not None and number.get(qn("w:val")) != "0"


def rule(box: BaseOxmlElement | None, edge: str) -> float:
    """Points a paragraph border's ``edge`` adds to its height (its line and its gap)."""
    line = box.find(qn(edge)) if box is not None else None
    if line is None or line.get(qn("w:val")) in ("nil", "none"):
        return 0.0
    return int(line.get(qn("w:sz"), 0)) / 8 + int(line.get(qn("w:space"), 0))


def first(layers: list[BaseOxmlElement], tag: str, name: str) -> str | None:
    """The first layer's ``name`` attribute of a ``tag`` child that has it."""
    for layer in layers:
        found = layer.find(qn(tag))
        if found is not None and found.get(qn(name)) is not None:
            return str(found.get(qn(name)))
    return None


def toggle(layers: list[BaseOxmlElement], tag: str, default: bool) -> bool:
    """A on/off property (``w:b``, ``w:keepNext``) from the nearest layer that sets it."""
    for layer in layers:
        found = layer.find(qn(tag))
        if found is not None:
            return found.get(qn("w:val"), "true") not in ("0", "false", "off")
    return default


TAB = 2.0
"""Points a tab takes at least (the TOC's dotted tab to the page number)."""
WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\uac00-\ud7af"
"""Chinese, Japanese and Korean characters: a line may break between any two."""
OPENING, CLOSING = (
    "「『（〔［｛〈《【",
    "、。，．」』）〕］｝〉》】ー・？！：；ぁぃぅぇぉっゃゅょァィゥェォッャュョ",
)
WORDS = re.compile(rf"[{OPENING}]*[{WIDE}][{CLOSING}]*\s*|[^\s{WIDE}]+[{CLOSING}]*\s*|\s+")
"""Words with their spaces, and wide characters one by one (none starting a line with a
closing mark or ending one with an opening mark)."""
BREAKS = re.compile(r"(?<=[/-])(?=[^\W\d_])")
"""Where a word may break: after a slash or a hyphen before a letter (in links, compounds)."""


@dataclass
class Line:
    """One line of a paragraph: its height and the notes referred to on it."""

    height: float
    notes: list[str] = field(default_factory=list)


class Token(NamedTuple):
    """A word (with its trailing space) or a picture, as the line breaker sees it."""

    width: float
    space: float = 0.0
    height: float = 0.0
    notes: tuple[str, ...] = ()
    glue: bool = False
    breaks: bool = False


class Layout:
    """Lines of paragraphs and rows of tables at a given width."""

    def __init__(self, properties: Properties, notes: dict[str, list[BaseOxmlElement]]) -> None:
        self.properties = properties
        self.notes = notes
        self.note_heights: dict[str, float] = {}

    def tokens(self, p: BaseOxmlElement, form: Format) -> Iterator[Token]:
        """The words, tabs, breaks and pictures of paragraph ``p``, in order."""
        for r in p.iter(qn("w:r")):
            font, size = self.properties.face(r, form)
            for child in r:
                tag = child.tag
                if tag == qn("w:t") and child.text:
                    for index, word in enumerate(WORDS.findall(child.text)):
                        bare = word.rstrip()
                        *pieces, last = (
                            BREAKS.split(bare) if "/" in bare or "-" in bare else (bare,)
                        )
                        for number, piece in enumerate(pieces):
                            yield Token(font.width(piece) * size, glue=index == number == 0)
                        yield Token(
                            font.width(last) * size,
                            font.width(word[len(bare) :]) * size,
                            glue=index == 0 and not pieces and bool(bare),
                        )
                elif tag == qn("w:tab"):
                    yield Token(TAB)
                elif tag == qn("w:br"):
                    yield Token(0, breaks=True)
                elif tag == qn("w:footnoteReference"):
                    note = str(child.get(qn("w:id")))
                    yield Token(font.width(note) * size, notes=(note,), glue=True)
                elif tag == qn("w:footnoteRef"):  # the note's own number, in the note
                    yield Token(font.width(str(p.getparent().get(qn("w:id")))) * size)
                elif tag == qn("w:drawing"):
                    extent = next(child.iter(qn("wp:extent")), None)
                    if extent is not None:
                        yield Token(int(extent.get("cx")) / EMU, height=int(extent.get("cy")) / EMU)

    def lines(self, p: BaseOxmlElement, form: Format, width: float) -> list[Line]:
        """Paragraph ``p`` broken into lines ``width`` points wide, greedily, as Word does."""
        natural = self.properties.metrics(form.face).height * form.size
        if form.rule == "exact":
            height = form.line
        elif form.rule == "atLeast":
            height = max(form.line, natural)
        else:
            height = natural * (form.line * TWIPS / 240 if form.line else 1)
        lines = [Line(height)]
        room = width - form.left - form.right
        used, space = form.first, 0.0
        for token in self.tokens(p, form):
            line = lines[-1]
            if token.breaks:
                lines.append(Line(height))
                used, space = 0.0, 0.0
                continue
            joined = token.glue and used > 0 and space == 0  # a word's rest, in the next run
            step = token.width if joined else space + token.width
            if not joined and used > 0 and used + step > room:
                lines.append(line := Line(height))
                used, step = 0.0, token.width
            used += step
            space = token.space
            line.notes += token.notes
            if token.height:
                line.height = max(line.height, token.height)
        return lines

    def note_height(self, note: str, width: float) -> float:
        """The height a footnote takes at the foot of a page."""
        if note not in self.note_heights:
            total = 0.0
            for p in self.notes.get(note, []):
                form = self.properties.paragraph(p)
                lines = self.lines(p, form, width)
                total += form.before + form.after + sum(line.height for line in lines)
            self.note_heights[note] = total
        return self.note_heights[note]
