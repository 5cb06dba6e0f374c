"""Pandoc's formatted citations spliced into the markdown-it token stream: footnote calls and
notes, text, and the bibliography section (see :mod:`briefexport.source.citations`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from markdown_it.token import Token

from briefexport.labels import labels
from briefexport.source.markdown import LANG_QUOTES, MARKDOWN_SYNTAX

PUNCTUATION = re.compile(r"^[.,;:!?]+")
CLOSING_QUOTES = ("”", "’")
Json = dict[str, Any]


class Site:
    """One citation token, its line (counted from the body's first line), and whether it sits
    in running text rather than in a note."""

    def __init__(self, token: Token, line: int, in_text: bool) -> None:
        self.token, self.line, self.in_text = token, line, in_text


def rendered_cites(node: Any) -> Iterator[Json]:
    """Every ``Cite`` of Pandoc's output, in document order (those in notes too)."""
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            yield node
            return
        yield from rendered_cites(node.get("c"))
    elif isinstance(node, list):
        for item in node:
            yield from rendered_cites(item)


def splice(
    tokens: list[Token], sites: list[Site], outputs: list[Json], note_style: bool, lang: str
) -> list[Token]:
    """The token stream with each citation replaced by Pandoc's text for it (``outputs``, one
    ``Cite`` per site); in running text with a note style, by a call to a new footnote holding
    that text."""
    notes: list[list[Token]] = []
    first_id = 1 + max((int(t.meta["id"]) for t in tokens if t.type == "footnote_open"), default=-1)
    replacement: dict[int, list[Token]] = {}
    for site, output in zip(sites, outputs, strict=True):
        content = output["c"][1]
        note = next((x for x in content if x["t"] == "Note"), None)
        if note is None or not site.in_text:
            replacement[id(site.token)] = inline_tokens(content, lang)
            continue
        label = f"cite-{len(notes) + 1}"
        ref = Token(
            "footnote_ref", "", 0, meta={"id": first_id + len(notes), "subId": 0, "label": label}
        )
        before = [x for x in content if x["t"] != "Note"]
        replacement[id(site.token)] = [*inline_tokens(before, lang), ref]
        notes.append(note_tokens(first_id + len(notes), label, note["c"], site.line, lang))
    for token in tokens:
        if token.type == "inline" and any(id(c) in replacement for c in token.children or ()):
            token.children = replaced(token.children or [], replacement, lang in ("en", "en-US"))
    return with_notes(tokens, notes) if notes else tokens


def replaced(
    children: list[Token], replacement: dict[int, list[Token]], inside_quotes: bool
) -> list[Token]:
    """Children with citations replaced; a note call moves after the punctuation that follows
    it and the space before it goes, as Pandoc places notes (``notes-after-punctuation``); in
    American English a comma or full stop so moved goes inside closing quotes."""
    out: list[Token] = []
    pending: list[Token] = []
    for child in children:
        if pending and child.type == "text" and (mark := PUNCTUATION.match(child.content)):
            child.content = child.content[mark.end() :]
            before = out[-1].content if out and out[-1].type == "text" else ""
            if inside_quotes and before[-1:] in CLOSING_QUOTES and mark[0] in (",", "."):
                out[-1].content = before[:-1] + mark[0] + before[-1]  # American usage
            else:
                out.append(Token("text", "", 0, content=mark[0]))
        out += pending
        pending = []
        if id(child) not in replacement:
            out.append(child)
            continue
        new = replacement[id(child)]
        if new and new[-1].type == "footnote_ref":
            if len(new) == 1 and out and out[-1].type == "softbreak":
                out.pop()
            if len(new) == 1 and out and out[-1].type == "text":
                out[-1].content = out[-1].content.rstrip()
            out += new[:-1]
            pending = new[-1:]
        else:
            out += new
    return [t for t in out + pending if t.type != "text" or t.content]


def note_tokens(number: int, label: str, blocks: list[Json], line: int, lang: str) -> list[Token]:
    """The tokens of one citation footnote."""
    out = [Token("footnote_open", "", 1, meta={"id": number, "label": label})]
    for block in blocks:
        inlines = inline_tokens(block["c"], lang)
        out += paragraph(inlines, line)
    return [*out, Token("footnote_close", "", -1)]


def paragraph(inlines: list[Token], line: int, attrs: dict[str, str] | None = None) -> list[Token]:
    """A paragraph of inline tokens, mapped to a source line (counted from the body's start)."""
    text = "".join(t.content for t in inlines)
    return [
        Token("paragraph_open", "p", 1, attrs=dict(attrs or {}), map=[line, line + 1], block=True),
        Token("inline", "", 0, map=[line, line + 1], content=text, children=inlines, block=True),
        Token("paragraph_close", "p", -1, block=True),
    ]


def with_notes(tokens: list[Token], notes: list[list[Token]]) -> list[Token]:
    """The stream with the citation notes added to its footnote block (made if need be), and
    the block's notes in the order they are numbered, as readers of the outputs meet them."""
    if not any(t.type == "footnote_block_open" for t in tokens):
        tokens = [
            *tokens,
            Token("footnote_block_open", "", 1),
            Token("footnote_block_close", "", -1),
        ]
    start = next(i for i, t in enumerate(tokens) if t.type == "footnote_block_open")
    end = next(i for i, t in enumerate(tokens) if t.type == "footnote_block_close")
    runs: dict[int, list[Token]] = {}
    for token in tokens[start + 1 : end]:
        if token.type == "footnote_open":
            runs[int(token.meta["id"])] = []
        runs[next(reversed(runs))].append(token)
    for note in notes:
        runs[int(note[0].meta["id"])] = note
    head, tail = tokens[: start + 1], tokens[end:]
    merged = [*head, *(t for run in runs.values() for t in run), *tail]
    order = dict.fromkeys([*call_order(merged), *runs])
    return [*head, *(t for number in order for t in runs[number]), *tail]


def split_inlines(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The inline tokens of running text, and those of each footnote by its id."""
    notes: dict[int, list[Token]] = {}
    body: list[Token] = []
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = notes.setdefault(int(token.meta["id"]), [])
        elif token.type == "footnote_close":
            current = None
        elif token.type == "inline":
            (body if current is None else current).append(token)
    return body, notes


def call_order(tokens: list[Token]) -> list[int]:
    """Footnote ids in the order the renderers number them: by first call in running text, a
    note called from a note right after the notes before it (``HtmlRenderer``)."""
    body, notes = split_inlines(tokens)
    order: list[int] = []
    queue: list[int] = []

    def scan(inlines: list[Token], in_text: bool) -> None:
        for inline in inlines:
            for child in inline.children or ():
                number = int(child.meta.get("id", -1)) if child.type == "footnote_ref" else -1
                if number in notes and number not in order and not child.meta.get("subId", 0):
                    order.append(number)
                    queue.append(number)
                    while in_text and queue:
                        scan(notes[queue.pop(0)], False)

    scan(body, True)
    return order


def inline_tokens(inlines: list[Json], lang: str) -> list[Token]:
    """Pandoc inlines as markdown-it inline tokens: text, emphasis, strong, links."""
    quotes = LANG_QUOTES.get(lang.split("-")[0], LANG_QUOTES["en"])
    out: list[Token] = []

    def text(content: str) -> None:
        if out and out[-1].type == "text":
            out[-1].content += content
        else:
            out.append(Token("text", "", 0, content=content))

    def walk(items: Any) -> None:
        for item in items:
            kind, content = item["t"], item.get("c", [])
            if kind == "Str":
                text(content)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                text(" ")
            elif kind in ("Emph", "Strong"):
                tag = "em" if kind == "Emph" else "strong"
                out.append(Token(f"{tag}_open", tag, 1, markup="*"))
                walk(content)
                out.append(Token(f"{tag}_close", tag, -1, markup="*"))
            elif kind == "Quoted":
                double = content[0]["t"] == "DoubleQuote"
                text(quotes[0] if double else quotes[2])
                walk(content[1])
                text(quotes[1] if double else quotes[3])
            elif kind == "Link":
                out.append(Token("link_open", "a", 1, attrs={"href": content[2][0]}))
                walk(content[1])
                out.append(Token("link_close", "a", -1))
            elif kind == "Code":
                out.append(Token("code_inline", "code", 0, content=content[1]))
            elif kind in ("Span", "Cite"):
                walk(content[1])
            elif kind in ("SmallCaps", "Superscript", "Subscript", "Underline", "Strikeout"):
                walk(content)
            elif kind in ("Para", "Plain"):  # a numeric style's label and entry, side by side
                text(" ") if out else None
                walk(content)
            elif kind == "Div":
                walk(content[1])

    walk(inlines)
    return out


def with_bibliography(
    tokens: list[Token], rendered: Json, note_style: bool, lang: str
) -> list[Token]:
    """The stream with a Bibliography (or References) heading and one paragraph per entry
    appended to the body, before the footnotes."""
    refs = next((b for b in rendered["blocks"] if b["t"] == "Div" and b["c"][0][0] == "refs"), None)
    if refs is None or not refs["c"][1]:
        return tokens
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    tag = f"h{min(levels, default=1)}"
    title = labels(lang)["bibliography" if note_style else "references"]
    line = max((t.map[1] for t in tokens if t.map), default=0)
    section = [
        Token("heading_open", tag, 1, markup="#", map=[line, line + 1], block=True),
        Token(
            "inline",
            "",
            0,
            content=title,
            map=[line, line + 1],
            block=True,
            children=[Token("text", "", 0, content=title)],
        ),
        Token("heading_close", tag, -1, markup="#", block=True),
    ]
    for entry in refs["c"][1]:
        identifier, classes, _ = entry["c"][0]
        attrs = {"class": " ".join(classes), "id": identifier}
        section += paragraph(inline_tokens(entry["c"][1], lang), line, attrs)
    end = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    return tokens[:end] + section + tokens[end:]


def cite_markdown(output: Json, lang: str) -> str:
    """Pandoc's text for a citation as inline Markdown, for a text without notes (a summary
    field): a note style's note follows in parentheses, without its closing full stop; links
    into the bibliography, which is not there, are left out."""
    content = output["c"][1]
    note = next((x for x in content if x["t"] == "Note"), None)
    text = markdown_of(inline_tokens([x for x in content if x["t"] != "Note"], lang))
    if note is None:
        return text
    inside = markdown_of(inline_tokens(note["c"], lang)).strip().removesuffix(".")
    return f"{text} ({inside})" if text else f"({inside})"


def markdown_of(tokens: list[Token]) -> str:
    """Inline tokens as the Markdown that parses back to them (code as plain text)."""
    out: list[str] = []
    links: list[str] = []
    marks = {"em": "*", "strong": "**"}
    for token in tokens:
        kind = token.type.rsplit("_", 1)[0]
        if token.type in ("text", "code_inline"):
            out.append(MARKDOWN_SYNTAX.sub(r"\\\1", token.content))
        elif kind in marks:
            out.append(marks[kind])
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            links.append("" if href.startswith("#") else href)
            out.append("[" if links[-1] else "")
        elif token.type == "link_close":
            href = links.pop()
            out.append(f"](<{href}>)" if href else "")
    return "".join(out)
