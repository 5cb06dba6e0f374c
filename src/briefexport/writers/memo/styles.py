"""The memo's Word styles and list numbering, generated from the brand file.

Sizes, colours and list markers follow the PDF's stylesheets (``styles/article.css``): the same
bullet glyph for each depth of bulleted list, decimal numbers at every depth.
"""

from __future__ import annotations

from functools import partial

from docx.enum.text import WD_PARAGRAPH_ALIGNMENT

from briefexport.brand import Brand
from briefexport.wordml.numbering import Level
from briefexport.wordml.styles import Border, Definable, StyleSpec
from briefexport.wordml.tables import TableStyleSpec

LIST_DEPTH = 3
"""List styles Word names with a level: List Bullet, List Bullet 2, List Bullet 3."""
INDENT = 18.0
"""One list level's indent in points (a quarter inch)."""
QUOTE_INDENT = INDENT * 1.5
"""A block quote's indent in points."""
CODE_INSET = 4.0
"""Points between a code block's shading and its text."""
CELL_PADDING = {"": 4.0, "Wide ": 2.0}
"""Points between a table cell's edges and its text, in tables and in wide tables."""
GAP = 10.0
"""Points between paragraphs of running text: half above, half below, so that a paragraph
after a table or a list is not glued to it."""
ALIGN = {
    "left": WD_PARAGRAPH_ALIGNMENT.LEFT,
    "center": WD_PARAGRAPH_ALIGNMENT.CENTER,
    "right": WD_PARAGRAPH_ALIGNMENT.RIGHT,
}
BULLETS = ("•", "–", "›")
"""The PDF's bullets for ``ul``, ``ul ul`` and ``ul ul ul`` (and deeper): glyphs the brand
fonts have."""
LEVELS = 9


def levels(text: str, numbered: bool) -> tuple[Level, ...]:
    """Nine list levels showing ``text`` (a bullet) or their decimal number and a full stop,
    each indented one more step."""
    step = round(INDENT * 20)
    return tuple(
        Level(
            "decimal" if numbered else "bullet",
            f"%{index + 1}." if numbered else text,
            step * (index + 1),
            step,
        )
        for index in range(LEVELS)
    )


LIST_LEVELS = {
    "Number": levels("", numbered=True),
    **{glyph: levels(glyph, numbered=False) for glyph in BULLETS},
}
"""One multilevel definition per marker: decimal numbers, and each bullet glyph."""


def list_style(kind: str, depth: int) -> str:
    """Word's name for a list paragraph style: List Bullet, List Number 2, List Continue 3."""
    depth = min(depth, LIST_DEPTH)
    return f"List {kind}" + (f" {depth}" if depth > 1 else "")


def memo_styles(brand: Brand) -> tuple[Definable, ...]:
    """Every style the memo uses, from the brand's fonts, sizes and colours (bases first)."""
    size, colour, font = brand.sizes, brand.colour_hex, brand.fonts
    leading = size["leading"]
    body = size["body"]
    heading_sizes = (size["heading-1"], size["heading-2"], size["heading-3"], body, body, body)
    quiet = partial(StyleSpec, font=font["heading"], size=size["small"], colour=colour("muted"))
    return (
        StyleSpec("Normal", base=None, font=font["body"], size=body, colour=colour("text"),
                  after=0, line=body * leading),
        StyleSpec("Body Text", before=GAP / 2, after=GAP / 2),
        *(
            StyleSpec(f"Heading {n}", next="Body Text", font=font["heading"], size=points,
                      colour=colour("primary"), bold=True, italic=n >= 5 or None,
                      before=points, after=round(points * 0.3, 1),
                      line=round(points * 1.2, 1), keep_next=True, outline=n - 1)
            for n, points in enumerate(heading_sizes, start=1)
        ),
        StyleSpec("Memo Organisation", font=font["heading"], size=size["subtitle"], bold=True,
                  caps=True, colour=colour("primary"), line=size["subtitle"] * 1.2),
        StyleSpec("Memo Title", font=font["heading"], size=size["title"], bold=True,
                  colour=colour("primary"), after=12, line=size["title"] * 1.2),
        StyleSpec("Memo Field", font=font["heading"], after=3, left=72, hanging=72, tab=72),
        StyleSpec("Memo Label", character=True, base=None, bold=True, colour=colour("muted")),
        StyleSpec("Memo Rule", size=4, line=4, after=14,
                  borders=(Border("bottom", colour("accent"), 1.5, 1),)),
        StyleSpec("Bottom Line", base="Body Text", left=10, right=10, before=8, after=14,
                  shading=colour("tint"),
                  borders=(Border("left", colour("accent"), 3, 6),
                           *(Border(edge, colour("tint"), 0.5, 5)
                             for edge in ("top", "bottom", "right")))),
        *(
            StyleSpec(list_style(kind, depth), base="Body Text", left=INDENT * depth,
                      hanging=INDENT if kind != "Continue" else None, before=0, after=GAP / 2)
            for kind in ("Bullet", "Number", "Continue")
            for depth in range(1, LIST_DEPTH + 1)
        ),
        StyleSpec("Quote", base="Body Text", left=QUOTE_INDENT, right=INDENT, italic=True,
                  borders=(quote_border(brand),)),
        StyleSpec("Bibliography", base="Body Text", left=INDENT * 1.5, hanging=INDENT * 1.5),
        StyleSpec("Source Code", font=font["mono"], size=size["small"], line=size["small"] * 1.3,
                  after=8, left=CODE_INSET, shading=colour("tint")),
        StyleSpec("Figure", before=6, after=2, keep_next=True, align=ALIGN["center"]),
        quiet("Caption", next="Body Text", after=10, align=ALIGN["left"]),
        *(
            spec
            for wide, points in (("", body - 1), ("Wide ", size["small"]))
            for spec in (
                StyleSpec(f"{wide}Table Text", font=font["heading"], size=points,
                          line=points * 1.25),
                StyleSpec(f"{wide}Table Heading", base=f"{wide}Table Text", bold=True,
                          keep_next=True),
            )
        ),
        StyleSpec("Footnote Text", size=size["footnote"], line=size["footnote"] * 1.25, after=2),
        StyleSpec("Footnote Reference", character=True, base=None, superscript=True),
        StyleSpec("Hyperlink", character=True, base=None, colour=colour("primary"),
                  underline=True),
        StyleSpec("Verbatim Char", character=True, base=None, font=font["mono"]),
        StyleSpec("Strikethrough", character=True, base=None, strike=True),
        StyleSpec("Horizontal Rule", size=4, line=4, before=6, after=12, left=72, right=72,
                  borders=(Border("bottom", colour("rule"), 0.75),)),
        quiet("Publication Note", before=8, after=2),
        quiet("Header"),
        quiet("Footer", align=ALIGN["right"]),
        *(
            TableStyleSpec(
                f"Memo {wide}Table",
                lines=(
                    Border("top", colour("primary"), 1),
                    Border("bottom", colour("primary"), 1),
                    Border("insideH", colour("rule"), 0.5),
                ),
                header_fill=colour("tint"),
                header_line=Border("bottom", colour("primary"), 0.75),
                padding=padding,
            )
            for wide, padding in CELL_PADDING.items()
        ),
    )  # fmt: skip


def quote_border(brand: Brand) -> Border:
    """The line left of a block quote, as in the PDF: 2 pt in the accent colour."""
    return Border("left", brand.colour_hex("accent"), 2, 8)
