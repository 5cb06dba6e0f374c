"""The article model every writer reads: typed, frozen, validated once by :mod:`source`."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport.errors import shown

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


@dataclass(frozen=True)
class Memo:
    """The memo header fields; empty strings fall back to the article's own data."""

    to: str = ""
    sender: str = ""
    cc: str = ""
    subject: str = ""


@dataclass(frozen=True)
class Notice:
    """A non-fatal finding about a source, located like an error."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{shown(self.path)}:{self.line}: warning: {self.message}"


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
    warnings: tuple[Notice, ...] = ()
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
        """The authored summary, or one derived from the lede and the section openings."""
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


def derive_summary(body: SyntaxTreeNode) -> Summary:
    """Lede as bottom line, first sentence of each section as key points."""
    from briefexport.render.text import first_sentence, plain_text

    lede = ""
    points: list[str] = []
    in_section = False
    for node in body.children:
        if node.type == "heading":
            in_section = True
            continue
        if node.type != "paragraph" or "class" in node.attrs:  # a bibliography entry
            continue
        text = plain_text(node)
        if not lede:
            lede = text
            in_section = False
        elif in_section:
            points.append(first_sentence(text))
            in_section = False
    return Summary(bottom_line=lede, key_points=tuple(points), derived=True)


def summary_notice(article: Article) -> Notice | None:
    """The warning for a source without an authored summary (the one-pager derives one)."""
    if article.summary is not None:
        return None
    return Notice(
        article.path,
        1,
        "no summary in the front matter; derived from the lede and section openings",
    )
