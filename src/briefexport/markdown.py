"""The one configured Markdown parser: CommonMark, tables, footnotes, smart punctuation, no HTML."""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

LANG_QUOTES = {
    "en": "“”‘’",
    "ru": "«»„“",
    "kk": "«»„“",
    "uk": "«»„“",
    "de": "„“‚‘",
    "fr": ["« ", " »", "‹ ", " ›"],
}


@cache
def parser(lang: str = "en") -> MarkdownIt:
    """The parser for one language (quotes differ); raw HTML is off, so it stays text."""
    quotes = LANG_QUOTES.get(lang.split("-")[0], LANG_QUOTES["en"])
    md = MarkdownIt("commonmark", {"typographer": True, "html": False, "quotes": quotes})
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    md.use(footnote_plugin)
    md.validateLink = accept_any_link  # type: ignore[method-assign]  # the writers decide: unsafe links become plain text
    return md


def accept_any_link(url: str) -> bool:
    """Parse every link as a link; :func:`briefexport.html.safe_href` filters schemes."""
    return True


def parse(text: str, lang: str = "en") -> SyntaxTreeNode:
    """Parse a Markdown body into a syntax tree; footnote definitions land in a footnote_block."""
    return SyntaxTreeNode(parser(lang).parse(text))


MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]()<>#!|~{}&])")


def smarten(text: str, lang: str = "en") -> str:
    """Typographic quotes and dashes for a front-matter string; nothing else is interpreted."""
    escaped = MARKDOWN_SYNTAX.sub(r"\\\1", text)
    tokens = parser(lang).parseInline(escaped)
    return "".join(child.content for child in tokens[0].children or () if child.type == "text")
