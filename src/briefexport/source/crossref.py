"""Numbers and cross-references: figures, tables and sections, and what ``@fig:x`` points to.

Figures (an image alone in its paragraph) and tables are numbered when they have an id
(``{#fig:x}``, ``{#tbl:x}``), as pandoc-crossref and Quarto number them, so a caption typed with
its own number stays as written; headings are numbered by their place in the outline ("3.2").
A reference is written in the article's language ("Figure 1", "Рисунок 1") and becomes the
text of its node, so every writer and reader of plain text sees the label; one to an id that
does not exist is an error at its line, raised when the source is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import SourceError
from briefexport.labels import labels
from briefexport.render.text import markdown_inline, plain_text
from briefexport.render.tree import anchors_of, is_figure
from briefexport.sandbox.images import source_line
from briefexport.source.markdown import rewrite

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
    def anchors(self) -> list[str]:
        """The ``id`` of every heading, in order (see :func:`anchors_of`)."""
        return [t.anchor for t in self.by_node.values() if t.kind == "sec"]

    @property
    def sections(self) -> list[tuple[Target, str]]:
        """The headings in order, with their text, for a table of contents."""
        return [(t, plain_text(node)) for node, t in self.by_node.items() if t.kind == "sec"]


def paragraph_of(node: SyntaxTreeNode) -> SyntaxTreeNode:
    """The block an inline node sits in (its inline's parent), or the node itself at the top."""
    inline = node.parent
    return inline.parent if inline is not None and inline.parent is not None else node


def resolve(article: Article) -> CrossRefs:
    """Number the article's figures, tables and sections and resolve its references;
    SourceError at the line of a duplicate id or of a reference to no such id."""
    found: dict[str, list[SyntaxTreeNode]] = {"heading": [], "crossref": [], "numbered": []}
    for node in article.body.walk():  # once: long reports have thousands of nodes
        kind = node.type
        if kind in found:
            found[kind].append(node)
        elif kind == "table" or (kind == "image" and is_figure(paragraph_of(node))):
            found["numbered"].append(node)
    targets: dict[str, Target] = {}
    by_node: dict[SyntaxTreeNode, Target] = {}

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

    headings = found["heading"]
    top = min((int(node.tag[1]) for node in headings), default=1)
    outline: list[int] = []
    for node, anchor in zip(headings, anchors_of(headings), strict=True):
        depth = int(node.tag[1]) - top
        outline[:] = outline[: depth + 1] + [0] * (depth + 1 - len(outline))
        outline[depth] += 1
        number = ".".join(map(str, outline[: depth + 1]))
        line = source_line(article, node)
        add(node, Target(anchor, "sec", number, line))
        if not anchor.startswith("sec:"):
            targets.setdefault(f"sec:{anchor}", by_node[node])
    counts = {"fig": 0, "tbl": 0}
    for node in found["numbered"]:
        if "id" not in node.attrs:  # numbered when labelled, as pandoc-crossref and Quarto do
            continue
        kind = "tbl" if node.type == "table" else "fig"
        captioned = bool(node.attrs.get("title")) or any(c.type == "caption" for c in node.children)
        counts[kind] += 1
        line = source_line(article, node)
        add(node, Target(str(node.attrs["id"]), kind, str(counts[kind]), line, captioned))
    references = []
    for node in found["crossref"]:
        references.append(reference(article, targets, node, source_line(article, node)))
        if node.token is not None:
            node.token.content = label(references[-1].target, article.lang)
    for key_path, text in article.summary.fields() if article.summary else ():
        line = article.front_matter_lines.get(key_path, 1)
        references += [
            reference(article, targets, node, line) for node in crossrefs_in(text, article.lang)
        ]
    return CrossRefs(article.lang, targets, by_node, tuple(references))


def reference(
    article: Article, targets: dict[str, Target], node: SyntaxTreeNode, line: int
) -> Reference:
    """What a ``crossref`` node at ``line`` points to; SourceError when there is no such id."""
    key = str(node.meta["id"])
    if key not in targets or targets[key].kind != node.meta["kind"]:
        raise SourceError(
            article.path, line, f"reference {node.content}: no such id", missing_hint(key)
        )
    return Reference(key, line, targets[key])


def crossrefs_in(text: str, lang: str) -> list[SyntaxTreeNode]:
    """The references in a summary field's inline Markdown (none in code, none escaped)."""
    if "@" not in text:
        return []
    return [node for node in markdown_inline(text, lang).walk() if node.type == "crossref"]


def with_summary_labels(article: Article) -> Article:
    """The article with each reference in its authored summary written as its label ("see
    Table 1"), as the body's are, so every writer and ``check`` read the summary's text alike;
    the one-pager has no figure or table to link to. The references stay in ``crossrefs``."""
    crossrefs = article.crossrefs
    summary = article.summary
    if summary is None:
        return article

    def labelled(_: tuple[str, ...], text: str) -> str:
        nodes = crossrefs_in(text, article.lang)
        return rewrite(
            text, [(n.token, crossrefs.label(crossrefs.target(n))) for n in nodes if n.token]
        )

    written = summary.rewritten(labelled)
    if written == summary:
        return article
    done = replace(article, summary=written)
    # the cached property, as resolved from the summary the author wrote: resolving the new
    # article again would find no reference in its summary, and check would call ids unused
    vars(done)["crossrefs"] = crossrefs
    return done


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
