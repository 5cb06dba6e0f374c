"""Writers turn an :class:`Article` and :class:`Settings` into the bytes of one output.

A new format is one module with a class that satisfies :class:`Writer` and one row in
:data:`REGISTRY`. Writers are imported lazily so that ``--help`` and ``check`` stay fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from briefexport.errors import ConfigError
from briefexport.model import Article, Notice
from briefexport.settings import Settings


@dataclass(frozen=True)
class Output:
    """What a writer produced: the file's bytes, its page count (0 when unknown), warnings."""

    data: bytes
    pages: int = 0
    notices: tuple[Notice, ...] = ()


class Writer(Protocol):
    """One output format."""

    def render(self, article: Article, settings: Settings) -> Output:
        """The output's bytes for one article."""
        ...


@dataclass(frozen=True)
class Format:
    """A registry row: where the writer lives, the file it writes, the project files it reads.

    Declared here rather than on the writer so that deciding what is stale imports no writer.
    """

    target: str
    suffix: str
    template: str = ""
    styles: tuple[str, ...] = ()

    def dependencies(self, settings: Settings) -> list[Path]:
        """Project files whose change makes this output stale: its template and the partials
        (``templates/_*``) templates include, its styles, and the brand and fonts for all."""
        partials = {p.name for d in settings.template_dirs for p in d.glob("_*")}
        files = (
            [settings.template(name) for name in (self.template, *sorted(partials))]
            if self.template
            else []
        )
        files += [settings.style(name) for name in self.styles]
        fonts = {p.name for d in settings.style_dirs for p in d.glob("fonts/*")}
        files += [settings.brand_file, *(settings.style(f"fonts/{n}") for n in sorted(fonts))]
        return files + ([settings.reference_docx] if settings.reference_docx.exists() else [])


ARTICLE_STYLES = ("base.css", "article.css")
REGISTRY: dict[str, Format] = {
    "pdf": Format("briefexport.writers.pdf:PdfWriter", ".pdf", "article.html.j2", ARTICLE_STYLES),
    "press": Format(
        "briefexport.writers.pdf:PressWriter",
        "-press.pdf",
        "article.html.j2",
        (*ARTICLE_STYLES, "press.css"),
    ),
    "memo": Format("briefexport.writers.memo.writer:MemoWriter", "-memo.docx"),
    "summary": Format(
        "briefexport.writers.summary.writer:SummaryWriter",
        "-summary.pdf",
        "summary.html.j2",
        ("base.css", "summary.css"),
    ),
}


def lookup(name: str) -> Format:
    """The registry row for ``name``, or a clear error naming the known formats."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown format '{name}' (use one of: {', '.join(REGISTRY)})") from None


def writer(name: str) -> Writer:
    """The writer registered under ``name``, imported on first use."""
    module, _, cls = lookup(name).target.partition(":")
    instance: Writer = getattr(importlib.import_module(module), cls)()
    return instance


def output_path(out: Path, article: Article, name: str) -> Path:
    """Where a format's file goes: ``<out>/<slug>/<slug><suffix>``."""
    return out / article.slug / f"{article.slug}{REGISTRY[name].suffix}"
