"""Writers turn an :class:`Article` and :class:`Settings` into the bytes of one output.

A new format is one module with a class that satisfies :class:`Writer` and one row in
:data:`REGISTRY`: everything build, the tasks, ``check`` and ``verify`` need to know about a
format is on that row. Writers and verifiers are imported lazily (by name) so that ``--help``,
``check`` and deciding what is stale import none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from briefexport.errors import ConfigError

if TYPE_CHECKING:
    from briefexport.commands.verify import Finding, LeftOut
    from briefexport.messages import Message
    from briefexport.model import Article
    from briefexport.settings import Settings

    Verifier = Callable[[Article, Path, str, LeftOut], Finding]
    """Reads one output back: the article, the output's path, the running head's publisher,
    and the build's warnings about images it left out, by source line."""

Engine = Literal["weasyprint", "python-docx"]


@dataclass(frozen=True)
class Output:
    """What a writer produced: the file's bytes, its page count (0 when unknown), warnings."""

    data: bytes
    pages: int = 0
    messages: tuple[Message, ...] = ()


class Writer(Protocol):
    """One output format."""

    def render(self, article: Article, settings: Settings) -> Output:
        """The output's bytes for one article."""
        ...


@dataclass(frozen=True)
class Format:
    """A registry row: where the writer lives and what lays it out, the file it writes, the
    verifier that reads it back, when it is built, and the project files it reads.

    Declared here rather than on the writer so that deciding what is stale imports no writer.
    """

    target: str
    """The writer class, ``module:Class``."""
    suffix: str
    """The output file's name after the slug."""
    template: str = ""
    styles: tuple[str, ...] = ()
    engine: Engine | None = None
    """What lays the output out: WeasyPrint (HTML and CSS to PDF), python-docx, or neither."""
    verifier: str = ""
    """The function that reads the output back, ``module:function`` (see :func:`verifier`)."""
    about: str = ""
    """What the format's own task builds, for its help."""
    default: bool = False
    """Built when no formats are asked for (``DEFAULTS["formats"]`` of the tasks)."""
    profile: str = ""
    """The profile that adds this format to the one it ``joins``; empty for every profile."""
    joins: str = ""
    """The format this one rides along with under its ``profile``; it has no task of its own."""
    holds_back: bool = True
    """Whether its failure keeps the article's other outputs from being written."""

    @property
    def laid_out(self) -> bool:
        """Whether WeasyPrint lays it out (so it must be imported, its styles parsed)."""
        return self.engine == "weasyprint"

    def dependencies(self, settings: Settings) -> list[Path]:
        """Project files whose change makes this output stale: its template and the partials
        (``templates/_*``) templates include, its styles, and the brand, fonts and colour
        profiles for all."""
        partials = {p.name for d in settings.template_dirs for p in d.glob("_*")}
        files = (
            [settings.template(name) for name in (self.template, *sorted(partials))]
            if self.template
            else []
        )
        files += [settings.style(name) for name in self.styles]
        fonts = {p.name for d in settings.style_dirs for p in d.glob("fonts/*")}
        files += [settings.brand_file, *(settings.style(f"fonts/{n}") for n in sorted(fonts))]
        profiles = {p.name for d in settings.style_dirs for p in d.glob("icc/*.ic[cm]")}
        files += [settings.style(f"icc/{n}") for n in sorted(profiles)]
        return files + ([settings.reference_docx] if settings.reference_docx.exists() else [])


ARTICLE_STYLES = ("base.css", "article.css")
VERIFY = "briefexport.commands.verify"
REGISTRY: dict[str, Format] = {
    "pdf": Format(
        "briefexport.writers.pdf:PdfWriter",
        ".pdf",
        "article.html.j2",
        ARTICLE_STYLES,
        engine="weasyprint",
        verifier=f"{VERIFY}:verify_pdf",
        about="Build the print-ready PDF (and the press PDF with --profile press).",
        default=True,
    ),
    "press": Format(
        "briefexport.writers.pdf:PressWriter",
        "-press.pdf",
        "article.html.j2",
        (*ARTICLE_STYLES, "press.css"),
        engine="weasyprint",
        verifier=f"{VERIFY}:verify_press",
        about="Build the press PDF (PDF/X-4, bleed, crop marks).",
        profile="press",
        joins="pdf",
    ),
    "memo": Format(
        "briefexport.writers.memo.writer:MemoWriter",
        "-memo.docx",
        engine="python-docx",
        verifier="briefexport.commands.memoread:verify_memo",
        about="Build only the editable Word memo.",
        default=True,
    ),
    "summary": Format(
        "briefexport.writers.summary.writer:SummaryWriter",
        "-summary.pdf",
        "summary.html.j2",
        ("base.css", "summary.css"),
        engine="weasyprint",
        verifier=f"{VERIFY}:verify_summary",
        about="Build only the one-page executive summary.",
        default=True,
        holds_back=False,  # a summary too long for its page does not hold back the rest
    ),
}
DEFAULT_FORMATS = tuple(name for name, row in REGISTRY.items() if row.default)
"""What ``build`` makes when no formats are asked for."""


def lookup(name: str) -> Format:
    """The registry row for ``name``, or a clear error naming the known formats."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown format '{name}' (use one of: {', '.join(REGISTRY)})") from None


def with_profile(formats: Iterable[str], profile: str) -> list[str]:
    """``formats`` (each checked) and the formats ``profile`` adds to them (press joins pdf)."""
    chosen = list(formats)
    for name in chosen:
        lookup(name)
    added = [
        name
        for name, row in REGISTRY.items()
        if row.profile == profile and row.joins in chosen and name not in chosen
    ]
    return chosen + added


def loaded(target: str) -> Any:
    """The object a ``module:name`` target names, imported on first use."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def writer(name: str) -> Writer:
    """The writer registered under ``name``, imported on first use."""
    instance: Writer = loaded(lookup(name).target)()
    return instance


def verifier(name: str) -> Verifier:
    """The function that reads ``name``'s output back (see :mod:`briefexport.commands.verify`)."""
    row = lookup(name)
    if not row.verifier:
        raise ConfigError(f"format '{name}' has no verifier: verify cannot read it back")
    check: Verifier = loaded(row.verifier)
    return check


def output_path(out: Path, article: Article, name: str) -> Path:
    """Where a format's file goes: ``<out>/<slug>/<slug><suffix>``."""
    return out / article.slug / f"{article.slug}{REGISTRY[name].suffix}"
