"""Citations resolved in the source stage, so that every writer gets them from the one Article.

One Pandoc call per article formats every citation cluster and the bibliography with a CSL
style (Pandoc's citeproc: the best of the processors measured, see the README). Pandoc is given
a small document that mirrors the article: one paragraph per citation in running text and one
note per footnote of the article (holding the citations written in it), in reading order, so
its note numbers, "Ibid." and short forms are the article's. What comes back is spliced into
the token stream: with a note style a citation in running text becomes a footnote, numbered
with the article's own; otherwise, and inside footnotes, it becomes text. The bibliography is
appended as a heading and one paragraph per entry (class ``csl-entry``, id ``ref-<key>``).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import SourceError
from briefexport.labels import labels
from briefexport.model import References
from briefexport.source.bibliography import (
    PANDOC_SECONDS,
    Library,
    load_library,
    read_resource,
    require_pandoc,
)
from briefexport.source.citesyntax import Citation, Cluster
from briefexport.source.markdown import LANG_QUOTES, smarten

DEFAULT_STYLE = "chicago-notes-bibliography.csl"
STYLE_CLASS = re.compile(rb"<style\b[^>]*?\bclass=\"(note|in-text)\"")
PUNCTUATION = re.compile(r"^[.,;:!?]+")
CLOSING_QUOTES = ("”", "’")
Json = dict[str, Any]


@dataclass(frozen=True)
class Options:
    """The front matter's citation keys, with the lines they are on."""

    bibliography: tuple[str, ...]
    lines: tuple[int, ...]
    csl: str = ""
    csl_line: int = 1
    link_citations: bool = False
    nocite: tuple[str, ...] = ()
    nocite_line: int = 1


@dataclass
class Site:
    """One citation token, its line (counted from the body's first), and whether it sits in running text (not in a note)."""

    token: Token
    line: int
    in_text: bool


@dataclass
class Walk:
    """The citations in the order Pandoc must see them, and the document that shows it."""

    sites: list[Site] = field(default_factory=list)
    blocks: list[Json] = field(default_factory=list)


def options(
    path: Path, fields: dict[str, Any], lines: dict[tuple[str, ...], int]
) -> Options | None:
    """The citation keys taken out of the validated front matter fields (they are not the
    Article's), or None when the source has no bibliography."""
    names: tuple[str, ...] = fields.pop("bibliography", ())
    csl, link, nocite = (fields.pop(k, d) for k, d in (("csl", ""), ("link_citations", False), ("nocite", ())))
    if not names:
        for key, value in (("csl", csl), ("nocite", nocite)):
            if value:
                raise SourceError(path, lines[(key,)], f"'{key}' without 'bibliography'", "add 'bibliography: refs.json' beside the source")
        return None
    where = tuple(lines.get(("bibliography", str(i)), lines[("bibliography",)]) for i in range(len(names)))
    return Options(names, where, csl, lines.get(("csl",), 1), link, nocite, lines.get(("nocite",), 1))


def resolve(
    path: Path,
    body: SyntaxTreeNode,
    first_line: int,
    options: Options,
    lang: str,
    styles: Path | None,
) -> tuple[SyntaxTreeNode, References]:
    """The body with every citation formatted, the bibliography appended; and what it read."""
    library = load_library(path, options.bibliography, options.lines)
    style_path, style = read_style(path, options, styles)
    tokens = body.to_tokens()
    walk = citations(tokens, lang)
    check_keys(path, library, walk.sites, options, first_line)
    cited = {c.key for site in walk.sites for c in site.token.meta["cluster"].items}
    wanted = set(library.entries) if "*" in options.nocite else cited | set(options.nocite)
    if walk.sites or options.nocite:
        binary = require_pandoc(path, options.lines[0])
        references = [library.entries[key] for key in library.entries if key in wanted]
        document = pandoc_document(walk, options, lang)
        rendered = run_pandoc(binary, document, references, style, path, options.lines[0])
        note_style = bool(STYLE_CLASS.search(style[:4096]) and b'class="note"' in style[:4096])
        tokens = splice(tokens, walk.sites, rendered, note_style, lang)
        tokens = with_bibliography(tokens, rendered, note_style, lang)
    uncited = tuple(key for key in library.entries if key not in wanted)
    files = (*library.files, style_path)
    return SyntaxTreeNode(tokens), References(files, uncited, options.lines[0])


def read_style(path: Path, options: Options, styles: Path | None) -> tuple[Path, bytes]:
    """The ``csl:`` file beside the source, or the project's default style."""
    if options.csl:
        return read_resource(path, options.csl_line, options.csl, "style")
    default = styles / DEFAULT_STYLE if styles else None
    if default is None or not default.is_file():
        raise SourceError(
            path,
            options.lines[0],
            "no citation style: the project has no styles/" + DEFAULT_STYLE,
            "give 'csl: style.csl' beside the source",
        )
    return default, default.read_bytes()


def citations(tokens: list[Token], lang: str) -> Walk:
    """Every citation in the order Pandoc must meet it: running text in order, and each footnote
    of the article where the renderers number it (a note called in a note comes right after
    it), holding the citations written in it."""
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
    walk = Walk()
    called: set[int] = set()
    queue: list[int] = []

    def scan(inlines: list[Token], in_text: bool) -> list[Json]:
        """The Cites of ``inlines`` (recording their sites) and, in running text, their notes."""
        cites: list[Json] = []
        for index, inline in enumerate(inlines):
            line = inline.map[0] if inline.map else 0
            for child in inline.children or ():
                if child.type == "citation":
                    offset = child.meta["offset"]
                    walk.sites.append(Site(child, line + inline.content[:offset].count("\n"), in_text))
                    if in_text:
                        walk.blocks.append(para([cite(child, lang)]))
                    else:  # Pandoc capitalises a citation that opens a note
                        opening = index == 0 and not inline.content[:offset].strip()
                        cites += [{"t": "Space"}] if cites else []
                        cites += [] if opening else words("x ")
                        cites.append(cite(child, lang))
                elif child.type == "footnote_ref" and not child.meta.get("subId", 0):
                    number = int(child.meta["id"])
                    if number in notes and number not in called:
                        called.add(number)
                        queue.append(number)
                        if in_text:
                            flush()
        return cites

    def flush() -> None:
        while queue:
            inside = scan(notes[queue.pop(0)], False)
            inside = inside or [{"t": "Str", "c": "."}]  # a note is never empty
            walk.blocks.append(para([{"t": "Note", "c": [para(inside)]}]))

    scan(body, True)
    return walk


def para(inlines: list[Json]) -> Json:
    return {"t": "Para", "c": inlines}


def words(text: str) -> list[Json]:
    """Text as Pandoc inlines: words and spaces (a leading space is kept: it matters for the
    locator Pandoc reads from a suffix)."""
    out: list[Json] = []
    for part in re.split(r"(\s+)", text):
        if part.isspace():
            out.append({"t": "Space"})
        elif part:
            out.append({"t": "Str", "c": part})
    return out


def cite(token: Token, lang: str) -> Json:
    """A citation token as a Pandoc ``Cite``."""
    cluster: Cluster = token.meta["cluster"]
    items = [
        {
            "citationId": item.key,
            "citationPrefix": words(smarten(item.prefix, lang)) if item.prefix else [],
            "citationSuffix": words(smarten(item.suffix, lang)) if item.suffix else [],
            "citationMode": {"t": item.mode},
            "citationNoteNum": 0,
            "citationHash": 0,
        }
        for item in cluster.items
    ]
    return {"t": "Cite", "c": [items, [{"t": "Str", "c": token.content}]]}


def check_keys(
    path: Path, library: Library, sites: list[Site], options: Options, first_line: int
) -> None:
    """Every key cited or named in ``nocite`` must be in the bibliography."""
    known = list(library.entries)
    checks = [(c.key, first_line + site.line) for site in sites for c in site.token.meta["cluster"].items]
    checks += [(key, options.nocite_line) for key in options.nocite if key != "*"]
    for key, line in checks:
        if key not in library.entries:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = (
                f"did you mean '@{close[0]}'?"
                if close
                else "no such entry in " + ", ".join(p.name for p in library.files)
            )
            raise SourceError(path, line, f"unknown citation key '@{key}'", hint + r"; write \@ for a literal @")


def pandoc_document(walk: Walk, options: Options, lang: str) -> Json:
    """The document Pandoc formats: the citations in order, and the article's settings."""
    meta: Json = {
        "lang": {"t": "MetaString", "c": lang},
        "link-citations": {"t": "MetaBool", "c": options.link_citations},
    }
    if options.nocite:
        nocite = Cluster(tuple(Citation(key) for key in options.nocite))
        token = Token("citation", "", 0, content="", meta={"cluster": nocite})
        meta["nocite"] = {"t": "MetaInlines", "c": [cite(token, lang)]}
    return {"pandoc-api-version": [1, 23, 1, 1], "meta": meta, "blocks": walk.blocks}


_RUNS: dict[str, Json] = {}


def run_pandoc(
    binary: Path, document: Json, references: list[Json], style: bytes, path: Path, line: int
) -> Json:
    """Pandoc's output for ``document``, remembered by a hash of everything it read."""
    doc = json.dumps(document, sort_keys=True).encode()
    refs = json.dumps(references, sort_keys=True).encode()
    key = hashlib.sha256(b"\0".join([str(binary).encode(), doc, refs, style])).hexdigest()
    if key not in _RUNS:
        with tempfile.TemporaryDirectory(prefix="briefexport-cite-") as folder:
            (Path(folder) / "refs.json").write_bytes(refs)
            (Path(folder) / "style.csl").write_bytes(style)
            result = subprocess.run(
                [str(binary), "-f", "json", "-t", "json", "--citeproc"]
                + [f"--csl={folder}/style.csl", f"--bibliography={folder}/refs.json"],
                input=doc,
                capture_output=True,
                timeout=PANDOC_SECONDS,
                check=False,
            )
        if result.returncode:
            message = result.stderr.decode(errors="replace").strip().splitlines() or ["failed"]
            raise SourceError(path, line, f"Pandoc could not format the citations: {message[-1]}", "check the style and the bibliography")
        _RUNS[key] = json.loads(result.stdout)
    return _RUNS[key]


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
    tokens: list[Token], sites: list[Site], rendered: Json, note_style: bool, lang: str
) -> list[Token]:
    """The token stream with each citation replaced by Pandoc's text for it; in running text
    with a note style, by a call to a new footnote holding that text."""
    outputs = list(rendered_cites(rendered["blocks"]))
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
        ref = Token("footnote_ref", "", 0, meta={"id": first_id + len(notes), "subId": 0, "label": label})
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
    """The stream with the citation notes added to its footnote block (made if need be)."""
    added = [t for note in notes for t in note]
    for index, token in enumerate(tokens):
        if token.type == "footnote_block_close":
            return tokens[:index] + added + tokens[index:]
    block = [Token("footnote_block_open", "", 1), *added, Token("footnote_block_close", "", -1)]
    return tokens + block


def inline_tokens(inlines: list[Json], lang: str) -> list[Token]:
    """Pandoc inlines as markdown-it inline tokens: text, emphasis, strong, links."""
    quotes = LANG_QUOTES.get(lang.split("-")[0], LANG_QUOTES["en"])
    out: list[Token] = []

    def text(content: str) -> None:
        if out and out[-1].type == "text":
            out[-1].content += content
        else:
            out.append(Token("text", "", 0, content=content))

    def walk(items: list[Json]) -> None:
        for item in items:
            kind, content = item["t"], item.get("c")
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
        Token("inline", "", 0, content=title, map=[line, line + 1], block=True,
              children=[Token("text", "", 0, content=title)]),
        Token("heading_close", tag, -1, markup="#", block=True),
    ]
    for entry in refs["c"][1]:
        identifier, classes, _ = entry["c"][0]
        attrs = {"class": " ".join(classes), "id": identifier}
        section += paragraph(inline_tokens(entry["c"][1], lang), line, attrs)
    end = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    return tokens[:end] + section + tokens[end:]
