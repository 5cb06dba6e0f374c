"""What a long report adds around its body, the same for every writer: the table of contents
and the key-takeaways box."""

from __future__ import annotations

from briefexport.brand import Brand
from briefexport.model import Article
from briefexport.source.crossref import Target, estimated_pages


def contents(article: Article, brand: Brand) -> list[tuple[Target, str]]:
    """The headings (and their text) the table of contents lists, down to ``toc-depth``; none
    when the article has no contents (``toc: false``, or no ``toc`` and an estimate within the
    brand's pages)."""
    wanted = article.toc if article.toc is not None else estimated_pages(article) > brand.toc_pages
    if not wanted:
        return []
    return [
        (target, title)
        for target, title in article.crossrefs.sections
        if target.number.count(".") < article.toc_depth
    ]


def takeaways(article: Article, brand: Brand) -> tuple[str, ...]:
    """The key points (or else the bottom line) of an authored summary, when the brand puts a
    key-takeaways box on the first page; nothing for a derived summary."""
    if article.summary is None or not brand.key_takeaways:
        return ()
    summary = article.summary.plain(article.lang)  # as a reader sees them: Markdown reduced
    return summary.key_points or (summary.bottom_line,)


def report_context(article: Article, brand: Brand) -> dict[str, object]:
    """The template variables ``toc`` and ``takeaways``."""
    return {"toc": contents(article, brand), "takeaways": takeaways(article, brand)}
