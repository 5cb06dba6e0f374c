"""The Invoke collection: tasks parse flags and call the package; no logic lives here.

``tasks.py`` at the project root re-exports this collection, and the ``briefexport`` console
script runs the same one, so ``invoke build`` and ``briefexport build`` are the same command.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from invoke.collection import Collection
from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from .errors import BriefExportError

DEFAULTS = {
    "source": "source",
    "out": "build",
    "paper": "letter",
    "profile": "default",
    "jobs": 0,
    "formats": ["pdf", "memo", "summary"],
    "strict": False,
    "allow_remote": False,
}

COMMON_HELP = {
    "source": "a source file or a folder of them (default: source/)",
    "out": "output folder; each article goes to OUT/<slug>/ (default: build/)",
    "paper": "letter (default) or a4",
    "profile": "default, or press to add <slug>-press.pdf (PDF/X-4, bleed, crop marks)",
    "jobs": "parallel worker processes (default: one per core)",
    "force": "rebuild even what is up to date",
    "strict": "treat warnings (refused or missing resources, raw HTML) as errors",
    "allow_remote": "allow http(s) images, with a short timeout (off by default)",
}

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def clean_errors() -> Iterator[None]:
    """Library errors become one line on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except BriefExportError as exc:
        raise Exit(f"error: {exc}", code=1) from None
    except KeyboardInterrupt:
        raise Exit(
            "interrupted: outputs written so far are complete; nothing is half-written", code=130
        ) from None


def option(c: Context, name: str, value: Any) -> Any:
    """A flag's value, or the configured default (``invoke.yaml`` / ``ns.configure``)."""
    return value if value not in (None, "", 0, False) else c.config.briefexport[name]


def run_build(
    c: Context,
    formats: Sequence[str],
    source: str | None,
    out: str | None,
    paper: str | None,
    profile: str | None,
    jobs: int,
    force: bool,
    strict: bool,
    allow_remote: bool,
) -> None:
    """Shared by build, pdf, memo and summary."""
    from .build import build, discover
    from .console import progress, report
    from .settings import Settings

    with clean_errors():
        settings = Settings(
            project=Path.cwd(),
            paper=option(c, "paper", paper),
            profile=option(c, "profile", profile),
            strict=bool(option(c, "strict", strict)),
            allow_remote=bool(option(c, "allow_remote", allow_remote)),
        )
        sources = discover(Path(option(c, "source", source)))
        with progress(len(sources)) as on_result:
            result = build(
                sources,
                Path(option(c, "out", out)),
                settings,
                formats,
                force=force,
                jobs=int(option(c, "jobs", jobs)),
                on_result=on_result,
            )
        report(result)
    if not result.ok:
        raise Exit(code=1)


def format_task(name: str, formats: Sequence[str] | None, doc: str) -> Any:
    """A build task limited to some formats (all configured formats when None)."""

    def run(
        c: Context,
        source: str | None = None,
        out: str | None = None,
        paper: str | None = None,
        profile: str | None = None,
        jobs: int = 0,
        force: bool = False,
        strict: bool = False,
        allow_remote: bool = False,
    ) -> None:
        chosen = formats or option(c, "formats", None)
        run_build(c, chosen, source, out, paper, profile, jobs, force, strict, allow_remote)

    run.__name__ = run.__qualname__ = name
    run.__doc__ = doc
    return task(help=COMMON_HELP)(run)


build = format_task("build", None, "Build every article: PDF, Word memo and one-page summary.")
pdf = format_task(
    "pdf", ["pdf"], "Build the print-ready PDF (and the press PDF with --profile press)."
)
memo = format_task("memo", ["memo"], "Build only the editable Word memo.")
summary = format_task("summary", ["summary"], "Build only the one-page executive summary.")


@task(help={"out": "output folder to remove (default: build/)"})
def clean(c: Context, out: str | None = None) -> None:
    """Remove the output folder."""
    target = Path(option(c, "out", out))
    if target.resolve() in (Path.cwd().resolve(), Path.home().resolve(), Path("/")):
        raise Exit(f"error: refusing to remove {target}", code=1)
    shutil.rmtree(target, ignore_errors=True)
    print(f"removed {target}")


@task
def doctor(c: Context) -> None:
    """Check the system libraries and fonts the build needs; print the command that fixes each."""
    from .doctor import diagnose

    problems = 0
    for ok, line in diagnose(Path.cwd()):
        print(("ok     " if ok else "MISSING ") + line)
        problems += not ok
    if problems:
        raise Exit(code=1)


ns = Collection(build, pdf, memo, summary, clean, doctor)
ns.configure({"briefexport": DEFAULTS})


def main(argv: Sequence[str] | None = None) -> None:
    """The ``briefexport`` console script: this collection under invoke's Program."""
    from invoke.program import Program

    from . import __version__

    Program(namespace=ns, name="briefexport", binary="briefexport", version=__version__).run(
        list(argv) if argv is not None else sys.argv
    )
