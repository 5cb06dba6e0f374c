"""What a long report adds around its body, the same for every writer: the table of contents
and the key-takeaways box."""

from __future__ import annotations

from markupsafe import Markup

from briefexport.brand import Brand
from briefexport.model import Article
from briefexport.render.html import HtmlRenderer
from briefexport.render.text import markdown_inline
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


def takeaways(article: Article, brand: Brand, renderer: HtmlRenderer) -> tuple[Markup, ...]:
    """The key points (or else the bottom line) of an authored summary, when the brand puts a
    key-takeaways box on the first page, as HTML (emphasis, links, a passage's language);
    nothing for a derived summary."""
    if article.summary is None or not brand.key_takeaways:
        return ()
    points = article.summary.key_points or (article.summary.bottom_line,)
    return tuple(renderer.render(markdown_inline(point, article.lang)) for point in points)


def report_context(article: Article, brand: Brand, renderer: HtmlRenderer) -> dict[str, object]:
    """The template variables ``toc`` and ``takeaways`` (rendered by the body's ``renderer``)."""
    return {"toc": contents(article, brand), "takeaways": takeaways(article, brand, renderer)}
