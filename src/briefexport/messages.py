"""One located message type, for everything that points at a line of a file: build warnings,
``check`` findings, ``verify`` findings, and (through :meth:`Message.of`) errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefexport.errors import shown

if TYPE_CHECKING:
    from briefexport.errors import BriefExportError

Severity = Literal["error", "warning", "notice"]
"""An error fails the command; a warning fails it under ``--strict``; a notice never does."""


@dataclass(frozen=True)
class Message:
    """A finding at a line of a file, printed as ``path:line: severity: text (hint)``; without
    a severity, a warning: ``Message(path, line, text)``."""

    path: Path
    line: int
    text: str
    severity: Severity = "warning"
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{shown(self.path)}:{self.line}: {self.severity}: {self.text}{hint}"

    @classmethod
    def of(cls, error: BriefExportError, where: Path) -> Message:
        """An error as a message: at its own file and line, else at line 1 of ``where``."""
        path = where if error.path is None else error.path
        return cls(path, error.line, error.text, "error", error.hint)
