"""The base of the memo's body renderer: its state, the node-type dispatch, and inline content
(runs with their marks, links, pictures)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace

from docx.document import Document
from docx.shared import Length
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.tree import SyntaxTreeNode

from briefexport.brand import load_brand
from briefexport.errors import ResourceError
from briefexport.labels import labels
from briefexport.messages import Message
from briefexport.render.text import plain_text
from briefexport.render.tree import TreeRenderer, safe_href
from briefexport.sandbox.images import image_warning
from briefexport.sandbox.policy import policy_for
from briefexport.settings import Settings
from briefexport.wordml.hyperlinks import Hyperlink, add_hyperlink
from briefexport.wordml.pictures import add_picture
from briefexport.wordml.runs import StyleIds, add_run
from briefexport.wordml.styles import ensure_styles
from briefexport.writers.memo.images import FIGURE_HEIGHT, fallback_png, load_picture
from briefexport.writers.memo.reference import paper
from briefexport.writers.memo.styles import memo_styles


@dataclass(frozen=True)
class Inline:
    """Where runs go and how they look: a paragraph or a link in it, bold, italic, a style."""

    paragraph: Paragraph
    target: Paragraph | Hyperlink
    bold: bool = False
    italic: bool = False
    style: CharacterStyle | None = None


@dataclass
class InlineRenderer(TreeRenderer[None]):
    """Writes one article's inline content: one method per node type (``node_<type>``)."""

    settings: Settings
    document: Document
    messages: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
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
        self.style_id = StyleIds(self.document.styles)
        self.policy = policy_for(self.article, self.settings)
        self.inlines: list[Inline] = []
        width, height, margin = paper(self.settings)
        self.text_width, self.text_height = width - 2 * margin, height - 2 * margin

    def children(self, node: SyntaxTreeNode) -> None:
        for child in node.children:
            self.render(child)

    def fallback(self, node: SyntaxTreeNode) -> None:
        if node.children:
            self.children(node)
        else:
            self.run(node.content)

    def inline(self, paragraph: Paragraph, node: SyntaxTreeNode, own: bool = False) -> None:
        """Write ``node``'s inline content (or, with ``own``, the node itself) into
        ``paragraph``, in plain runs."""
        with self.writing_into(paragraph):
            if own:
                self.render(node)
            else:
                self.children(node)

    def writing_into(self, paragraph: Paragraph) -> AbstractContextManager[None]:
        """Runs go into ``paragraph``, unmarked, until the block ends."""
        return self.writing(Inline(paragraph, paragraph))

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
        at = self.at
        chosen = style or at.style
        target = at.target
        r = add_run(
            target._p if isinstance(target, Paragraph) else target.element,
            text,
            self.style_id(chosen) if chosen is not None else None,
            styled=chosen is not None,
            bold=at.bold,
            italic=at.italic,
        )
        return Run(r, at.paragraph)

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
        self.picture(node, Length(self.text_height))

    def picture(self, node: SyntaxTreeNode, height: Length) -> None:
        """An image at its size in the PDF (CSS pixels, within the text block and ``height``),
        with its alt text; where Word cannot show it, the alt text in brackets."""
        alt = plain_text(node)
        picture, warning = load_picture(self.article, node, self.policy)
        if warning is not None:
            self.messages.append(warning)
        if picture is None:
            self.run(f"[{alt}]")
            return
        width, tall = picture.placed(self.text_width, height)
        if not picture.svg:
            add_picture(self.run(""), picture.data, None, width, tall, alt)
            return
        try:
            png = fallback_png(picture, width, tall, self.policy)
        except (ResourceError, OSError, ValueError) as exc:
            problem = f"image '{node.attrs.get('src', '')}' could not be drawn: {exc}"
            self.messages.append(
                image_warning(self.article, replace(picture.image, problem=problem))
            )
            self.run(f"[{alt}]")
            return
        add_picture(self.run(""), png, picture.data, width, tall, alt)

    def figure_height(self) -> Length:
        """The tallest a figure's picture may be: 150 mm, as in the PDF, or the text block."""
        return Length(min(FIGURE_HEIGHT, self.text_height))
