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
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import SourceError
from briefexport.model import References, Summary
from briefexport.sandbox.csl import style_refusal
from briefexport.settings import PACKAGED, first_existing
from briefexport.source.bibliography import (
    Library,
    load_library,
    read_resource,
    require_pandoc,
    run_pandoc,
)
from briefexport.source.citesyntax import Citation, Cluster
from briefexport.source.citetokens import (
    Json,
    Site,
    cite_markdown,
    rendered_cites,
    splice,
    split_inlines,
    with_bibliography,
)
from briefexport.source.markdown import parser, rewrite

DEFAULT_STYLE = "chicago-notes-bibliography.csl"
STYLE_CLASS = re.compile(rb"<style\b[^>]*?\bclass=\"(note|in-text)\"")


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
    csl, link, nocite = (
        fields.pop(k, d) for k, d in (("csl", ""), ("link_citations", False), ("nocite", ()))
    )
    if not names:
        for key, value in (("csl", csl), ("nocite", nocite)):
            if value:
                raise SourceError(
                    path,
                    lines[(key,)],
                    f"'{key}' without 'bibliography'",
                    "add 'bibliography: refs.json' beside the source",
                )
        return None
    where = tuple(
        lines.get(("bibliography", str(i)), lines[("bibliography",)]) for i in range(len(names))
    )
    return Options(
        names, where, csl, lines.get(("csl",), 1), link, nocite, lines.get(("nocite",), 1)
    )


def resolve(
    path: Path,
    body: SyntaxTreeNode,
    first_line: int,
    options: Options,
    lang: str,
    styles: Path | None,
    summary: Summary | None = None,
    lines: dict[tuple[str, ...], int] | None = None,
) -> tuple[SyntaxTreeNode, References, Summary | None]:
    """The body with every citation formatted, the bibliography appended; what it read; and
    the ``summary`` with its citations written out (``lines``: the front matter's, by key)."""
    library = load_library(path, options.bibliography, options.lines)
    style_path, style = read_style(path, options, styles)
    tokens = body.to_tokens()
    walk = citations(tokens, lang)
    fields = summary_citations(summary, lang, lines or {})
    check_keys(path, library, walk.sites, options, first_line, fields)
    sites = walk.sites + [Site(token, 0, True) for part in fields for token in part.tokens]
    cited = {c.key for site in sites for c in site.token.meta["cluster"].items}
    wanted = set(library.entries) if "*" in options.nocite else cited | set(options.nocite)
    if sites or options.nocite:
        binary = require_pandoc(path, options.lines[0])
        references = [library.entries[key] for key in library.entries if key in wanted]
        for token in (token for part in fields for token in part.tokens):
            walk.blocks += [para([{"t": "Note", "c": [para(words("."))]}])]  # never "Ibid."
            walk.blocks.append(para([cite(token, lang)]))
        document = pandoc_document(walk, options, lang)
        rendered = format_citations(binary, document, references, style, path, options.lines[0])
        style_class = STYLE_CLASS.search(style[:4096])
        note_style = bool(style_class and style_class[1] == b"note")
        outputs = list(rendered_cites(rendered["blocks"]))
        tokens = splice(tokens, walk.sites, outputs[: len(walk.sites)], note_style, lang)
        tokens = with_bibliography(tokens, rendered, note_style, lang)
        summary = written_out(summary, fields, outputs[len(walk.sites) :], lang)
    uncited = tuple(key for key in library.entries if key not in wanted)
    files = (*library.files, style_path)
    return SyntaxTreeNode(tokens), References(files, uncited, options.lines[0]), summary


@dataclass(frozen=True)
class CitingField:
    """A summary field with citations: its key, text, line and citation tokens in order."""

    key: tuple[str, ...]
    text: str
    line: int
    tokens: tuple[Token, ...]


def summary_citations(
    summary: Summary | None, lang: str, lines: dict[tuple[str, ...], int]
) -> list[CitingField]:
    """The summary fields that cite, each parsed as the body is (with citations on)."""
    found = []
    for key, text in summary.fields() if summary else ():
        if "@" not in text:
            continue
        inline = parser(lang).parseInline(text, {"citations": True})[0]
        tokens = tuple(c for c in inline.children or () if c.type == "citation")
        line = lines.get(key) or lines.get(key[:2], 1)
        if tokens:
            found.append(CitingField(key, text, line, tokens))
    return found


def written_out(
    summary: Summary | None, fields: list[CitingField], outputs: list[Json], lang: str
) -> Summary | None:
    """The summary with each citation replaced by Pandoc's text for it, as Markdown."""
    if summary is None or not fields:
        return summary
    texts: dict[tuple[str, ...], str] = {}
    formatted = iter(outputs)
    for part in fields:
        spliced = [(token, cite_markdown(next(formatted), lang)) for token in part.tokens]
        texts[part.key] = rewrite(part.text, spliced)
    return summary.rewritten(lambda key, text: texts.get(key, text))


def read_style(path: Path, options: Options, styles: Path | None) -> tuple[Path, bytes]:
    """The ``csl:`` file beside the source, or the default style: the project's own
    ``styles/`` first, then the packaged one."""
    if options.csl:
        style_path, style = read_resource(path, options.csl_line, options.csl, "style")
        if refusal := style_refusal(style):
            raise SourceError(
                path,
                options.csl_line,
                f"style '{options.csl}' refused: {refusal}",
                "use an independent CSL style, beside the source",
            )
        return style_path, style
    packaged = PACKAGED / "styles"
    default = first_existing((styles, packaged) if styles else (packaged,), DEFAULT_STYLE)
    if not default.is_file():
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
    body, notes = split_inlines(tokens)
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
                    walk.sites.append(
                        Site(child, line + inline.content[:offset].count("\n"), in_text)
                    )
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


PANDOC_SPANS = {"em_open": "Emph", "strong_open": "Strong", "link_open": "Link"}


PLAIN = re.compile(r"(?:[^\W_]|[ :;\u2013]|,(?!,)|\.(?!\.)|-(?!-))*")
"""Text the Markdown parser gives back as it is, as one run of text: letters, digits, spaces,
single dots, hyphens and commas, colons, semicolons, en dashes (a locator: ``, 12``,
``pp. 3-5``, ``ch. 2``); nothing the inline rules or the typographer act on."""


def markdown_inlines(text: str, lang: str) -> list[Json]:
    """A citation's prefix or suffix, inline Markdown, as Pandoc inlines: emphasis, strong
    emphasis, code and links kept, as Pandoc keeps them in the note it formats; any other
    markup is left to its text. Plain text (most locators) is split into words without the
    parser, which gives the same (a parse was most of what each citation cost a read)."""
    if PLAIN.fullmatch(text):
        return words(text)
    return parsed_inlines(text, lang)


def parsed_inlines(text: str, lang: str) -> list[Json]:
    """``markdown_inlines`` through the Markdown parser."""
    nested: list[list[Json]] = [[]]
    opened: list[Token] = []
    run = ""
    for token in (parser(lang).parseInline(text)[0].children or []) if text else []:
        if token.type in ("text", "softbreak", "hardbreak"):
            run += token.content if token.type == "text" else " "
            continue
        nested[-1] += words(run)
        run = ""
        if token.nesting == 1:
            opened.append(token)
            nested.append([])
        elif token.nesting == -1:
            start, inlines = opened.pop(), nested.pop()
            if start.type not in PANDOC_SPANS:
                nested[-1] += inlines
            elif start.type == "link_open":
                target = [str(start.attrGet("href") or ""), ""]
                nested[-1].append({"t": "Link", "c": [["", [], []], inlines, target]})
            else:
                nested[-1].append({"t": PANDOC_SPANS[start.type], "c": inlines})
        elif token.type == "code_inline":
            nested[-1].append({"t": "Code", "c": [["", [], []], token.content]})
        else:
            nested[-1] += words(token.content)
    return nested[0] + words(run)


def cite(token: Token, lang: str) -> Json:
    """A citation token as a Pandoc ``Cite``."""
    cluster: Cluster = token.meta["cluster"]
    items = [
        {
            "citationId": item.key,
            "citationPrefix": markdown_inlines(item.prefix, lang),
            "citationSuffix": markdown_inlines(item.suffix, lang),
            "citationMode": {"t": item.mode},
            "citationNoteNum": 0,
            "citationHash": 0,
        }
        for item in cluster.items
    ]
    return {"t": "Cite", "c": [items, [{"t": "Str", "c": token.content}]]}


def check_keys(
    path: Path,
    library: Library,
    sites: list[Site],
    options: Options,
    first_line: int,
    fields: list[CitingField],
) -> None:
    """Every key cited (in the body or a summary field) or named in ``nocite`` must be in the
    bibliography."""
    known = list(library.entries)
    checks = [
        (c.key, first_line + site.line) for site in sites for c in site.token.meta["cluster"].items
    ]
    checks += [
        (c.key, part.line) for part in fields for t in part.tokens for c in t.meta["cluster"].items
    ]
    checks += [(key, options.nocite_line) for key in options.nocite if key != "*"]
    for key, line in checks:
        if key not in library.entries:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = (
                f"did you mean '@{close[0]}'?"
                if close
                else "no such entry in " + ", ".join(p.name for p in library.files)
            )
            raise SourceError(
                path, line, f"unknown citation key '@{key}'", hint + r"; write \@ for a literal @"
            )


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
REMEMBERED = 8
"""Pandoc answers kept per process: ``watch`` rebuilds after edits elsewhere without it."""


def format_citations(
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
            files = [f"--csl={folder}/style.csl", f"--bibliography={folder}/refs.json"]
            output, failure = run_pandoc(
                binary, ["-f", "json", "-t", "json", "--citeproc", *files], doc
            )
        if failure:
            message = failure.strip().splitlines() or ["failed"]
            raise SourceError(
                path,
                line,
                f"Pandoc could not format the citations: {message[-1]}",
                "check the style and the bibliography",
            )
        if len(_RUNS) >= REMEMBERED:
            del _RUNS[next(iter(_RUNS))]
        _RUNS[key] = json.loads(output)
    return _RUNS[key]
