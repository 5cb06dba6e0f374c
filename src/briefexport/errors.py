"""One exception hierarchy; every failure the user can cause becomes one readable line."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re

UNPRINTABLE = r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
"""What :func:`shown` escapes: characters that are all not printable (``str.isprintable``)."""


def shown(name: Path | str) -> str:
    """A file name as printed: control, line-separator and bidi characters (and undecodable
    bytes) escaped, so a name cannot forge a line of output or reorder what it shows."""
    text = str(name)
    if text.isprintable():  # the usual name: nothing to escape, no pattern compiled (4M
        return text  # instructions, 0.7% of a build handed to ``invoke serve``)
    return unprintable().sub(lambda m: f"\\u{ord(m[0]):04x}", text)


@cache
def unprintable() -> re.Pattern[str]:
    """:data:`UNPRINTABLE`, compiled when a name first needs it."""
    import re

    return re.compile(UNPRINTABLE)


def one_line(text: str, limit: int = 120) -> str:
    """Text as one line of at most ``limit`` characters, for a message."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class BriefExportError(Exception):
    """Base class: a clean abort with a one-line message, never a traceback. An error about
    a file is located the way every error is: ``path:line: text (hint)``."""

    def __init__(
        self, text: str, path: Path | str | None = None, line: int = 1, hint: str = ""
    ) -> None:
        self.text = text
        self.path = None if path is None else Path(path)
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = "" if self.path is None else f"{shown(self.path)}:{self.line}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.text}{hint}"


class SourceError(BriefExportError):
    """A problem in a source file, located as ``path:line: text (hint)``."""

    path: Path

    def __init__(self, path: Path | str, line: int, text: str, hint: str = "") -> None:
        super().__init__(text, path, line, hint)


class LayoutError(BriefExportError):
    """Content that cannot be laid out as promised (a summary that will not fit one page)."""


class ResourceError(BriefExportError):
    """A resource the source asks for was refused (under --strict) or could not be read."""


class ConfigError(BriefExportError):
    """Bad settings: an unknown format, paper size or profile, a broken brand file."""
