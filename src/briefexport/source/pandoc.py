"""Pandoc's syntax for long reports, as markdown-it rules.

- ``# Heading {#sec:intro}``: attributes at the end of a heading (id, classes);
- ``Table: caption {#tbl:x .landscape}`` (or ``: caption``) just before or after a table
  becomes the table's ``caption`` child and gives the table its id and classes;
- ``::: {.sidebar title="…"}`` … ``:::``: fenced divs, nested by counting fences (``div`` nodes);
- ``@fig:x``, ``@tbl:x``, ``@sec:x``: cross-references (``crossref`` nodes, resolved by
  :mod:`briefexport.source.crossref`);
- inside a ``lang`` span or div whose quotation marks differ from the article's, the double
  quotes smart punctuation made are the passage's own.

Spans ``[text]{lang=ru}`` and figure ids ``![alt](f.png "Caption"){#fig:x}`` come from
mdit-py-plugins' ``attrs`` plugin, configured in :mod:`briefexport.source.markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs

ALLOWED = ("id", "class", "lang", "title")
FENCE = re.compile(r"^(:{3,})[ \t]*(\{.*\}|[A-Za-z][\w-]*)?[ \t]*:*[ \t]*$")
TRAILING_ATTRS = re.compile(r"(?:^|[ \t]+)(\{[^{}]*\})[ \t]*$")
CAPTION = re.compile(r"^(?:Table)?:[ \t]+(?=\S)")
CROSSREF = re.compile(r"@(fig|tbl|sec):([\w](?:[\w:.-]*[\w])?)")
REFERENCE_KINDS = ("fig", "tbl", "sec")

Quotes = str | Sequence[str]


def attributes(text: str) -> dict[str, str] | None:
    """The ``{#id .class key=value}`` attributes spelled by ``text`` (all of it), or None."""
    try:
        end, found = parse_attrs(text)
    except ParseError:
        return None
    if end != len(text) - 1:
        return None
    return {key: value for key, value in found.items() if key in ALLOWED}


def trailing_attributes(text: str) -> tuple[str, dict[str, str]]:
    """``text`` without its trailing ``{…}``, and those attributes (empty when there are none)."""
    match = TRAILING_ATTRS.search(text)
    found = attributes(match[1]) if match else None
    if match is None or found is None:
        return text, {}
    return text[: match.start()].rstrip(), found


def pandoc_plugin(md: MarkdownIt, quotes_for: Callable[[str], Quotes]) -> None:
    """Add fenced divs, heading and table attributes, captions, cross-references and
    per-passage quotation marks to ``md``."""
    md.block.ruler.before(
        "fence", "fenced_div", fenced_div, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.inline.ruler.before("link", "crossref", crossref)
    md.core.ruler.after("block", "block_attributes", block_attributes)
    md.core.ruler.after(
        "smartquotes", "passage_quotes", lambda state: passage_quotes(state, quotes_for)
    )


def fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``::: {attrs}`` (or ``::: class``) … ``:::``; an inner opening fence nests."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    opening = FENCE.match(line_text(state, start))
    if opening is None or opening[2] is None:
        return False
    spec = opening[2]
    found = attributes(spec) if spec.startswith("{") else {"class": spec}
    if found is None:
        return False
    if silent:
        return True
    depth, line = 1, start + 1
    while line < end:
        if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            break  # the enclosing block (a list item, a quote) ends first
        fence = FENCE.match(line_text(state, line)) if state.sCount[line] < 4 else None
        if fence:
            depth += 1 if fence[2] else -1
            if depth == 0:
                break
        line += 1
    token = state.push("div_open", "div", 1)
    token.markup, token.map, token.block = opening[1], [start, line], True
    for key, value in found.items():
        token.attrSet(key, value)
    old_parent, old_limit = state.parentType, state.lineMax
    state.parentType, state.lineMax = "div", line
    state.md.block.tokenize(state, start + 1, line)
    state.parentType, state.lineMax = old_parent, old_limit
    state.push("div_close", "div", -1).markup = opening[1]
    state.line = min(line + 1, end) if depth == 0 else line
    return True


def line_text(state: StateBlock, line: int) -> str:
    """A block line's text from its indentation on."""
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def crossref(state: StateInline, silent: bool) -> bool:
    """``@fig:x``, ``@tbl:x``, ``@sec:x``, not inside a word (an e-mail address stays text)."""
    pos = state.pos
    if state.src[pos] != "@" or (pos > 0 and (state.src[pos - 1].isalnum())):
        return False
    match = CROSSREF.match(state.src, pos)
    if match is None:
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.content = match[0]
        token.meta = {"id": f"{match[1]}:{match[2]}", "kind": match[1], "offset": pos}
    state.pos = match.end()
    return True


def block_attributes(state: StateCore) -> None:
    """Heading attributes, and table captions moved into their tables (before inline parsing)."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and tokens[index + 1].type == "inline":
            inline = tokens[index + 1]
            inline.content, found = trailing_attributes(inline.content)
            for key in ("id", "class"):
                if key in found:
                    token.attrSet(key, found[key])
    index = 0
    while index < len(tokens):
        if tokens[index].type == "table_open":
            index = attach_caption(tokens, index)
        index += 1


def attach_caption(tokens: list[Token], table: int) -> int:
    """Move a caption paragraph just before (or else just after, as Pandoc prefers) the table at
    ``table`` into it; return the table's new index."""
    close = next(i for i in range(table, len(tokens)) if tokens[i].type == "table_close")
    for first in (table - 3, close + 1):
        if first < 0 or first + 2 >= len(tokens) or tokens[first].type != "paragraph_open":
            continue
        inline = tokens[first + 1]
        if tokens[first].level != tokens[table].level or not CAPTION.match(inline.content):
            continue
        text, found = trailing_attributes(CAPTION.sub("", inline.content, count=1))
        inline.content = text
        for key in ("id", "class"):
            if key in found:
                tokens[table].attrSet(key, found[key])
        level = tokens[table].level + 1
        caption = [
            Token("caption_open", "caption", 1, map=tokens[first].map, level=level, block=True),
            inline,
            Token("caption_close", "caption", -1, level=level, block=True),
        ]
        del tokens[first : first + 3]
        table -= 3 if first < table else 0
        tokens[table + 1 : table + 1] = caption
        return table
    return table


def passage_quotes(state: StateCore, quotes_for: Callable[[str], Quotes]) -> None:
    """Inside a ``lang`` div or span, the double quotes smart punctuation made from the
    article's quotation marks become the passage's own (« » for Russian in English text)."""
    article: Quotes = state.md.options["quotes"]
    blocks: list[str | None] = []
    for token in state.tokens:
        if token.type == "div_open":
            blocks.append(str(token.attrs.get("lang", "")) or None)
        elif token.type == "div_close":
            blocks.pop()
        elif token.type == "inline" and token.children:
            spans = [next((lang for lang in reversed(blocks) if lang), None)]
            for child in token.children:
                if child.type == "span_open":
                    spans.append(str(child.attrs.get("lang", "")) or spans[-1])
                elif child.type == "span_close" and len(spans) > 1:
                    spans.pop()
                elif child.type == "text" and spans[-1]:
                    child.content = requote(child.content, article, quotes_for(spans[-1]))


def requote(text: str, article: Quotes, passage: Quotes) -> str:
    """``text`` with the article's opening and closing double quotes made the passage's."""
    if article[0] == passage[0] and article[1] == passage[1]:
        return text
    swap = {article[0]: passage[0], article[1]: passage[1]}
    pattern = "|".join(re.escape(mark) for mark in swap)
    return re.sub(pattern, lambda mark: swap[mark[0]], text)
