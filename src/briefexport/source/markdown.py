"""The one configured Markdown parser: CommonMark, tables, footnotes, smart punctuation, no HTML."""

from __future__ import annotations

import re
import time
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

from briefexport.sandbox.budget import deadline
from briefexport.source.citesyntax import citation_rule
from briefexport.source.pandoc import ALLOWED, Quotes, pandoc_plugin

MAX_NESTING = 100
PARSE_SECONDS = 20.0

LANG_QUOTES: dict[str, Quotes] = {
    "en": "“”‘’",
    "ru": "«»„“",
    "kk": "«»„“",
    "uk": "«»„“",
    "de": "„“‚‘",
    "fr": ["« ", " »", "‹ ", " ›"],
}


def quotes_for(lang: str) -> Quotes:
    """The quotation marks of a language tag (English ones when it is not known)."""
    return LANG_QUOTES.get(lang.split("-")[0].lower(), LANG_QUOTES["en"])


@cache
def parser(lang: str = "en", html: bool = False) -> MarkdownIt:
    """The parser for one language (quotes differ); raw HTML is off, so it stays text
    (``html`` turns it on, only to find where a source has some).

    Pandoc's syntax for long reports (:mod:`briefexport.source.pandoc`): attributes on images
    and spans, heading ids, table captions, fenced divs and cross-references."""
    quotes = quotes_for(lang)
    md = MarkdownIt("commonmark", {"typographer": True, "html": html, "quotes": quotes})
    md.options["maxNesting"] = MAX_NESTING  # the default, 20, silently drops what lies deeper
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    md.use(footnote_plugin)
    md.use(attrs_plugin, after=("image",), spans=True, allowed=ALLOWED)
    md.use(pandoc_plugin, quotes_for=quotes_for)
    md.inline.ruler.before("link", "citation", citation_rule)
    md.block.ruler.before("table", "deadline", block_deadline)
    md.inline.ruler.before("text", "deadline", inline_deadline)
    md.validateLink = accept_any_link  # type: ignore[method-assign]  # the writers decide: unsafe links become plain text
    return md


def accept_any_link(url: str) -> bool:
    """Parse every link as a link; :func:`briefexport.render.tree.safe_href` filters schemes."""
    return True


class ParseTimeoutError(Exception):
    """Parsing ran over :data:`PARSE_SECONDS` (markdown-it is quadratic on some inputs, such as
    thousands of unmatched brackets); knows the body line it was at, counted from 0."""

    def __init__(self, line: int) -> None:
        super().__init__(f"parsing took over {PARSE_SECONDS:g} s")
        self.line = line


def block_deadline(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block rule that matches nothing and stops a parse that has run out of time."""
    if time.monotonic() > state.env.get("deadline", float("inf")):
        raise ParseTimeoutError(start)
    state.env["line"] = start
    return False


def inline_deadline(state: StateInline, silent: bool) -> bool:
    """The inline twin of :func:`block_deadline`; the line is the paragraph's."""
    if time.monotonic() > state.env.get("deadline", float("inf")):
        body = state.env["text"]
        raise ParseTimeoutError(body.count("\n", 0, max(0, body.find(state.src[:200]))))
    return False


def parse(text: str, lang: str = "en", citations: bool = False) -> SyntaxTreeNode:
    """Parse a Markdown body into a syntax tree; footnote definitions land in a footnote_block;
    with ``citations``, Pandoc's ``[@key]`` and ``@key`` become ``citation`` nodes.

    ParseTimeoutError when it takes longer than :data:`PARSE_SECONDS`.
    """
    env: dict[str, Any] = {
        "deadline": time.monotonic() + PARSE_SECONDS,
        "text": text,
        "line": 0,
        "citations": citations,
    }
    # The rules' checks stop a slow parse at its paragraph; the timer also stops rules that
    # never reach them (the typographer's quotes pass runs after the inline rules).
    with deadline(PARSE_SECONDS * 1.1, lambda: ParseTimeoutError(env["line"])):
        return SyntaxTreeNode(parser(lang).parse(text, env))


def raw_html_lines(text: str) -> list[int]:
    """The lines (from 0) where a body has raw HTML as CommonMark defines it: tags, comments,
    processing instructions, declarations and CDATA, inline or as blocks; never an escaped
    ``\\<``, an autolink or code. Found by parsing again with HTML on, when there is a ``<``."""
    if "<" not in text:
        return []
    env = {"deadline": time.monotonic() + PARSE_SECONDS, "text": text}
    lines = []
    for token in parser("en", html=True).parse(text, env):
        if token.type == "html_block" and token.map:
            lines.append(token.map[0])
        elif token.type == "inline" and token.map:
            breaks = 0
            for child in token.children or ():
                if child.type == "html_inline":
                    lines.append(token.map[0] + breaks)
                newline = child.type in ("softbreak", "hardbreak")
                breaks += 1 if newline else child.content.count("\n")
    return sorted(set(lines))


MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]()<>#!|~{}&])")


def smarten(text: str, lang: str = "en") -> str:
    """Typographic quotes and dashes for a front-matter string; nothing else is interpreted."""
    escaped = MARKDOWN_SYNTAX.sub(r"\\\1", text)
    tokens = parser(lang).parseInline(escaped)
    return "".join(child.content for child in tokens[0].children or () if child.type == "text")


def rewrite(text: str, replacements: list[tuple[Token, str]]) -> str:
    """``text`` with the source of each inline token (a citation or a cross-reference, which
    record their ``offset``) replaced by the Markdown given for it; tokens in text order."""
    for token, markdown in reversed(replacements):
        start = int(token.meta["offset"])
        text = text[:start] + markdown + text[start + len(token.content) :]
    return text
