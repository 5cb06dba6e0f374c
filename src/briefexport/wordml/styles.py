"""Declarative Word styles: fonts, sizes, colours, spacing, borders, shading, outline level,
and the document's language; a style already in the document (a designer's) is kept.

python-docx styles each paragraph and run by asking whether its style is the default one
(``CT_Styles.default_for``), reading the type and default flag of every style of the document
each time: a fifth of a memo with a hundred notes. :func:`default_for` (installed in its
place) reads only the styles that carry a default flag, with an XPath compiled once (python-docx
compiles its path at each call), and gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, cast

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import nsmap, qn
from docx.oxml.styles import CT_Style, CT_Styles
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.styles import BabelFish
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle, StyleFactory
from docx.styles.styles import Styles
from lxml.etree import XPath  # type: ignore[import-untyped]

from briefexport.wordml.oxml import PPR_ORDER, RPR_ORDER, element, put

EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")
WORD_BUILT_INS = frozenset(
    {
        "Normal", "Body Text", "Title", "Subtitle", "Quote", "Caption", "Header", "Footer",
        "Footnote Text", "Footnote Reference", "Hyperlink", "Table Grid",
        *(f"Heading {n}" for n in range(1, 10)),
        *(f"List {kind}{n}" for kind in ("Bullet", "Number", "Continue") for n in ("", " 2", " 3")),
    }
)  # fmt: skip
"""Styles Word ships: added under these names they stay Word's own, not custom copies."""


@dataclass(frozen=True)
class Border:
    """A single line on one ``edge`` of a paragraph or table: colour, width and gap in points."""

    edge: str
    colour: str
    width: float
    space: float = 0

    def xml(self) -> BaseOxmlElement:
        """The ``w:top``/``w:bottom``/... element."""
        return element(
            f"w:{self.edge}",
            val="single",
            sz=round(self.width * 8),
            space=round(self.space),
            color=self.colour,
        )


def borders(tag: str, lines: Iterable[Border]) -> BaseOxmlElement:
    """A ``w:pBdr``/``w:tblBorders``/``w:tcBorders`` holding ``lines`` in schema order."""
    box = element(tag)
    for line in sorted(lines, key=lambda b: EDGES.index(b.edge)):
        box.append(line.xml())
    return box


def shading(fill: str) -> BaseOxmlElement:
    """A solid background ``w:shd``."""
    return element("w:shd", val="clear", color="auto", fill=fill)


class Definable(Protocol):
    """Something that can add itself to a document's styles."""

    @property
    def name(self) -> str:
        """The style's name in Word's Styles pane."""
        ...

    def define(self, styles: Styles) -> BaseStyle:
        """Add the style (or redefine the one of the same name) and return it."""
        ...


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph or character style; unset fields are inherited from ``base``.

    Lengths are in points; ``line`` is the least line height; ``tab`` one left tab stop.
    """

    name: str
    character: bool = False
    base: str | None = "Normal"
    next: str | None = None
    font: str = ""
    size: float = 0
    colour: str = ""
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    underline: bool | None = None
    strike: bool | None = None
    superscript: bool | None = None
    before: float | None = None
    after: float | None = None
    line: float = 0
    keep_next: bool | None = None
    align: WD_PARAGRAPH_ALIGNMENT | None = None
    left: float | None = None
    right: float | None = None
    hanging: float | None = None
    tab: float | None = None
    borders: tuple[Border, ...] = ()
    shading: str = ""
    outline: int | None = None

    def define(self, styles: Styles) -> BaseStyle:
        kind = WD_STYLE_TYPE.CHARACTER if self.character else WD_STYLE_TYPE.PARAGRAPH
        style = find_style(styles, self.name)
        if style is None:
            style = add_style(styles, self.name, kind)
        else:
            style.element.remove_all("w:pPr", "w:rPr")
        if not isinstance(style, CharacterStyle):
            raise TypeError(f"'{self.name}' is not a paragraph or character style")
        if self.base is not None:
            style.base_style = find_style(styles, self.base)
        self._font(style)
        if isinstance(style, ParagraphStyle):
            if self.next is not None:
                style.next_paragraph_style = find_style(styles, self.next)
            self._paragraph(style)
        return style

    def _font(self, style: CharacterStyle) -> None:
        font = style.font
        if self.font:
            font.name = self.font
        if self.size:
            font.size = Pt(self.size)
        if self.colour:
            font.color.rgb = RGBColor.from_string(self.colour)
        font.bold = self.bold
        font.italic = self.italic
        font.all_caps = self.caps
        font.underline = self.underline
        font.strike = self.strike
        font.superscript = self.superscript

    def _paragraph(self, style: ParagraphStyle) -> None:
        layout = style.paragraph_format
        if self.before is not None:
            layout.space_before = Pt(self.before)
        if self.after is not None:
            layout.space_after = Pt(self.after)
        if self.line:
            layout.line_spacing = Pt(self.line)
            layout.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        layout.keep_with_next = self.keep_next
        layout.alignment = self.align
        if self.left is not None:
            layout.left_indent = Pt(self.left)
        if self.right is not None:
            layout.right_indent = Pt(self.right)
        if self.hanging is not None:
            layout.first_line_indent = Pt(-self.hanging)
        if self.tab is not None:
            layout.tab_stops.add_tab_stop(Pt(self.tab))
        properties = style.element.get_or_add_pPr()
        if self.borders:
            put(properties, borders("w:pBdr", self.borders), PPR_ORDER)
        if self.shading:
            put(properties, shading(self.shading), PPR_ORDER)
        if self.outline is not None:
            put(properties, element("w:outlineLvl", val=self.outline), PPR_ORDER)


def style_id(name: str) -> str:
    """The id Word gives a style name: "Footnote Text" (or Word's "footnote text") is
    FootnoteText."""
    return name.title().replace(" ", "") if name.islower() else name.replace(" ", "")


def find_style(styles: Styles, name: str) -> BaseStyle | None:
    """The style called ``name``, or else having the id that name gets, or None."""
    root = styles.element
    found = root.xpath(f"./w:style[w:name/@w:val='{BabelFish.ui2internal(name)}']") or root.xpath(
        f"./w:style[@w:styleId='{style_id(name)}']"
    )
    return StyleFactory(found[0]) if found else None


def add_style(styles: Styles, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
    """A new, empty style (python-docx's ``add_style``, typed; built-ins marked as such)."""
    built_in = name in WORD_BUILT_INS
    style: BaseStyle = styles.add_style(name, kind, built_in)  # type: ignore[no-untyped-call]
    style.style_id = style_id(name)
    return style


def ensure_styles(styles: Styles, specs: Iterable[Definable]) -> dict[str, BaseStyle]:
    """Each spec's style: the document's own when it has one, else newly defined."""
    return {spec.name: find_style(styles, spec.name) or spec.define(styles) for spec in specs}


def replace_styles(styles: Styles, specs: Iterable[Definable], keep: Iterable[str]) -> None:
    """Drop every style but the defaults named in ``keep``, then define ``specs``."""
    kept = {style_id(name) for name in keep}
    for style in styles.element.xpath("./w:style"):
        if style.get(qn("w:styleId")) not in kept:
            styles.element.remove(style)
    for spec in specs:
        spec.define(styles)


def _default_run(styles: Styles) -> BaseOxmlElement:
    """``w:docDefaults/w:rPrDefault/w:rPr``, created when missing."""
    parent: BaseOxmlElement = styles.element
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr"):
        child = parent.find(qn(tag))
        if child is None:
            child = element(tag)
            parent.insert(0, child)
        parent = cast(BaseOxmlElement, child)
    return parent


def set_default_font(styles: Styles, family: str, size: float) -> None:
    """The font and size of text no style sets (list numbers, footnote separators)."""
    properties = _default_run(styles)
    fonts = element("w:rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family)
    put(properties, fonts, RPR_ORDER)
    put(properties, element("w:sz", val=round(size * 2)), RPR_ORDER)


def set_language(styles: Styles, tag: str) -> None:
    """The proofing language of the whole document: the defaults and every style."""
    put(_default_run(styles), element("w:lang", val=tag), RPR_ORDER)
    for lang in styles.element.xpath("./w:style/w:rPr/w:lang"):
        lang.set(qn("w:val"), tag)


def default_for(styles: CT_Styles, kind: WD_STYLE_TYPE) -> CT_Style | None:
    """The last style of ``kind`` marked default, or None: python-docx's
    ``CT_Styles.default_for``, reading only the styles that carry ``w:default``."""
    marked = [s for s in MARKED(styles) if s.type == kind and s.default]
    return marked[-1] if marked else None


MARKED = XPath("w:style[@w:default]", namespaces=nsmap)  # compiled once, not at each call


UPSTREAM_DEFAULT_FOR = CT_Styles.default_for
setattr(CT_Styles, "default_for", default_for)  # noqa: B010  (mypy: no method assignment)
