"""The article model every writer reads: typed, frozen, validated once by :mod:`source`."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport.messages import Message

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

    from briefexport.source.crossref import CrossRefs


RUNNING_TITLE_MAX = 60


@dataclass(frozen=True)
class Author:
    """One author as the front matter gives them."""

    name: str
    role: str = ""
    bio: str = ""


@dataclass(frozen=True)
class Summary:
    """The executive summary: authored in the front matter, or derived from the body."""

    bottom_line: str
    key_points: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    derived: bool = False
    omitted: int = 0
    """Section leads a derived summary left out to fit its page."""

    def fields(self) -> Iterator[tuple[tuple[str, ...], str]]:
        """Each field's text with its key path in the front matter, ``("summary",
        "key-points", "0")`` for the first key point."""
        yield ("summary", "bottom-line"), self.bottom_line
        for name, items in (
            ("key-points", self.key_points),
            ("recommendations", self.recommendations),
        ):
            for index, item in enumerate(items):
                yield ("summary", name, str(index)), item

    def rewritten(self, text: Callable[[tuple[str, ...], str], str]) -> Summary:
        """The summary with each field's text replaced by ``text(key path, text)``."""
        new = [text(key, item) for key, item in self.fields()]
        points = len(self.key_points)
        return replace(
            self,
            bottom_line=new[0],
            key_points=tuple(new[1 : 1 + points]),
            recommendations=tuple(new[1 + points :]),
        )

    def plain(self, lang: str = "en") -> Summary:
        """The summary as a reader sees it: each field's inline Markdown reduced to its text."""
        from briefexport.render.text import markdown_plain

        return self.rewritten(lambda _, item: markdown_plain(item, lang))


@dataclass(frozen=True)
class Memo:
    """The memo header fields; empty strings fall back to the article's own data."""

    to: str = ""
    sender: str = ""
    cc: str = ""
    subject: str = ""


@dataclass(frozen=True)
class References:
    """What an article's citations drew on: the bibliography files and the CSL style (outputs
    depend on them), the entries never cited, and the line of ``bibliography:``."""

    files: tuple[Path, ...]
    uncited: tuple[str, ...] = ()
    line: int = 1


@dataclass(frozen=True)
class Article:
    """One canonical source, parsed and validated."""

    path: Path
    slug: str
    title: str
    date: dt.date
    authors: tuple[Author, ...]
    body: SyntaxTreeNode
    subtitle: str = ""
    short_title: str = ""
    publisher: str = ""
    originally_published: str = ""
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    lang: str = "en"
    url: str = ""
    copyright: str = ""
    summary: Summary | None = None
    memo: Memo = field(default_factory=Memo)
    toc: bool | None = None
    """``toc`` in the front matter; None leaves it to the brand's page count."""
    toc_depth: int = 3
    references: References | None = None
    warnings: tuple[Message, ...] = ()
    body_first_line: int = 1
    front_matter_lines: dict[tuple[str, ...], int] = field(default_factory=dict, compare=False)
    """The file line of every front matter key and list item, by key path such as
    ``("summary", "key-points", "0")``: where findings about a value point."""

    @property
    def folder(self) -> Path:
        """The article's own folder: the only place its resources may come from."""
        return self.path.parent

    @property
    def author_names(self) -> str:
        """Authors joined for display: "A", "A and B", "A, B and C"."""
        names = [a.name for a in self.authors]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def running_title(self) -> str:
        """The short title for running heads; a long title is cut at a word, so it fits a line."""
        if self.short_title or len(self.title) <= RUNNING_TITLE_MAX:
            return self.short_title or self.title
        return self.title[:RUNNING_TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:–—") + "…"

    @cached_property
    def crossrefs(self) -> CrossRefs:
        """Numbered figures, tables and sections, and the references to them (computed once;
        :func:`briefexport.source.reader.read_article` raises on a reference to no such id)."""
        from briefexport.source.crossref import resolve

        return resolve(self)

    @property
    def effective_summary(self) -> Summary:
        """The authored summary, or one derived from the opening and the section leads."""
        return self.summary or derive_summary(self.body)

    @property
    def created(self) -> dt.datetime:
        """The source's date at midnight UTC: outputs carry it, so a rebuild changes no byte."""
        return dt.datetime.combine(self.date, dt.time(), tzinfo=dt.UTC)

    @property
    def modified(self) -> dt.datetime:
        """``SOURCE_DATE_EPOCH`` when set (reproducible-builds.org), else the creation date."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return self.created

    @property
    def date_long(self) -> str:
        """The date written out in the article's language, e.g. "January 24, 2022"."""
        from briefexport.labels import long_date

        return long_date(self.date, self.lang)


BOTTOM_LINE_WORDS = 60
KEY_POINT_WORDS = 40
"""A derived summary's limits (``check`` asks the same of an authored one): with at most
:data:`KEY_POINTS` points, it fits the one-pager well above the 9 pt floor by construction."""
KEY_POINTS = 6
SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
SIGN_OFF = re.compile(
    r"^(?:(?:we|i)(?: will|'ll| shall| look forward| hope to)|thank you|thanks|for more|contact"
    r"|if \w+ (?:have|has) (?:any )?questions|please (?:contact|direct|send))\b",
    re.IGNORECASE,
)


def derive_summary(body: SyntaxTreeNode) -> Summary:
    """The opening's first sentences (up to 60 words) as bottom line; as key points, the first
    sentence of each section's lead paragraph, up to six of at most 40 words each. Never a
    heading, a figure, a line that only introduces what follows, or a closing sign-off."""
    from briefexport.render.text import first_sentence

    leads: list[str] = []
    opening = ""
    after_heading = False
    prose = [n for n in body.children if n.type in ("heading", "paragraph")]
    paragraphs = [n for n in prose if n.type == "paragraph" and _is_prose(n)]
    for node in prose:
        if node.type == "heading":
            after_heading = True
            continue
        if node not in paragraphs or "class" in node.attrs:  # or a bibliography entry
            continue
        text = _text(node)
        if not opening:
            opening = text
        elif after_heading and not _closing(node, paragraphs, text):
            leads.append(first_sentence(text))
        after_heading = False
    if not opening:  # no running text at all: the first paragraph that is not a figure
        first = next((n for n in prose if n.type == "paragraph" and _text(n)), None)
        opening = _text(first) if first and not _is_figure(first) else ""
    fitting = [lead for lead in leads if len(lead.split()) <= KEY_POINT_WORDS]
    points = tuple(map(_escaped, fitting[:KEY_POINTS]))
    bottom_line = _escaped(_opening(opening))
    return Summary(bottom_line, points, derived=True, omitted=len(leads) - len(points))


def _escaped(text: str) -> str:
    """Plain text as the Markdown that reads back as it (summary fields are Markdown)."""
    from briefexport.source.markdown import MARKDOWN_SYNTAX

    return MARKDOWN_SYNTAX.sub(r"\\\1", text)


def _text(node: SyntaxTreeNode) -> str:
    from briefexport.render.text import plain_text

    return plain_text(node)


def _is_figure(node: SyntaxTreeNode) -> bool:
    from briefexport.render.tree import is_figure

    return is_figure(node)


def _is_prose(node: SyntaxTreeNode) -> bool:
    """A paragraph of running text: at least six words (or twenty characters of a script
    written without spaces) ending a sentence; not a figure, a bold line standing in for a
    heading, a labelled field, a name and title, or a line introducing a list."""
    inline = node.children[0] if node.children else None
    parts = [c for c in inline.children if c.type != "text" or c.content.strip()] if inline else []
    if not parts or (len(parts) == 1 and parts[0].type != "text"):
        return False  # a figure, or a bold or linked line alone
    if parts[0].type == "strong" and _text(parts[0]).endswith(":"):
        return False  # a labelled field: "**Subject:** ..."
    text = _text(node)
    long_enough = len(text.split()) >= 6 or (len(text) >= 20 and " " not in text.strip())
    return long_enough and bool(SENTENCE_END.search(text))  # not a name, title or lead-in


def _closing(node: SyntaxTreeNode, paragraphs: list[SyntaxTreeNode], text: str) -> bool:
    """A sign-off: a sentence of thanks or promise, or a one-sentence last paragraph."""
    from briefexport.render.text import first_sentence

    last = node is paragraphs[-1] and first_sentence(text) == text
    return last or bool(SIGN_OFF.match(text))


def _opening(text: str) -> str:
    """The opening's first sentences, up to BOTTOM_LINE_WORDS words (a longer first sentence
    is cut at a word)."""
    from briefexport.render.text import first_sentence

    taken: list[str] = []
    rest = text
    while rest:
        sentence = first_sentence(rest)
        if taken and len(" ".join([*taken, sentence]).split()) > BOTTOM_LINE_WORDS:
            break
        taken.append(sentence)
        rest = rest[len(sentence) :].strip()
    words = " ".join(taken).split()
    return (
        " ".join(words)
        if len(words) <= BOTTOM_LINE_WORDS
        else (" ".join(words[:BOTTOM_LINE_WORDS]) + " …")
    )


def summary_warning(article: Article) -> Message | None:
    """The warning for a source without an authored summary (the one-pager derives one)."""
    if article.summary is not None:
        return None
    derived = article.effective_summary
    points = len(derived.key_points)
    leads = f" and {points} section lead{'' if points == 1 else 's'}" if points else ""
    left = f"; {derived.omitted} more left out so it fits one page" if derived.omitted else ""
    return Message(
        article.path,
        1,
        f"no summary in the front matter; the one-pager's is derived from the opening"
        f"{leads}{left} (write summary: in the front matter to choose)",
    )


MOST_ITEMS = 6
"""Key points and recommendations a one-pager is designed for (three to six)."""


def item_count_warnings(article: Article) -> list[Message]:
    """A warning for each authored list longer than :data:`MOST_ITEMS`, at its key's line."""
    if article.summary is None:
        return []
    warnings = []
    for key, name, items in (
        ("key-points", "key points", article.summary.key_points),
        ("recommendations", "recommendations", article.summary.recommendations),
    ):
        if len(items) > MOST_ITEMS:
            line = article.front_matter_lines.get(("summary", key), 1)
            warnings.append(
                Message(
                    article.path,
                    line,
                    f"summary has {len(items)} {name} (keep {MOST_ITEMS} or fewer: a reader "
                    "takes in a few at a glance)",
                )
            )
    return warnings
