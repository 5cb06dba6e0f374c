"""A source file's text: read once from a regular file within the size limit, decoded as UTF-8
with LF line endings, refused when it is another kind of document or holds control characters;
and the slug its stem gives the outputs."""

from __future__ import annotations

import os
import re
from pathlib import Path

from briefexport.errors import ResourceError, SourceError
from briefexport.sandbox.files import open_regular, read_capped

MAX_SOURCE_BYTES = 2_000_000
MAX_SLUG = 100
SLUG_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NONCHARACTER = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)


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


def utf8(path: Path, data: bytes) -> str:
    """A file's bytes as UTF-8 text without its BOM, or an error at the line of the first byte
    that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", "save the file as UTF-8"
        ) from None


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
    text = utf8(path, data).replace("\r\n", "\n").replace("\r", "\n")
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
