"""The editable Word memo ``<slug>-memo.docx``, as an assistant would build it by hand in Word.

A TO/FROM/DATE/SUBJECT header, the bottom line and key points, the full article, the
recommendations, the authors and the copyright. Every paragraph carries a named style
generated from the brand file, or taken from ``templates/memo-reference.docx`` when a designer
has made one (Pandoc's ``--reference-doc`` convention). Footnotes, hyperlinks, list numbering
and page fields are Word's own. Equal inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from itertools import count
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.section import _Footer, _Header
from docx.shared import Inches, Length, Mm, Pt
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.tree import SyntaxTreeNode
from PIL import Image

from briefexport.brand import Brand, load_brand
from briefexport.build.atomic import write_atomic
from briefexport.errors import ResourceError
from briefexport.labels import labels
from briefexport.model import Article, Notice
from briefexport.render.html import WIDE_TABLE_COLUMNS, heading_anchors, heading_shift, safe_href
from briefexport.render.text import plain_text
from briefexport.sandbox.images import ImageRef, image_notice, locate, sniff
from briefexport.sandbox.policy import policy_for
from briefexport.settings import Settings
from briefexport.wordml.fields import add_field, update_fields_on_open
from briefexport.wordml.footnotes import add_footnote, clear_footnotes
from briefexport.wordml.hyperlinks import Hyperlink, add_bookmark, add_hyperlink
from briefexport.wordml.numbering import Level, Numbering, link_style, number_paragraph, style_list
from briefexport.wordml.package import EPOCH_OF_ZIP, drop_leftovers, save
from briefexport.wordml.pictures import set_alt_text
from briefexport.wordml.properties import Properties, set_properties
from briefexport.wordml.styles import (
    Border,
    Definable,
    StyleSpec,
    ensure_styles,
    replace_styles,
    set_default_font,
    set_language,
)
from briefexport.wordml.tables import TableStyleSpec, repeat_header
from briefexport.writers import Output

APPLICATION = "briefexport"
DEFAULT_STYLES = ("Normal", "Default Paragraph Font", "Table Normal", "No List")
LIST_DEPTH = 3
INDENT = 18.0
"""One list level's indent in points (a quarter inch)."""
CELL_PADDING = {"": 4.0, "Wide ": 2.0}
"""Points between a table cell's edges and its text, in tables and in wide tables."""
CHAR_WIDTH = 0.62
"""A generous average character width, as a fraction of the font size."""
GAP = 6.0
"""Points between paragraphs of running text: half above, half below, so that a paragraph
after a table or a list is not glued to it."""
MARGINS: dict[str, Length] = {"letter": Inches(1), "a4": Mm(25)}
UNITS: dict[str, Callable[[float], Length]] = {"in": Inches, "mm": Mm}
EMBEDDABLE = ("png", "jpeg", "gif")
ALIGN = {
    "left": WD_PARAGRAPH_ALIGNMENT.LEFT,
    "center": WD_PARAGRAPH_ALIGNMENT.CENTER,
    "right": WD_PARAGRAPH_ALIGNMENT.RIGHT,
}
REGIONS = {"en": "en-US", "ru": "ru-RU", "kk": "kk-KZ", "uk": "uk-UA", "de": "de-DE", "fr": "fr-FR"}
"""Word's dictionaries are per region: a bare language tag gets its usual one."""
NUMBER_FORMATS = ("decimal", "lowerLetter", "lowerRoman")
BULLETS = ("•", "–")
LIST_LEVELS = {
    "Bullet": tuple(
        Level("bullet", BULLETS[i % len(BULLETS)], round(INDENT * 20) * (i + 1), round(INDENT * 20))
        for i in range(9)
    ),
    "Number": tuple(
        Level(NUMBER_FORMATS[i % 3], f"%{i + 1}.", round(INDENT * 20) * (i + 1), round(INDENT * 20))
        for i in range(9)
    ),
}


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
            StyleSpec(list_style(kind, depth), base="Body Text", before=0, after=GAP / 2)
            for kind in ("Bullet", "Number")
            for depth in range(1, LIST_DEPTH + 1)
        ),
        *(
            StyleSpec(list_style("Continue", depth), base="Body Text", left=INDENT * depth,
                      before=0, after=GAP / 2)
            for depth in range(1, LIST_DEPTH + 1)
        ),
        StyleSpec("Quote", base="Body Text", left=INDENT * 1.5, right=INDENT, italic=True,
                  borders=(Border("left", colour("rule"), 1.5, 8),)),
        StyleSpec("Source Code", font=font["mono"], size=size["small"], line=size["small"] * 1.3,
                  after=8, left=4, shading=colour("tint")),
        StyleSpec("Figure", before=6, after=2, keep_next=True, align=ALIGN["center"]),
        quiet("Caption", next="Body Text", italic=True, after=10, align=ALIGN["center"]),
        *(
            spec
            for wide, points in (("", body - 1), ("Wide ", size["small"]))
            for spec in (
                StyleSpec(f"{wide}Table Text", size=points, line=points * 1.25),
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


def column_widths(
    rows: list[list[str]], columns: int, total: int, size: float, padding: float
) -> list[int]:
    """Column widths (EMU) summing to ``total``: each column gets room for its longest word
    at ``size`` points plus ``padding`` either side, and the rest goes to the columns holding
    the most text; words break only when the longest words alone overflow the table."""
    longest, text = [0] * columns, [1] * columns
    for row in rows:
        for index, cell in enumerate(row):
            longest[index] = max(longest[index], *map(len, cell.split()), 1)
            text[index] = max(text[index], len(cell))
    floors = [Pt(size * CHAR_WIDTH * length + 2 * padding) for length in longest]
    spare = total - sum(floors)
    if spare < 0:
        return [floor * total // sum(floors) for floor in floors]
    return [floor + spare * share // sum(text) for floor, share in zip(floors, text, strict=True)]


def css_length(text: str) -> Length:
    """A CSS length from :data:`Settings.page_size` ("8.5in", "210mm") in Word's units."""
    match = re.fullmatch(r"([\d.]+)(in|mm)", text)
    if match is None:
        raise ValueError(f"not a page length: {text!r}")
    return UNITS[match[2]](float(match[1]))


def word_language(lang: str) -> str:
    """The article's language as Word tags its dictionaries ("en" is "en-US")."""
    return lang if "-" in lang else REGIONS.get(lang.lower(), lang)


def reference_document(settings: Settings) -> Document:
    """The generated reference: python-docx's blank document restyled from the brand, with
    one sample of each style for a designer to restyle in Word."""
    brand = load_brand(settings.brand_file)
    document = docx.Document()
    drop_leftovers(document)
    document.settings.element.remove_all("w:rsids", "w:proofState")
    set_default_font(document.styles, brand.fonts["body"], brand.sizes["body"])
    specs = memo_styles(brand)
    replace_styles(document.styles, specs, keep=DEFAULT_STYLES)
    numbering = Numbering(document)
    numbering.clear()
    for kind, levels in LIST_LEVELS.items():
        num_id = numbering.add_list(numbering.add_definition(levels))
        for depth in range(1, LIST_DEPTH + 1):
            style = document.styles[list_style(kind, depth)]
            link_style(style, num_id, depth - 1)
    for spec in specs:
        style = document.styles[spec.name]
        if isinstance(spec, TableStyleSpec):
            document.add_table(2, 2).style = style
        elif isinstance(spec, StyleSpec) and spec.character:
            document.add_paragraph("Body Text with ", "Body Text").add_run(spec.name, style)
        else:
            document.add_paragraph(spec.name, style)
    set_properties(
        document,
        Properties(
            title="Memo styles",
            authors=(brand.organisation,),
            subject="",
            description="Restyle in Word and save as templates/memo-reference.docx.",
            keywords=(),
            categories=(),
            language=word_language("en"),
            created=EPOCH_OF_ZIP,
            modified=EPOCH_OF_ZIP,
            company=brand.organisation,
            application=APPLICATION,
        ),
    )
    set_page(document, settings)
    return document


def write_reference_docx(settings: Settings, path: Path) -> None:
    """Write the generated reference document, for a designer to restyle in Word."""
    write_atomic(path, generated_reference(settings))


def generated_reference(settings: Settings) -> bytes:
    """The generated reference document's bytes, made once per brand file version."""
    try:
        stamp = settings.brand_file.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _generated_reference(settings, stamp)


@cache
def _generated_reference(settings: Settings, stamp: int) -> bytes:
    return save(reference_document(settings), EPOCH_OF_ZIP)


def base_document(settings: Settings) -> Document:
    """A document to write into: the designer's reference document when there is one (its
    styles win), else the generated one; emptied and set to the paper."""
    reference = settings.reference_docx
    data = reference.read_bytes() if reference.exists() else generated_reference(settings)
    document = docx.Document(io.BytesIO(data))
    document.element.body.clear_content()
    clear_footnotes(document)
    drop_leftovers(document)
    set_page(document, settings)
    return document


def paper(settings: Settings) -> tuple[Length, Length, Length]:
    """Page width, height and margin for ``--paper``."""
    width, height = map(css_length, settings.page_size)
    return width, height, MARGINS[settings.paper]


def set_page(document: Document, settings: Settings) -> None:
    """Paper size and margins from ``--paper``; a different first page (no running head)."""
    section = document.sections[0]
    section.page_width, section.page_height, margin = paper(settings)
    section.top_margin = section.bottom_margin = margin
    section.left_margin = section.right_margin = margin
    section.header_distance = section.footer_distance = Length(margin // 2)
    section.different_first_page_header_footer = True


@dataclass(frozen=True)
class Inline:
    """Where runs go and how they look: a paragraph or a link in it, bold, italic, a style."""

    paragraph: Paragraph
    target: Paragraph | Hyperlink
    bold: bool = False
    italic: bool = False
    style: CharacterStyle | None = None


@dataclass
class ListState:
    """An open list: its kind (Bullet or Number), its numbering, whether an item just began."""

    kind: str
    num_id: int
    fresh: bool = False


@dataclass
class MemoRenderer:
    """Writes one article into a document: one method per node type of the body's tree."""

    article: Article
    settings: Settings
    document: Document
    notices: list[Notice] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.brand = load_brand(self.settings.brand_file)
        self.words = labels(self.article.lang)
        self.styles = ensure_styles(self.document.styles, memo_styles(self.brand))
        self.paragraph_styles = {
            name: style for name, style in self.styles.items() if isinstance(style, ParagraphStyle)
        }
        self.character_styles = {
            name: style
            for name, style in self.styles.items()
            if isinstance(style, CharacterStyle) and name not in self.paragraph_styles
        }
        self.policy = policy_for(self.article, self.settings)
        self.numbering = Numbering(self.document)
        self.definitions = {kind: self.definition(kind) for kind in LIST_LEVELS}
        self.shift = heading_shift(self.article.body) - 1
        self.anchors = iter(heading_anchors(self.article.body))
        self.bookmark_ids = count()
        self.notes = {
            int(node.meta["id"]): node
            for block in self.article.body.children
            if block.type == "footnote_block"
            for node in block.children
        }
        self.numbers: dict[int, int] = {}
        self.citing: list[int] | None = None
        self.lists: list[ListState] = []
        self.quotes = 0
        self.inlines: list[Inline] = []
        self.wide = ""
        self.rows: Iterator[_Row] = iter(())
        self.cells: Iterator[_Cell] = iter(())
        width, height, margin = paper(self.settings)
        self.text_width, self.text_height = width - 2 * margin, height - 2 * margin

    def definition(self, kind: str) -> int:
        """The multilevel list definition the List Bullet / List Number style uses, or ours."""
        num_id = style_list(self.paragraph_styles[list_style(kind, 1)])
        definition = None if num_id is None else self.numbering.definition_of(num_id)
        if definition is None or self.numbering.depth(definition) < len(LIST_LEVELS[kind]):
            return self.numbering.add_definition(LIST_LEVELS[kind])
        return definition

    def write(self) -> None:
        """The whole memo: page furniture, header, opening, body, closing, properties."""
        self.furniture()
        self.letterhead()
        self.opening()
        self.render(self.article.body)
        self.closing()
        self.properties()

    # -- styles and paragraphs ---------------------------------------------------------

    def paragraph(self, style: str, text: str = "") -> Paragraph:
        """A new body paragraph in a named style."""
        return self.document.add_paragraph(text, self.paragraph_styles[style])

    def block_paragraph(self) -> Paragraph:
        """A paragraph of running text where the body is now: in a quote, or in a list, where
        an item's first paragraph carries the number and later ones continue under it."""
        if not self.lists:
            return self.paragraph("Quote" if self.quotes else "Body Text")
        current, depth = self.lists[-1], len(self.lists)
        if not current.fresh:
            return self.paragraph(list_style("Continue", depth))
        current.fresh = False
        paragraph = self.paragraph(list_style(current.kind, depth))
        number_paragraph(paragraph, current.num_id, depth - 1)
        return paragraph

    @contextmanager
    def listing(self, kind: str, start: int = 1) -> Iterator[None]:
        """A new list, numbered from ``start``, nested one level below the open one."""
        level = len(self.lists)
        num_id = self.numbering.add_list(self.definitions[kind], level, start)
        self.lists.append(ListState(kind, num_id))
        try:
            yield
        finally:
            self.lists.pop()

    def items(self, kind: str, texts: tuple[str, ...]) -> None:
        """A list of plain-text items (key points, recommendations)."""
        with self.listing(kind):
            for text in texts:
                self.lists[-1].fresh = True
                self.block_paragraph().add_run(text)

    # -- page, header and the parts around the body ------------------------------------

    def furniture(self) -> None:
        """The running head on pages after the first; "Page N of M" at the foot of all."""
        section = self.document.sections[0]
        self.story(section.first_page_header, "Header")
        self.story(section.header, "Header").add_run(self.article.running_title)
        for footer in (section.first_page_footer, section.footer):
            paragraph = self.story(footer, "Footer")
            paragraph.add_run(f"{self.words['page']} ")
            add_field(paragraph, "PAGE", "1")
            paragraph.add_run(f" {self.words['of']} ")
            add_field(paragraph, "NUMPAGES", "1")

    def story(self, story: _Header | _Footer, style: str) -> Paragraph:
        """A header or footer emptied of a reference document's content; its one paragraph."""
        story.is_linked_to_previous = False
        root = story.part.element
        for child in root.xpath("./w:p | ./w:tbl | ./w:sdt"):
            root.remove(child)
        return story.add_paragraph(style=self.paragraph_styles[style])

    def letterhead(self) -> None:
        """Organisation, MEMORANDUM, the TO/FROM/CC/DATE/SUBJECT lines and a rule."""
        article, memo = self.article, self.article.memo
        self.paragraph("Memo Organisation", article.publisher or self.brand.organisation)
        self.paragraph("Memo Title", self.words["memorandum"])
        lines = (
            ("to", memo.to),
            ("from", memo.sender or article.author_names),
            ("cc", memo.cc),
            ("date", article.date_long),
            ("subject", memo.subject or article.title),
        )
        for key, value in lines:
            if value or key == "to":  # without memo.to, a blank TO: line for staff to fill in
                paragraph = self.paragraph("Memo Field")
                paragraph.add_run(f"{self.words[key]}:", self.character_styles["Memo Label"])
                paragraph.add_run(f"\t{value}")
        self.paragraph("Memo Rule")

    def opening(self) -> None:
        """The authored bottom line and key points (a derived summary would repeat the body)."""
        summary = self.article.summary
        if summary is None:
            return
        self.paragraph("Heading 1", self.words["bottom_line"])
        self.paragraph("Bottom Line", summary.bottom_line)
        if summary.key_points:
            self.paragraph("Heading 2", self.words["key_points"])
            self.items("Bullet", summary.key_points)

    def closing(self) -> None:
        """Recommendations, the authors' bios, where it first appeared, the copyright."""
        article = self.article
        if article.summary and article.summary.recommendations:
            self.paragraph("Heading 1", self.words["recommendations"])
            self.items("Number", article.summary.recommendations)
        bios = [author.bio for author in article.authors if author.bio]
        if bios:
            about = self.words["about_authors" if len(bios) > 1 else "about_author"]
            self.paragraph("Heading 1", about)
            for bio in bios:
                self.paragraph("Body Text", bio)
        if article.originally_published:
            note = f"{self.words['originally']} {article.originally_published}."
            self.paragraph("Publication Note", note)
        if article.copyright:
            self.paragraph("Publication Note", article.copyright)

    def properties(self) -> None:
        """Core and app properties, the proofing language, fields updated on open."""
        article = self.article
        language = word_language(article.lang)
        set_properties(
            self.document,
            Properties(
                title=article.title,
                authors=tuple(author.name for author in article.authors),
                subject=article.memo.subject or article.title,
                description=article.effective_summary.bottom_line,
                keywords=article.keywords,
                categories=article.categories,
                language=language,
                created=article.created,
                modified=article.modified,
                company=article.publisher or self.brand.organisation,
                application=APPLICATION,
            ),
        )
        set_language(self.document.styles, language)
        update_fields_on_open(self.document.settings)

    # -- the body: blocks ----------------------------------------------------------------

    def render(self, node: SyntaxTreeNode) -> None:
        """Write a node (its method is ``node_<type>``; unknown types write their children)."""
        method: Callable[[SyntaxTreeNode], None] = getattr(self, f"node_{node.type}", self.fallback)
        method(node)

    def children(self, node: SyntaxTreeNode) -> None:
        for child in node.children:
            self.render(child)

    def fallback(self, node: SyntaxTreeNode) -> None:
        if node.children:
            self.children(node)
        else:
            self.run(node.content)

    def node_root(self, node: SyntaxTreeNode) -> None:
        for child in node.children:
            if child.type != "footnote_block":
                self.render(child)

    def node_paragraph(self, node: SyntaxTreeNode) -> None:
        inline = node.children[0] if node.children else None
        if inline and len(inline.children) == 1 and inline.children[0].type == "image":
            self.figure(inline.children[0])
        else:
            self.inline(self.block_paragraph(), node)

    def node_heading(self, node: SyntaxTreeNode) -> None:
        level = min(6, max(1, int(node.tag[1]) + self.shift))
        paragraph = self.paragraph(f"Heading {level}")
        self.inline(paragraph, node)
        add_bookmark(paragraph, next(self.anchors), next(self.bookmark_ids))

    def node_code_block(self, node: SyntaxTreeNode) -> None:
        self.paragraph("Source Code", node.content.rstrip("\n"))

    node_fence = node_code_block

    def node_hr(self, node: SyntaxTreeNode) -> None:
        self.paragraph("Horizontal Rule")

    def node_blockquote(self, node: SyntaxTreeNode) -> None:
        self.quotes += 1
        try:
            self.children(node)
        finally:
            self.quotes -= 1

    def node_bullet_list(self, node: SyntaxTreeNode) -> None:
        with self.listing("Bullet"):
            self.children(node)

    def node_ordered_list(self, node: SyntaxTreeNode) -> None:
        with self.listing("Number", int(node.attrs.get("start", 1))):
            self.children(node)

    def node_list_item(self, node: SyntaxTreeNode) -> None:
        self.lists[-1].fresh = True
        self.children(node)

    def figure(self, node: SyntaxTreeNode) -> None:
        """An image alone in its paragraph, and its caption (the image's title)."""
        self.inline(self.paragraph("Figure"), node, own=True)
        caption = node.attrs.get("title")
        if caption:
            self.paragraph("Caption", str(caption))

    def node_table(self, node: SyntaxTreeNode) -> None:
        rows = [
            [plain_text(cell) for cell in row.children] for row in node.walk() if row.type == "tr"
        ]
        columns = max(map(len, rows))
        self.wide = "Wide " if columns > WIDE_TABLE_COLUMNS else ""
        table = self.document.add_table(len(rows), columns)
        table.style = self.styles[f"Memo {self.wide}Table"]
        size = self.paragraph_styles[f"{self.wide}Table Text"].font.size or Pt(
            self.brand.sizes["body"]
        )
        widths = column_widths(rows, columns, self.text_width, size.pt, CELL_PADDING[self.wide])
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Length(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Length(width)
                cell.paragraphs[0].style = self.paragraph_styles[f"{self.wide}Table Text"]
        self.rows = iter(table.rows)
        self.children(node)

    def node_tr(self, node: SyntaxTreeNode) -> None:
        row = next(self.rows)
        if node.parent is not None and node.parent.type == "thead":
            repeat_header(row)
        self.cells = iter(row.cells)
        self.children(node)

    def node_th(self, node: SyntaxTreeNode) -> None:
        self.cell(node, f"{self.wide}Table Heading")

    def node_td(self, node: SyntaxTreeNode) -> None:
        self.cell(node, f"{self.wide}Table Text")

    def cell(self, node: SyntaxTreeNode, style: str) -> None:
        paragraph = next(self.cells).paragraphs[0]
        paragraph.style = self.paragraph_styles[style]
        align = re.search(r"text-align:(left|right|center)", str(node.attrs.get("style", "")))
        if align:
            paragraph.alignment = ALIGN[align[1]]
        self.inline(paragraph, node)

    # -- the body: inline content ----------------------------------------------------------

    def inline(self, paragraph: Paragraph, node: SyntaxTreeNode, own: bool = False) -> None:
        """Write ``node``'s inline content (or, with ``own``, the node itself) into
        ``paragraph``, in plain runs."""
        with self.writing(Inline(paragraph, paragraph)):
            if own:
                self.render(node)
            else:
                self.children(node)

    @contextmanager
    def writing(self, state: Inline) -> Iterator[None]:
        self.inlines.append(state)
        try:
            yield
        finally:
            self.inlines.pop()

    @property
    def at(self) -> Inline:
        """Where runs go now."""
        return self.inlines[-1]

    def run(self, text: str, style: CharacterStyle | None = None) -> Run:
        """A run of text with the current marks; bold and italic are the only direct ones."""
        run = self.at.target.add_run(text, style or self.at.style)
        if self.at.bold:
            run.bold = True
        if self.at.italic:
            run.italic = True
        return run

    def node_inline(self, node: SyntaxTreeNode) -> None:
        self.children(node)

    def node_text(self, node: SyntaxTreeNode) -> None:
        self.run(node.content)

    def node_softbreak(self, node: SyntaxTreeNode) -> None:
        self.run(" ")

    def node_hardbreak(self, node: SyntaxTreeNode) -> None:
        self.run("").add_break()

    def node_em(self, node: SyntaxTreeNode) -> None:
        with self.writing(replace(self.at, italic=True)):
            self.children(node)

    def node_strong(self, node: SyntaxTreeNode) -> None:
        with self.writing(replace(self.at, bold=True)):
            self.children(node)

    def node_s(self, node: SyntaxTreeNode) -> None:
        with self.writing(replace(self.at, style=self.character_styles["Strikethrough"])):
            self.children(node)

    def node_code_inline(self, node: SyntaxTreeNode) -> None:
        self.run(node.content, self.character_styles["Verbatim Char"])

    def node_link(self, node: SyntaxTreeNode) -> None:
        href = safe_href(str(node.attrs.get("href", "")))
        if href is None:
            self.children(node)
            return
        link = add_hyperlink(self.at.paragraph, href, str(node.attrs.get("title") or ""))
        hyperlink = self.character_styles["Hyperlink"]
        with self.writing(replace(self.at, target=link, style=hyperlink)):
            self.children(node)

    def node_image(self, node: SyntaxTreeNode) -> None:
        alt = plain_text(node)
        data = self.image_data(node, locate(self.article, node, self.policy))
        if data is None:
            self.run(f"[{alt}]")
            return
        shape = self.run("").add_picture(io.BytesIO(data))
        scale = min(1.0, self.text_width / shape.width, self.text_height / shape.height)
        if scale < 1:
            shape.width, shape.height = Length(shape.width * scale), Length(shape.height * scale)
        set_alt_text(shape, alt)

    def image_data(self, node: SyntaxTreeNode, image: ImageRef) -> bytes | None:
        """The bytes of an image Word can hold (WebP is converted to PNG); None, with a
        notice, for anything else."""
        if not image.usable:
            self.notices.append(image_notice(self.article, image))
            return None
        src = str(node.attrs.get("src", ""))
        try:
            data = self.policy.read(image.url)
        except (ResourceError, OSError) as exc:
            problem = f"image '{src}' could not be read: {exc}"
            self.notices.append(image_notice(self.article, replace(image, problem=problem)))
            return None
        kind = sniff(data[:1024])
        if kind == "webp":
            with Image.open(io.BytesIO(data)) as picture:
                converted = io.BytesIO()
                picture.save(converted, "PNG")
            return converted.getvalue()
        if kind not in EMBEDDABLE:
            problem = f"image '{src}' is {kind.upper() or 'not an image'}: Word cannot embed it"
            self.notices.append(image_notice(self.article, replace(image, problem=problem)))
            return None
        return data

    def node_footnote_ref(self, node: SyntaxTreeNode) -> None:
        """A note's first call becomes a Word footnote; later calls repeat its number. Word
        notes cannot hold notes: a note first cited inside another is called in the text
        right after that one's call (Word numbers notes in the order of their calls)."""
        note_id = int(node.meta["id"])
        first = note_id in self.notes and note_id not in self.numbers
        if first:
            self.numbers[note_id] = len(self.numbers) + 1
        if first and self.citing is None:
            self.citing = [note_id]
            for cited in self.citing:  # grows while the notes are written
                self.footnote(cited)
            self.citing = None
            return
        number = self.numbers.get(note_id, note_id + 1)
        self.run(str(number), self.character_styles["Footnote Reference"])
        if first and self.citing is not None:
            self.citing.append(note_id)

    def footnote(self, note_id: int) -> None:
        """Call note ``note_id`` here and write its text into the footnotes part."""
        reference = self.character_styles["Footnote Reference"]
        footnote = add_footnote(self.run(""), reference, self.paragraph_styles["Footnote Text"])
        blocks = [c for c in self.notes[note_id].children if c.type != "footnote_anchor"]
        for index, block in enumerate(blocks):
            paragraph = (
                footnote.paragraphs[0]
                if index == 0
                else footnote.add_paragraph(style=self.paragraph_styles["Footnote Text"])
            )
            if block.type == "paragraph":
                self.inline(paragraph, block)
            else:
                paragraph.add_run(plain_text(block))

    def node_footnote_anchor(self, node: SyntaxTreeNode) -> None:
        """The back-link a note carries in HTML; Word links notes itself."""


class MemoWriter:
    """``<slug>-memo.docx``: the editable Word memo."""

    def render(self, article: Article, settings: Settings) -> Output:
        from briefexport.writers.memo.report import ReportRenderer  # it extends MemoRenderer

        document = base_document(settings)
        renderer = ReportRenderer(article, settings, document)
        renderer.write()
        return Output(save(document, article.modified), notices=tuple(renderer.notices))
