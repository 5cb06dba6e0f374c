"""Read a canonical source: split the front matter, parse YAML with line numbers, validate."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import ResourceError, SourceError
from briefexport.model import Article, Author, Memo, Notice, Summary
from briefexport.sandbox.files import open_regular, read_capped
from briefexport.source import citations
from briefexport.source.citesyntax import named_keys
from briefexport.source.crossref import with_summary_labels
from briefexport.source.markdown import ParseTimeoutError, parse, raw_html_lines, smarten
from briefexport.source.safeyaml import BoundedLoader

MAX_SOURCE_BYTES = 2_000_000
MAX_FRONT_MATTER = 50_000
MAX_HEADLINE = 250
MAX_DEPTH = 10
MAX_TOC = 6
MAX_NEARBY_NOTES = 15
NEARBY = 400
REQUIRED = ("title", "date", "author")
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
DANGLING_NOTE = re.compile(r"\[\^([^\]\s]+)\]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NONCHARACTER = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
FIRST_DATE, LAST_DATE = dt.date(1980, 1, 1), dt.date(2107, 12, 31)  # a DOCX's zip dates
MAX_URL = 2000  # bytes; a QR code (level M) holds 2,331
MAX_SLUG = 100
SLUG_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CONTAINERS = ("bullet_list", "ordered_list", "blockquote")


@dataclass(frozen=True)
class FrontMatter:
    """The YAML text of the front matter and where it starts in the file."""

    text: str
    first_line: int
    body: str
    body_first_line: int


def read_article(path: Path | str, styles: Path | None = None) -> Article:
    """Read, parse and validate one source file into an :class:`Article`; ``styles`` is the
    project's styles folder, where the default citation style is."""
    path = Path(path)
    slug = slug_of(path)
    text = decode(path, read_bytes(path))
    front = split_front_matter(path, text)
    meta, lines = load_yaml(path, front)
    fields = Validator(path, lines, front.first_line - 1).article_fields(meta)
    cite = citations.options(path, fields, lines)
    try:
        body = parse(front.body, fields["lang"], citations=cite is not None)
    except ParseTimeoutError as exc:
        raise SourceError(
            path,
            front.body_first_line + exc.line,
            str(exc),
            "look near here for thousands of unmatched brackets or markers, or split the text",
        ) from None
    if cite is not None:
        body, fields["references"], summary = citations.resolve(
            path,
            body,
            front.body_first_line,
            cite,
            fields["lang"],
            styles,
            fields.get("summary"),
            lines,
        )
        if summary is not None:
            fields["summary"] = summary
    check_depth(path, body, front.body_first_line)
    check_notes_have_text(path, body, front)
    check_note_clusters(path, body, front.body_first_line)
    raw_html = tuple(
        Notice(
            path, front.body_first_line + line, "raw HTML is not rendered; it is printed as text"
        )
        for line in raw_html_lines(front.body)
    )
    notices = tuple(
        sorted(scan_body(path, body, front.body_first_line) + raw_html, key=lambda n: n.line)
    )
    if not body.children or all(n.type == "footnote_block" for n in body.children):
        raise SourceError(
            path,
            front.body_first_line,
            "the article has no body",
            "write the article's text below the closing '---'",
        )
    article = Article(
        path=path,
        slug=slug,
        body=body,
        warnings=notices,
        body_first_line=front.body_first_line,
        front_matter_lines=lines,
        **fields,
    )
    # resolved now: a reference to no such id, in the body or the summary, is an error here
    return with_summary_labels(article)


def read_bytes(path: Path) -> bytes:
    """The file's bytes from one open handle, refusing what is not a regular source file
    (a folder, a pipe, a device: a link to ``/dev/zero`` fails at once, not at 2 MB)."""
    try:
        with open_regular(path) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_SOURCE_BYTES:
                raise SourceError(
                    path,
                    1,
                    f"source is {size / 1e6:.1f} MB, "
                    f"over the {MAX_SOURCE_BYTES / 1e6:.0f} MB limit",
                    "split it into articles",
                )
            return read_capped(stream, MAX_SOURCE_BYTES)
    except ResourceError as exc:
        problem = str(exc)
        hint = {
            "no such file": "check the path",
            "is a folder, not a regular file": "name a .md file",
        }.get(problem, "name a source file")
        problem = problem.replace(
            "is a folder, not a regular file", "is a folder, not a source file"
        )
        raise SourceError(path, 1, problem, hint) from None
    except OSError as exc:
        raise SourceError(path, 1, f"cannot read: {exc.strerror}", "check permissions") from None


def source_text(path: Path) -> str:
    """The source's text as read again for a message's line (the same checks as the first
    read: a file swapped for a pipe since is refused, not waited on)."""
    return read_bytes(path).decode("utf-8-sig", errors="replace").replace("\r\n", "\n")


def slug_of(path: Path) -> str:
    """The file's stem, which names its output folder and files, when it can do so safely."""
    slug = path.stem
    problem = ""
    if not slug.strip(".") or slug.startswith("."):
        problem = "it starts with a dot or is only dots"
    elif unsafe := SLUG_UNSAFE.search(slug):
        problem = f"it contains U+{ord(unsafe[0]):04X}"
    elif len(slug) > MAX_SLUG or len(slug.encode("utf-8", "replace")) > 2 * MAX_SLUG:
        problem = f"it is {len(slug)} characters long, over {MAX_SLUG}"
    if problem:
        raise SourceError(
            path,
            1,
            f"the file name cannot name the outputs: {problem}",
            "rename the file: letters, digits, '-' and '_' make the best names",
        )
    return slug


FOREIGN = {
    ".docx": "a Word document",
    ".doc": "a Word document",
    ".odt": "an OpenDocument text",
    ".rtf": "a rich-text document",
    ".pdf": "a PDF",
    ".html": "an HTML page",
    ".htm": "an HTML page",
}


def foreign_kind(path: Path, data: bytes) -> str:
    """What a file that is not Markdown is, from its name or first bytes; '' for text."""
    head = data[:512].lstrip().lower()
    if path.suffix.lower() in FOREIGN:
        return FOREIGN[path.suffix.lower()]
    if head.startswith(b"%pdf"):
        return FOREIGN[".pdf"]
    if head.startswith(b"pk\x03\x04"):
        return "a zipped document (Word or OpenDocument, say)"
    if head.startswith((b"<!doctype html", b"<html")):
        return FOREIGN[".html"]
    if head.startswith(b"{\\rtf"):
        return FOREIGN[".rtf"]
    return ""


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text (a BOM is dropped), with CRLF and CR line endings made LF, and no control
    characters but tabs and line breaks."""
    if not data.strip():
        raise SourceError(
            path, 1, "the file is empty", "start with front matter: title, date, author"
        )
    if kind := foreign_kind(path, data):
        raise SourceError(
            path,
            1,
            f"this is {kind}, not a Markdown source",
            "sources are Markdown with YAML front matter: convert it, e.g. "
            f"'pandoc {path.name} -t commonmark_x -o {path.stem}.md', then add title, date "
            "and author",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", "save the file as UTF-8"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if control := CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        if control[0] == "\x00":
            raise SourceError(path, line, "contains a NUL byte", "this looks like a binary file")
        raise SourceError(
            path,
            line,
            f"contains a control character (U+{ord(control[0]):04X})",
            "remove it; pasted text often carries them",
        )
    if odd := NONCHARACTER.search(text):
        line = text.count("\n", 0, odd.start()) + 1
        raise SourceError(
            path, line, f"contains a non-character (U+{ord(odd[0]):04X})", "remove it"
        )
    return text


def split_front_matter(path: Path, text: str) -> FrontMatter:
    """Split ``---`` delimited YAML from the Markdown body."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise SourceError(
            path,
            1,
            "no front matter",
            "start the file with a '---' line, then title, date and author, then '---'",
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return FrontMatter(
                "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2
            )
    raise SourceError(path, 1, "the front matter is never closed", "add a '---' line after it")


def load_yaml(path: Path, front: FrontMatter) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """Parse the front matter; return the mapping and the file line of every key path."""
    if len(front.text) > MAX_FRONT_MATTER:
        raise SourceError(
            path,
            front.first_line,
            f"the front matter is {len(front.text):,} characters, over {MAX_FRONT_MATTER:,}",
            "move long text into the body",
        )
    try:
        loader = BoundedLoader(front.text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = front.first_line + (front.text.count("\n", 0, mark.index) if mark else 0)
        problem = exc.problem or "malformed YAML"
        hint = f"{exc.context}" if exc.context else "check indentation, colons and quotes"
        raise SourceError(path, line, f"invalid YAML: {problem}", hint) from None
    except yaml.reader.ReaderError as exc:
        line = front.first_line + front.text.count("\n", 0, exc.position)
        problem = f"a control character (U+{exc.character:04X})"
        raise SourceError(path, line, f"invalid YAML: {problem}", "remove it") from None
    except yaml.YAMLError as exc:
        raise SourceError(
            path, front.first_line, f"invalid YAML: {exc}", "check the front matter"
        ) from None
    except ValueError:
        raise SourceError(
            path, front.first_line, "invalid YAML: a number too long to read", "quote it"
        ) from None
    if not isinstance(data, dict):
        raise SourceError(
            path,
            front.first_line,
            "the front matter is not a mapping of keys",
            "write 'key: value' lines such as 'title: ...'",
        )
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        _record_lines(path, node, (), Lines(front.text, front.first_line), lines)
    return data, lines


@dataclass(frozen=True)
class Lines:
    """File lines of positions in the front matter, counting only the line feeds the file
    has (YAML also counts U+2028, U+2029 and U+0085, which would shift every later line)."""

    text: str
    first_line: int

    def of(self, mark: yaml.Mark) -> int:
        return self.first_line + self.text.count("\n", 0, mark.index)


def _record_lines(
    path: Path,
    node: yaml.Node,
    prefix: tuple[str, ...],
    where_in: Lines,
    lines: dict[tuple[str, ...], int],
) -> None:
    lines[prefix] = where_in.of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            where = (*prefix, str(key.value))
            if where in lines:
                raise SourceError(
                    path,
                    where_in.of(key.start_mark),
                    f"duplicate key '{'.'.join(where)}'",
                    f"it is also on line {lines[where]}; keep one",
                )
            _record_lines(path, value, where, where_in, lines)
            lines[where] = where_in.of(key.start_mark)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(path, item, (*prefix, str(index)), where_in, lines)


class Validator:
    """Turns the raw mapping into typed :class:`Article` fields, or raises at the right line."""

    def __init__(self, path: Path, lines: dict[tuple[str, ...], int], opening_line: int) -> None:
        self.path = path
        self.lines = lines
        self.opening_line = opening_line
        self.language = "en"

    def fail(self, key: tuple[str, ...], message: str, hint: str = "") -> SourceError:
        line = self.lines.get(key) or self.lines.get(key[:-1]) or self.opening_line
        return SourceError(self.path, line, message, hint)

    def check_keys(
        self,
        data: dict[str, Any],
        known: tuple[str, ...],
        prefix: tuple[str, ...],
        required: tuple[str, ...] = (),
    ) -> None:
        for key in data:
            if str(key) not in known:
                where = ".".join((*prefix, str(key)))
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)
                raise self.fail((*prefix, str(key)), f"unknown key '{where}'", hint)
        for key in required:
            if data.get(key) in (None, "", []):
                where = ".".join((*prefix, key))
                raise self.fail(prefix, f"missing required key '{where}'", f"add '{key}: ...'")

    def string(self, value: Any, key: tuple[str, ...]) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(
                key, f"'{'.'.join(key)}' must be text, not {describe(value)}", "quote the value"
            )
        text = str(value).strip()
        if not text:
            raise self.fail(key, f"'{'.'.join(key)}' is empty", "give it a value or remove the key")
        for pattern, what, hint in (
            (CONTROL, "a control character", "remove it"),
            (NONCHARACTER, "a surrogate or non-character", "remove it"),
            (BIDI_CONTROL, "a bidirectional control", "remove it: it can reorder what is shown"),
        ):
            if found := pattern.search(text):
                raise self.fail(
                    key, f"'{'.'.join(key)}' contains {what} (U+{ord(found[0]):04X})", hint
                )
        return text

    def prose(self, value: Any, key: tuple[str, ...]) -> str:
        """Text shown to readers: typographic quotes and dashes, as in the body."""
        return smarten(self.string(value, key), self.language)

    def headline(self, value: Any, key: tuple[str, ...]) -> str:
        """A title: prose short enough for a masthead and a running head."""
        text = self.prose(value, key)
        if len(text) > MAX_HEADLINE:
            raise self.fail(
                key,
                f"'{key[-1]}' is {len(text):,} characters long, over {MAX_HEADLINE}",
                "shorten it; put the rest in 'subtitle' or the body",
            )
        return text

    def strings(self, value: Any, key: tuple[str, ...], markdown: bool = False) -> tuple[str, ...]:
        """A list of prose, or of inline Markdown (kept as written) with ``markdown``."""
        read = self.string if markdown else self.prose
        if isinstance(value, str):
            return (read(value, key),)
        if not isinstance(value, list):
            raise self.fail(
                key,
                f"'{'.'.join(key)}' must be a list of text, not {describe(value)}",
                "write [a, b] or one '- item' per line",
            )
        return tuple(read(item, (*key, str(i))) for i, item in enumerate(value))

    def date(self, value: Any, key: tuple[str, ...]) -> dt.date:
        if isinstance(value, dt.datetime):
            date = value.date()
        elif isinstance(value, dt.date):
            date = value
        else:
            try:
                date = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise self.fail(
                    key,
                    f"'date' is not a valid date: {str(value)!r}",
                    "write it as YYYY-MM-DD, e.g. 2022-01-24",
                ) from None
        if not FIRST_DATE <= date <= LAST_DATE:
            raise self.fail(
                key,
                f"'date' {date.isoformat()} is outside what every output can carry",
                f"give a date from {FIRST_DATE.year} to {LAST_DATE.year}",
            )
        return date

    def author(self, value: Any, key: tuple[str, ...]) -> tuple[Author, ...]:
        items = value if isinstance(value, list) else [value]
        if not items:
            raise self.fail(key, "'author' is empty", "give at least one name")
        authors = []
        for index, item in enumerate(items):
            item_key = (*key, str(index)) if isinstance(value, list) else key
            if isinstance(item, dict):
                self.check_keys(item, ("name", "role", "bio"), item_key, required=("name",))
                authors.append(
                    Author(
                        name=self.prose(item["name"], (*item_key, "name")),
                        role=self.optional(item, "role", item_key),
                        bio=self.optional(item, "bio", item_key),
                    )
                )
            else:
                authors.append(Author(name=self.prose(item, item_key)))
        return tuple(authors)

    def optional(self, data: dict[str, Any], name: str, prefix: tuple[str, ...] = ()) -> str:
        value = data.get(name)
        return "" if is_blank(value) else self.prose(value, (*prefix, name))

    def mapping(self, value: Any, key: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(
                key,
                f"'{'.'.join(key)}' must be a mapping, not {describe(value)}",
                "indent its keys under it",
            )
        return value

    def summary(self, value: Any, key: tuple[str, ...]) -> Summary | None:
        data = self.mapping(value, key)
        if all(is_blank(item) for item in data.values()):
            return None
        self.check_keys(
            data, ("bottom-line", "key-points", "recommendations"), key, required=("bottom-line",)
        )
        return Summary(  # inline Markdown, smartened when it is parsed
            bottom_line=self.string(data["bottom-line"], (*key, "bottom-line")),
            key_points=self.list_or_empty(data, "key-points", key, markdown=True),
            recommendations=self.list_or_empty(data, "recommendations", key, markdown=True),
        )

    def list_or_empty(
        self, data: dict[str, Any], name: str, prefix: tuple[str, ...], markdown: bool = False
    ) -> tuple[str, ...]:
        value = data.get(name)
        return () if value is None else self.strings(value, (*prefix, name), markdown)

    def memo(self, value: Any, key: tuple[str, ...]) -> Memo:
        data = self.mapping(value, key)
        self.check_keys(data, ("to", "from", "cc", "subject"), key)
        joined = {name: "; ".join(self.list_or_empty(data, name, key)) for name in data}
        return Memo(
            to=joined.get("to", ""),
            sender=joined.get("from", ""),
            cc=joined.get("cc", ""),
            subject=joined.get("subject", ""),
        )

    def file_name(self, value: Any, key: tuple[str, ...]) -> str:
        """A file name, kept as written, on one line (it is quoted in messages)."""
        text = self.string(value, key)
        if found := re.search(r"\s", text.replace(" ", "")):
            raise self.fail(
                key,
                f"'{'.'.join(key)}' contains a line break or tab (U+{ord(found[0]):04X})",
                "write the file name on one line",
            )
        return text

    def files(self, value: Any, key: tuple[str, ...], names: bool = True) -> tuple[str, ...]:
        """File names (or, without ``names``, any text kept as written): one, or a list."""
        read = self.file_name if names else self.string
        if isinstance(value, list):
            return tuple(read(item, (*key, str(i))) for i, item in enumerate(value))
        return (read(value, key),)

    def flag(self, value: Any, key: tuple[str, ...]) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key[-1]}' must be true or false", "write true or false")
        return value

    def keys(self, value: Any, key: tuple[str, ...]) -> tuple[str, ...]:
        """Citation keys, as ``nocite`` lists them: ``"@a, @b"``, ``"@*"`` or a list."""
        text = " ".join(self.files(value, key, names=False))
        found = named_keys(text)
        if not found:
            raise self.fail(key, f"'{key[-1]}' names no citation key", "write '@key' or '@*'")
        return found

    def lang(self, value: Any, key: tuple[str, ...]) -> str:
        text = self.string(value, key)
        if not LANG_TAG.match(text):
            raise self.fail(
                key, f"'lang' is not a language tag: {text!r}", "write e.g. en, en-GB, ru"
            )
        return text

    def toc_depth(self, value: Any, key: tuple[str, ...]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TOC:
            raise self.fail(
                key,
                f"'toc-depth' must be a whole number from 1 to {MAX_TOC}, not {value!r}",
                "write e.g. toc-depth: 2 (sections and their subsections)",
            )
        return value

    def url(self, value: Any, key: tuple[str, ...]) -> str:
        text = self.string(value, key)
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", text):
            raise self.fail(key, f"'url' is not a web address: {text!r}", "write https://...")
        if len(text.encode()) > MAX_URL:
            raise self.fail(
                key,
                f"'url' is {len(text.encode()):,} bytes long, too long for a QR code",
                f"give a shorter address, {MAX_URL:,} bytes at most",
            )
        return text

    def article_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate the whole front matter; keys are kebab-case, fields snake_case."""
        self.check_keys(data, tuple(FIELDS), (), required=REQUIRED)
        if data.get("lang") is not None:
            self.language = self.lang(data["lang"], ("lang",))
        fields: dict[str, Any] = {"lang": self.language}
        for key, value in data.items():
            if is_blank(value):
                continue
            name, convert = FIELDS[key]
            fields[name] = convert(self, value, (key,))
        return fields


def is_blank(value: Any) -> bool:
    """An optional value left empty (as a scaffolded source leaves it): treated as absent."""
    if isinstance(value, dict):
        return all(is_blank(item) for item in value.values())
    return value is None or value == "" or value == []


def describe(value: Any) -> str:
    """A YAML-ish name for a value's type, for error messages."""
    kinds = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        dt.date: "a date",
        type(None): "nothing",
    }
    return next((name for kind, name in kinds.items() if isinstance(value, kind)), "a value")


Convert = Callable[[Validator, Any, tuple[str, ...]], Any]
FIELDS: dict[str, tuple[str, Convert]] = {
    "title": ("title", Validator.headline),
    "subtitle": ("subtitle", Validator.headline),
    "short-title": ("short_title", Validator.headline),
    "date": ("date", Validator.date),
    "author": ("authors", Validator.author),
    "publisher": ("publisher", Validator.prose),
    "originally-published": ("originally_published", Validator.prose),
    "categories": ("categories", Validator.strings),
    "keywords": ("keywords", Validator.strings),
    "lang": ("lang", Validator.lang),
    "url": ("url", Validator.url),
    "copyright": ("copyright", Validator.prose),
    "summary": ("summary", Validator.summary),
    "memo": ("memo", Validator.memo),
    "toc": ("toc", Validator.flag),
    "toc-depth": ("toc_depth", Validator.toc_depth),
    "bibliography": ("bibliography", Validator.files),
    "csl": ("csl", Validator.file_name),
    "link-citations": ("link_citations", Validator.flag),
    "nocite": ("nocite", Validator.keys),
}


def check_depth(path: Path, body: SyntaxTreeNode, first_line: int) -> None:
    """Refuse lists and quotes nested deeper than :data:`MAX_DEPTH`: each level indents, so
    deeper ones would leave a sliver of a column (and markdown-it drops what is very deep)."""
    for node in body.walk():
        if node.type in CONTAINERS:
            depth, parent = 1, node.parent
            while parent is not None:
                depth += parent.type in CONTAINERS
                parent = parent.parent
            if depth > MAX_DEPTH:
                line = first_line + (node.map[0] if node.map else 0)
                raise SourceError(
                    path,
                    line,
                    f"lists and quotes nested more than {MAX_DEPTH} levels deep",
                    "flatten the outline",
                )


def check_notes_have_text(path: Path, body: SyntaxTreeNode, front: FrontMatter) -> None:
    """Refuse a footnote left without text: markdown-it drops a note's text when another
    note's definition is written inside it, so it would vanish from every output."""
    for block in body.children:
        if block.type != "footnote_block":
            continue
        for note in block.children:
            if all(child.type == "footnote_anchor" for child in note.children):
                label = str(note.meta.get("label", ""))
                found = re.search(rf"^[ \t]*\[\^{re.escape(label)}\]:", front.body, re.M)
                line = front.body_first_line + (
                    front.body.count("\n", 0, found.start()) if found else 0
                )
                raise SourceError(
                    path,
                    line,
                    f"footnote [^{label}] has no text",
                    "write its text; a note cannot hold another note's definition",
                )


def check_note_clusters(path: Path, body: SyntaxTreeNode, first_line: int) -> None:
    """Refuse more than :data:`MAX_NEARBY_NOTES` footnotes called within :data:`NEARBY`
    characters, counting the notes that those notes cite: they all belong at the foot of one
    page, where they cannot fit, and WeasyPrint's time to try grows steeply with their number."""
    weights = note_weights(body)
    for inline in body.walk():
        if inline.type != "inline" or _in_note(inline):
            continue
        calls: list[tuple[int, int]] = []
        offset = 0
        for node in inline.walk():
            offset += len(node.content) if node.type == "text" else 0
            if node.type == "footnote_ref" and not node.meta.get("subId", 0):
                calls.append((offset, weights.get(int(node.meta["id"]), 1)))
        start = total = 0
        for position, weight in calls:
            total += weight
            while calls[start][0] < position - NEARBY:
                total -= calls[start][1]
                start += 1
            if total > MAX_NEARBY_NOTES:
                raise SourceError(
                    path,
                    first_line + (inline.map[0] if inline.map else 0),
                    f"more than {MAX_NEARBY_NOTES} footnotes are called within a few lines "
                    "here (counting notes cited by notes); they cannot all fit at the foot "
                    "of one page",
                    "spread the citations out or merge notes",
                )


def _in_note(node: SyntaxTreeNode) -> bool:
    parent = node.parent
    while parent is not None and parent.type != "footnote_block":
        parent = parent.parent
    return parent is not None


def note_weights(body: SyntaxTreeNode) -> dict[int, int]:
    """For each footnote, how many notes its first call brings to the page: itself plus those
    it cites first, and theirs in turn (computed without recursion: chains can be long)."""
    cites: dict[int, list[int]] = {}
    for block in body.children:
        if block.type == "footnote_block":
            for note in block.children:
                cites[int(note.meta["id"])] = [
                    int(ref.meta["id"])
                    for ref in note.walk()
                    if ref.type == "footnote_ref" and not ref.meta.get("subId", 0)
                ]
    weights: dict[int, int] = {}
    for root in cites:
        stack, entered = [root], {root}
        while stack:
            current = stack[-1]
            pending = [c for c in cites.get(current, []) if c not in entered and c not in weights]
            if pending:
                entered.update(pending)
                stack.extend(pending)
                continue
            stack.pop()
            weights[current] = 1 + sum(weights.get(c, 0) for c in cites.get(current, []))
    return weights


def scan_body(path: Path, body: SyntaxTreeNode, first_line: int) -> tuple[Notice, ...]:
    """Warnings about the body: raw HTML shown as text, footnote references with no note."""
    notices: list[Notice] = []
    for node in body.walk():
        if node.type != "inline" or node.map is None:
            continue
        line = first_line + node.map[0]
        text = "".join(child.content for child in node.walk() if child.type == "text")
        for match in DANGLING_NOTE.finditer(text):
            notices.append(
                Notice(path, line, f"footnote [^{match[1]}] has no definition; printed as text")
            )
    return tuple(notices)
