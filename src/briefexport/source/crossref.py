"""Numbers and cross-references: figures, tables and sections, and what ``@fig:x`` points to.

Figures (an image alone in its paragraph) and tables are numbered when they have a caption or
an id; headings are numbered by their place in the outline ("3.2"). A reference is written in
the article's language ("Figure 1", "Рисунок 1") and becomes the text of its node, so every
writer and reader of plain text sees the label; one to an id that does not exist is an error at
its line, raised when the source is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import SourceError
from briefexport.labels import labels
from briefexport.render.html import heading_anchors
from briefexport.render.text import plain_text
from briefexport.sandbox.images import source_line

if TYPE_CHECKING:
    from briefexport.model import Article

KIND_LABEL = {"fig": "figure", "tbl": "table", "sec": "section"}
WORDS_PER_PAGE = 500
FIGURE_PAGES = 0.4
ROW_PAGES = 0.03


@dataclass(frozen=True)
class Target:
    """Something a reference can point to: its anchor, kind, number and line."""

    anchor: str
    kind: str
    number: str
    line: int
    caption: bool = True
    title: str = ""


@dataclass(frozen=True)
class Reference:
    """One ``@kind:id`` in the text, and what it points to."""

    key: str
    line: int
    target: Target


@dataclass(frozen=True)
class CrossRefs:
    """Every numbered thing of an article, by anchor and by node, and every reference."""

    lang: str = "en"
    targets: dict[str, Target] = field(default_factory=dict)
    by_node: dict[SyntaxTreeNode, Target] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()

    def of(self, node: SyntaxTreeNode) -> Target | None:
        """The target a heading, figure image or table node is, if numbered."""
        return self.by_node.get(node)

    def target(self, node: SyntaxTreeNode) -> Target:
        """The target of a ``crossref`` node (resolved when the source was read)."""
        return self.targets[str(node.meta["id"])]

    def label(self, target: Target) -> str:
        """``Figure 1``, ``Table 2``, ``Section 3.1`` in the article's language."""
        return label(target, self.lang)

    def caption_label(self, target: Target) -> str:
        """What a caption starts with: ``Figure 1.``."""
        return f"{self.label(target)}."

    @property
    def sections(self) -> list[Target]:
        """The headings in order, for a table of contents."""
        return [t for t in self.by_node.values() if t.kind == "sec"]


def is_figure(node: SyntaxTreeNode) -> bool:
    """A paragraph that holds one image and nothing else: a figure."""
    inline = node.children[0] if node.type == "paragraph" and node.children else None
    return bool(inline and len(inline.children) == 1 and inline.children[0].type == "image")


def resolve(article: Article) -> CrossRefs:
    """Number the article's figures, tables and sections and resolve its references;
    SourceError at the line of a duplicate id or of a reference to no such id."""
    targets: dict[str, Target] = {}
    by_node: dict[SyntaxTreeNode, Target] = {}
    counts = {"fig": 0, "tbl": 0}
    outline: list[int] = []
    anchors = iter(heading_anchors(article.body))
    top = min((int(n.tag[1]) for n in article.body.walk() if n.type == "heading"), default=1)

    def add(node: SyntaxTreeNode, target: Target) -> None:
        if target.anchor in targets:
            raise SourceError(
                article.path,
                target.line,
                f"id '{target.anchor}' is used twice",
                f"it is also on line {targets[target.anchor].line}; give each its own id",
            )
        targets[target.anchor] = target
        by_node[node] = target

    for node in article.body.walk():
        if node.type == "heading":
            depth = int(node.tag[1]) - top
            outline[:] = outline[: depth + 1] + [0] * (depth + 1 - len(outline))
            outline[depth] += 1
            anchor = next(anchors)
            number = ".".join(map(str, outline[: depth + 1]))
            line = source_line(article, node)
            target = Target(anchor, "sec", number, line, title=plain_text(node))
            add(node, target)
            if not anchor.startswith("sec:"):
                targets.setdefault(f"sec:{anchor}", target)
        elif is_figure(node):
            image = node.children[0].children[0]
            anchor = str(image.attrs.get("id", ""))
            captioned = bool(image.attrs.get("title"))
            if captioned or anchor:
                counts["fig"] += 1
                number = str(counts["fig"])
                line = source_line(article, node)
                add(image, Target(anchor or f"figure-{number}", "fig", number, line, captioned))
        elif node.type == "table":
            anchor = str(node.attrs.get("id", ""))
            captioned = any(child.type == "caption" for child in node.children)
            if captioned or anchor:
                counts["tbl"] += 1
                number = str(counts["tbl"])
                line = source_line(article, node)
                add(node, Target(anchor or f"table-{number}", "tbl", number, line, captioned))
    references = []
    for node in article.body.walk():
        if node.type == "crossref":
            key, line = str(node.meta["id"]), source_line(article, node)
            if key not in targets or targets[key].kind != node.meta["kind"]:
                raise SourceError(
                    article.path, line, f"reference {node.content}: no such id", missing_hint(key)
                )
            references.append(Reference(key, line, targets[key]))
            if node.token is not None:
                node.token.content = label(targets[key], article.lang)
    return CrossRefs(article.lang, targets, by_node, tuple(references))


def label(target: Target, lang: str) -> str:
    """``Figure 1``, ``Table 2``, ``Section 3.1`` in the language ``lang``."""
    return f"{labels(lang)[KIND_LABEL[target.kind]]} {target.number}"


def missing_hint(key: str) -> str:
    """How to give something the id ``key``."""
    kind = key.split(":", 1)[0]
    return {
        "fig": f'give a figure the id: ![alt](file.png "Caption"){{#{key}}}',
        "tbl": f"give a table the id: 'Table: caption {{#{key}}}' after it",
        "sec": f"give a heading the id: '## Heading {{#{key}}}'",
    }[kind]


def estimated_pages(article: Article) -> float:
    """About how many pages the brief runs to, from its words, figures and table rows: enough to
    decide on a table of contents before anything is laid out."""
    words = figures = rows = 0
    for node in article.body.walk():
        if node.type == "text":
            words += len(node.content.split())
        elif node.type == "image":
            figures += 1
        elif node.type == "tr":
            rows += 1
    return words / WORDS_PER_PAGE + figures * FIGURE_PAGES + rows * ROW_PAGES
