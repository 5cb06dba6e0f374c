"""Front matter values checked and typed, each error at its line: the rules every key uses."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from briefexport.errors import SourceError
from briefexport.source.decode import CONTROL, NONCHARACTER
from briefexport.source.markdown import smarten

MAX_HEADLINE = 250
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


class Values:
    """Typed front matter values (text, prose, lists, mappings, file names, flags), or a
    SourceError at the value's line."""

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

    def list_or_empty(
        self, data: dict[str, Any], name: str, prefix: tuple[str, ...], markdown: bool = False
    ) -> tuple[str, ...]:
        value = data.get(name)
        return () if value is None else self.strings(value, (*prefix, name), markdown)

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
