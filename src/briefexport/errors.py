"""One exception hierarchy; every failure the user can cause becomes one readable line."""

from __future__ import annotations

import re
from pathlib import Path

UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def shown(name: Path | str) -> str:
    """A file name as printed: control, line-separator and bidi characters (and undecodable
    bytes) escaped, so a name cannot forge a line of output or reorder what it shows."""
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", str(name))


def one_line(text: str, limit: int = 120) -> str:
    """Text as one line of at most ``limit`` characters, for a message."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class BriefExportError(Exception):
    """Base class: a clean abort with a one-line message, never a traceback."""


class SourceError(BriefExportError):
    """A problem in a source file, located as ``path:line: message (hint)``."""

    def __init__(self, path: Path | str, line: int, message: str, hint: str = "") -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{shown(self.path)}:{self.line}: {self.message}{hint}"


class LayoutError(BriefExportError):
    """Content that cannot be laid out as promised (a summary that will not fit one page)."""


class ResourceError(BriefExportError):
    """A resource the source asks for was refused (under --strict) or could not be read."""


class ConfigError(BriefExportError):
    """Bad settings: an unknown format, paper size or profile, a broken brand file."""
