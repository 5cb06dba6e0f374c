"""Build settings: where the project's files are and what the user asked for."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from briefexport.errors import ConfigError
from briefexport.writers import REGISTRY

PACKAGED = Path(__file__).resolve().parent / "defaults"
"""The default ``templates/`` and ``styles/`` (and fonts) shipped in the package."""
PAPERS = {"letter": ("8.5in", "11in"), "a4": ("210mm", "297mm")}
PROFILES = ("default", *dict.fromkeys(row.profile for row in REGISTRY.values() if row.profile))
"""The default profile, and each profile that adds a format (the registry's rows say which)."""
NUMBERS: dict[str, tuple[type[int] | type[float], float, str]] = {
    "jobs": (int, math.inf, "one worker per core"),
    "time_budget": (float, 86_400, "no limit"),
    "memory_budget": (int, 1_000_000, "no limit"),
}
"""Each numeric choice: its kind, its largest value and what 0 means (none is negative).
Their flags take text, checked by :func:`number` (Invoke would give a traceback for ``x``)."""

N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Settings:
    """Everything a writer needs besides the article; hashed into the build manifest."""

    project: Path = field(default_factory=Path.cwd)
    paper: str = "letter"
    profile: str = "default"
    strict: bool = False
    allow_remote: bool = False
    embed_fonts: bool = True
    time_budget: float = 60.0
    """Seconds one output of one article may take to read and render (0: no limit)."""
    memory_budget: int = 1500
    """Megabytes of memory rendering one output may add to its process (0: no limit)."""

    def __post_init__(self) -> None:
        # Stylesheet and font URLs are built from the project's path (``Path.as_uri`` needs
        # it absolute), and a worker's current folder is not the caller's.
        object.__setattr__(self, "project", self.project.absolute())
        if self.paper not in PAPERS:
            raise ConfigError(f"unknown paper '{self.paper}' (use one of: {', '.join(PAPERS)})")
        if self.profile not in PROFILES:
            raise ConfigError(
                f"unknown profile '{self.profile}' (use one of: {', '.join(PROFILES)})"
            )

    @property
    def templates(self) -> Path:
        """The project's own Jinja2 templates folder (it may be absent)."""
        return self.project / "templates"

    @property
    def styles(self) -> Path:
        """The project's own stylesheets, brand file and fonts (it may be absent)."""
        return self.project / "styles"

    @property
    def template_dirs(self) -> tuple[Path, Path]:
        """Where templates are looked up: the project's first, then the packaged defaults."""
        return self.templates, PACKAGED / "templates"

    @property
    def style_dirs(self) -> tuple[Path, Path]:
        """Where stylesheets and fonts are looked up: the project's, then the packaged ones."""
        return self.styles, PACKAGED / "styles"

    def template(self, name: str) -> Path:
        """A template file: the project's own when it has one, else the packaged default."""
        return first_existing(self.template_dirs, name)

    def style(self, name: str) -> Path:
        """A file under styles/: the project's own when it has one, else the packaged default."""
        return first_existing(self.style_dirs, name)

    @property
    def brand_file(self) -> Path:
        """The one brand file every format reads."""
        return self.style("brand.yaml")

    @property
    def reference_docx(self) -> Path:
        """A designer's Word file whose styles override the generated ones, when it exists."""
        return self.templates / "memo-reference.docx"

    @property
    def page_size(self) -> tuple[str, str]:
        """Width and height as CSS lengths."""
        return PAPERS[self.paper]

    def flags(self) -> dict[str, str | bool]:
        """The user's choices that change output bytes (for the manifest)."""
        return {
            "paper": self.paper,
            "profile": self.profile,
            "strict": self.strict,
            "allow_remote": self.allow_remote,
            "embed_fonts": self.embed_fonts,
        }


def first_existing(folders: tuple[Path, ...], name: str) -> Path:
    """``folder/name`` in the first folder that has it (the first folder's when none has)."""
    return next((f / name for f in folders if (f / name).is_file()), folders[0] / name)


def find_project(start: Path, *, exact: bool = False) -> Path:
    """The project (the folder holding ``styles/brand.yaml``): ``start`` itself when ``exact``
    (an explicit ``--project``), else the nearest folder at or above ``start``.

    ``start`` is the current folder or the user's ``--project``, never a source's location:
    the project's templates and styles are trusted, an article folder is not (README).
    """
    folders = (start.resolve(),) if exact else (start.resolve(), *start.resolve().parents)
    for folder in folders:
        if (folder / "styles" / "brand.yaml").is_file():
            return folder
    where = f"in {start}" if exact else f"in or above {start}"
    raise ConfigError(
        f"no briefexport project (styles/brand.yaml) {where} "
        "(run it inside a project, or name one with --project)"
    )


def number(where: str, given: object, kind: type[N], most: float = math.inf, zero: str = "") -> N:
    """``given`` as a finite number of ``kind`` from 0 (when ``zero`` says what 0 means; else
    from 1) to ``most``; else a :class:`ConfigError` (a usage error) naming ``where``."""
    least = 0 if zero else 1
    try:
        value = kind(str(given).strip())
    except ValueError:
        value = kind(least - 1)
    if not least <= value <= most or not math.isfinite(value):
        whole = "a whole number" if kind is int else "a number"
        bounds = f" from {least} to {most:,.0f}" if most < math.inf else f", {least} or more"
        meaning = f" (0 = {zero})" if zero else ""
        raise ConfigError(f"{where}: {given} is not {whole}{bounds}{meaning}")
    return value
