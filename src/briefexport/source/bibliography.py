"""Bibliography files beside a source: CSL JSON, CSL YAML, BibTeX/BibLaTeX, read through the
resource sandbox, validated entry by entry, and cached by content hash.

Pandoc (the ``pypandoc-binary`` wheel, the ``[citations]`` extra) turns BibTeX into CSL JSON
and formats the citations (:mod:`briefexport.source.citations`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefexport.errors import ResourceError, SourceError
from briefexport.source.decode import utf8
from briefexport.source.safeyaml import MAX_YAML_DEPTH, BoundedLoader

KINDS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".bib": "biblatex", ".bibtex": "bibtex"}
NAME_FIELDS = frozenset(
    [
        "author",
        "chair",
        "collection-editor",
        "compiler",
        "composer",
        "container-author",
        "contributor",
        "curator",
        "director",
        "editor",
        "editorial-director",
        "executive-producer",
        "guest",
        "host",
        "illustrator",
        "interviewer",
        "narrator",
        "organizer",
        "original-author",
        "performer",
        "producer",
        "recipient",
        "reviewed-author",
        "script-writer",
        "series-creator",
        "translator",
    ]
)
DATE_FIELDS = frozenset(
    ["accessed", "available-date", "event-date", "issued", "original-date", "submitted"]
)
NAME_PARTS = frozenset(
    [
        "family",
        "given",
        "literal",
        "suffix",
        "dropping-particle",
        "non-dropping-particle",
        "comma-suffix",
        "static-ordering",
        "parse-names",
    ]
)
MISSING_EXTRA = "pip install -e '.[citations]' (Pandoc's citeproc, from the pypandoc-binary wheel)"
PANDOC_SECONDS = 30
PANDOC_MEGABYTES = 512
"""Pandoc's heap (``+RTS -M``): a kilobyte of BibTeX ``@string`` doublings asked for 4 GB."""
REMEMBERED = 16
"""Parsed bibliography files kept per process, by a hash of their bytes."""


@dataclass(frozen=True)
class Library:
    """The entries of every bibliography file of one article, by key, and where each is."""

    files: tuple[Path, ...]
    entries: dict[str, dict[str, Any]]
    origin: dict[str, Path]


def pandoc() -> Path | None:
    """The Pandoc binary of the ``pypandoc-binary`` wheel, or None when it is not installed."""
    spec = importlib.util.find_spec("pypandoc")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "files" / "pandoc"
    return binary if binary.is_file() else None


def require_pandoc(source: Path, line: int) -> Path:
    """Pandoc, or the located error a citing source gets when the extra is missing."""
    binary = pandoc()
    if binary is None:
        raise SourceError(source, line, "citations need Pandoc's citeproc", MISSING_EXTRA)
    return binary


def read_resource(source: Path, line: int, name: str, what: str) -> tuple[Path, bytes]:
    """A file named in the front matter, read through the sandbox: beside the source only."""
    from briefexport.sandbox.files import local_path
    from briefexport.sandbox.policy import ResourcePolicy  # PIL and urllib: only when citing

    policy = ResourcePolicy(roots=(source.parent,))
    url = policy.resolve(name, source.parent)
    try:
        data = policy.read(url)
    except ResourceError as exc:
        raise SourceError(
            source, line, f"{what} '{name}' refused: {exc}", "put it in the article's folder"
        ) from None
    return local_path(url), data  # the file read, however its name was spelled


def load_library(source: Path, names: tuple[str, ...], lines: tuple[int, ...]) -> Library:
    """Read and validate every bibliography file; a key in two files is an error."""
    entries: dict[str, dict[str, Any]] = {}
    origin: dict[str, Path] = {}
    files = []
    for name, line in zip(names, lines, strict=True):
        kind = KINDS.get(Path(name).suffix.lower())
        if kind is None:
            raise SourceError(
                source,
                line,
                f"bibliography '{name}' is not a known format",
                "use .json (CSL JSON), .yaml (CSL YAML) or .bib (BibTeX/BibLaTeX)",
            )
        path, data = read_resource(source, line, name, "bibliography")
        if kind in ("biblatex", "bibtex"):
            require_pandoc(source, line)
        files.append(path)
        for key, entry in parsed(path, data, kind).items():
            if key in entries:
                raise SourceError(
                    path,
                    entry_line(data, key),
                    f"entry '{key}' is also in {origin[key].name}",
                    "keep one",
                )
            entries[key], origin[key] = entry, path
    return Library(tuple(files), entries, origin)


_PARSED: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}


def parsed(path: Path, data: bytes, kind: str) -> dict[str, dict[str, Any]]:
    """The file's entries by key, validated; cached by a hash of its bytes."""
    key = (hashlib.sha256(data).hexdigest(), kind)
    if key not in _PARSED:
        if len(_PARSED) >= REMEMBERED:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = validate(path, data, decode(path, data, kind))
    return _PARSED[key]


def decode(path: Path, data: bytes, kind: str) -> Any:
    """The file as CSL JSON data (a list of entries), or a located error."""
    text = utf8(path, data)
    too_long = "a number too long to read", "quote it"
    too_nested = f"nested more than {MAX_YAML_DEPTH} levels deep", "flatten it"
    if kind == "json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(path, exc.lineno, f"invalid JSON: {exc.msg}", "check it") from None
        except (RecursionError, ValueError) as exc:  # ValueError: over 4,300 digits
            problem, hint = too_nested if isinstance(exc, RecursionError) else too_long
            raise SourceError(path, 1, f"invalid JSON: {problem}", hint) from None
        if too_deep(loaded):
            raise SourceError(path, 1, f"invalid JSON: {too_nested[0]}", too_nested[1])
        return loaded
    if kind == "yaml":
        try:
            loaded = yaml.load(text, BoundedLoader)  # safe: no aliases, tags or deep nesting
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            hint = exc.context or "check it"
            raise SourceError(path, line, f"invalid YAML: {exc.problem}", hint) from None
        except yaml.YAMLError as exc:
            raise SourceError(path, 1, f"invalid YAML: {exc}", "check it") from None
        except ValueError:
            raise SourceError(path, 1, f"invalid YAML: {too_long[0]}", too_long[1]) from None
        return loaded.get("references") if isinstance(loaded, dict) else loaded
    return bibtex(path, text, kind)


def bibtex(path: Path, text: str, kind: str) -> Any:
    """BibTeX or BibLaTeX converted to CSL JSON by Pandoc (as ``--bibliography`` would)."""
    binary = pandoc()
    assert binary is not None  # required by the caller
    output, failure = run_pandoc(binary, ["-f", kind, "-t", "csljson"], text.encode())
    if failure:  # Pandoc says "Error at (line 4, column 2):" and then what it met
        message = failure.strip().splitlines() or ["failed"]
        where = re.search(r"\(line (\d+), column \d+\)", message[0])
        detail = message[1].strip() if where and len(message) > 1 else message[0]
        line = int(where[1]) if where else 1
        raise SourceError(path, line, f"invalid {kind}: {detail}", "check the entry there")
    return json.loads(output)


def run_pandoc(binary: Path, arguments: list[str], data: bytes) -> tuple[bytes, str]:
    """Pandoc's output for ``data``, and why it failed ('' when it did not), within
    :data:`PANDOC_SECONDS` and a heap of :data:`PANDOC_MEGABYTES`."""
    limits = ["+RTS", f"-M{PANDOC_MEGABYTES}m", "-RTS", "--sandbox"]
    try:
        result = subprocess.run(
            [str(binary), *limits, *arguments],
            input=data,
            capture_output=True,
            timeout=PANDOC_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return b"", f"Pandoc took over {PANDOC_SECONDS} s"
    except OSError as exc:
        return b"", f"Pandoc could not run ({exc.strerror})"
    if b"Heap exhausted" in result.stderr:
        return b"", f"Pandoc needed over {PANDOC_MEGABYTES} MB"
    return result.stdout, result.stderr.decode(errors="replace") if result.returncode else ""


def too_deep(value: Any) -> bool:
    """Whether decoded JSON nests more than :data:`MAX_YAML_DEPTH` lists and mappings."""
    level: list[Any] = [value] if isinstance(value, dict | list) else []
    for _ in range(MAX_YAML_DEPTH):
        level = [
            inner
            for item in level
            for inner in (item.values() if isinstance(item, dict) else item)
            if isinstance(inner, dict | list)
        ]
        if not level:
            return False
    return True


def entry_line(data: bytes, key: str) -> int:
    """The line where ``key`` first appears in the file (where its entry is), else 1."""
    at = data.find(key.encode())
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def validate(path: Path, data: bytes, entries: Any) -> dict[str, dict[str, Any]]:
    """Entries by key, each checked for what CSL processors rely on."""
    if not isinstance(entries, list):
        raise SourceError(path, 1, "not a list of entries", "CSL JSON is a list: [{...}, ...]")
    found: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("id", "")).strip():
            raise SourceError(path, 1, f"entry {number} has no 'id'", "give every entry a key")
        key = str(entry["id"])
        line = entry_line(data, key)
        if key in found:
            raise SourceError(path, line, f"entry '{key}' appears twice", "keep one")
        if problem := entry_problem(entry):
            raise SourceError(
                path, line, f"entry '{key}': {problem}", "see citeproc-js.readthedocs.io CSL JSON"
            )
        found[key] = entry
    return found


def entry_problem(entry: dict[str, Any]) -> str:
    """What is wrong with one CSL JSON entry, or ''."""
    if not isinstance(entry.get("type"), str) or not entry["type"]:
        return "no 'type' (book, article-journal, report, webpage, ...)"
    for field, value in entry.items():
        if field in NAME_FIELDS:
            if not isinstance(value, list) or not all(
                isinstance(name, dict) and name and set(name) <= NAME_PARTS for name in value
            ):
                return f"'{field}' must be a list of names ({{family: ..., given: ...}})"
        elif field in DATE_FIELDS:
            if not date_ok(value):
                return f"'{field}' is not a date ({{date-parts: [[2024, 5, 1]]}})"
            if isinstance(value, int):
                entry[field] = str(value)  # a bare year, as YAML reads it: EDTF text for Pandoc
        elif isinstance(value, dict | list) and field not in ("custom", "note"):
            return f"'{field}' must be text or a number"
    return ""


def date_ok(value: Any) -> bool:
    """A CSL date: EDTF text, ``date-parts`` (one or two lists of up to three numbers), or
    ``raw`` or ``literal`` text."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return True  # an EDTF date such as 2024-05-01 (Pandoc parses it)
    if not isinstance(value, dict):
        return False
    if "date-parts" not in value:
        return isinstance(value.get("raw") or value.get("literal"), str)
    parts = value["date-parts"]
    return (
        isinstance(parts, list)
        and 1 <= len(parts) <= 2
        and all(
            isinstance(part, list)
            and 1 <= len(part) <= 3
            and all(
                isinstance(p, int) or (isinstance(p, str) and p.strip().lstrip("-").isdigit())
                for p in part
            )
            for part in parts
        )
    )
