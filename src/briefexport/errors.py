"""One exception hierarchy; every failure the user can cause becomes one readable line."""

from __future__ import annotations

from pathlib import Path


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
        return f"{self.path}:{self.line}: {self.message}{hint}"


class LayoutError(BriefExportError):
    """Content that cannot be laid out as promised (a summary that will not fit one page)."""


class ResourceError(BriefExportError):
    """A resource the source asks for was refused (under --strict) or could not be read."""


class ConfigError(BriefExportError):
    """Bad settings: an unknown format, paper size or profile, a broken brand file."""
