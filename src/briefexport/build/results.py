"""What a build reports: each output of each article, each article, the build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefexport.messages import Message as Notice


@dataclass(frozen=True)
class OutputResult:
    """One output of one article: where it is, whether it was rebuilt, and its fingerprint."""

    format: str
    path: Path
    fingerprint: str
    built: bool
    pages: int = 0


@dataclass
class ArticleResult:
    """Everything that happened to one source."""

    source: Path
    outputs: list[OutputResult] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    inputs: tuple[Path, ...] = ()
    """The local files the source references (images), as the manifest records them."""

    @property
    def status(self) -> str:
        """failed, built or skipped."""
        if self.error:
            return "failed"
        return "built" if any(o.built for o in self.outputs) else "skipped"


@dataclass
class BuildReport:
    """The results of a build, in source order."""

    results: list[ArticleResult]
    warnings: list[str] = field(default_factory=list)
    """About the build as a whole (a manifest set aside or not recorded)."""

    @property
    def failed(self) -> list[ArticleResult]:
        """The articles that did not build."""
        return [r for r in self.results if r.error]

    @property
    def ok(self) -> bool:
        """True when every requested output was written or already up to date."""
        return not self.failed


Progress = Callable[[ArticleResult], None]
