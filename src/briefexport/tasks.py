"""The Invoke collection: tasks parse flags and call the package; no logic lives here.

``tasks.py`` at the project root re-exports this collection, and the ``briefexport`` console
script runs the same one, so ``invoke build`` and ``briefexport build`` are the same command.
"""

from __future__ import annotations

import gc
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invoke.collection import Collection
from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from briefexport.errors import BriefExportError

if TYPE_CHECKING:
    from briefexport.settings import Settings

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
    from briefexport.build.pipeline import build, discover
    from briefexport.commands.console import progress, report
    from briefexport.commands.handover import handed_over

    with clean_errors():
        settings = settings_from(c, paper, profile, strict, allow_remote, source)
        sources = discover(Path(option(c, "source", source)))
        target, workers = Path(option(c, "out", out)), int(option(c, "jobs", jobs))
        with progress(len(sources)) as on_result:
            result = handed_over(
                Path(option(c, "source", source)),
                target,
                settings,
                list(formats),
                force=force,
                jobs=workers,
                on_result=on_result,
            ) or build(
                sources,
                target,
                settings,
                formats,
                force=force,
                jobs=workers,
                on_result=on_result,
            )
        report(result)
    gc.freeze()  # the command ends here: spare the interpreter's final collection (0.1-0.4 s)
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


def settings_from(
    c: Context,
    paper: str | None = None,
    profile: str | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    source: str | None = None,
) -> Settings:
    """Settings from flags, falling back to the configuration; the project is found from the
    current folder or, failing that, from the source."""
    from briefexport.settings import Settings, find_project

    return Settings(
        project=find_project(Path.cwd(), Path(option(c, "source", source))),
        paper=option(c, "paper", paper),
        profile=option(c, "profile", profile),
        strict=bool(option(c, "strict", strict)),
        allow_remote=bool(option(c, "allow_remote", allow_remote)),
    )


@task(help={"source": COMMON_HELP["source"], "strict": "fail on warnings too"})
def check(c: Context, source: str | None = None, strict: bool = False) -> None:
    """Lint sources without rendering: validation, summary, images, links, footnotes."""
    from briefexport.build.pipeline import discover
    from briefexport.commands.check import check_source

    with clean_errors():
        settings = settings_from(c, source=source)
        findings = [
            f
            for path in discover(Path(option(c, "source", source)))
            for f in check_source(path, settings)
        ]
    for finding in findings:
        print(finding)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    print(f"{errors} errors, {warnings} warnings", file=sys.stderr)
    if errors or (strict and warnings):
        raise Exit(code=1)


@task(
    help={
        "source": COMMON_HELP["source"],
        "out": COMMON_HELP["out"],
        "profile": "also verify <slug>-press.pdf when press",
        "formats": "comma-separated formats to verify (default: the configured formats)",
    }
)
def verify(
    c: Context,
    source: str | None = None,
    out: str | None = None,
    profile: str | None = None,
    formats: str = "",
) -> None:
    """Read every output back and prove nothing of the source was lost."""
    from briefexport.brand import load_brand
    from briefexport.build.pipeline import discover
    from briefexport.commands.verify import verify_article
    from briefexport.source.reader import read_article

    failures = 0
    with clean_errors():
        settings = settings_from(c, profile=profile, source=source)
        chosen = formats.split(",") if formats else list(option(c, "formats", None))
        chosen += ["press"] if settings.profile == "press" and "pdf" in chosen else []
        organisation = load_brand(settings.brand_file).organisation
        for path in discover(Path(option(c, "source", source))):
            article = read_article(path)
            for finding in verify_article(
                article, Path(option(c, "out", out)), chosen, article.publisher or organisation
            ):
                failures += not finding.ok
                print(f"{'ok' if finding.ok else 'FAIL'}\t{finding.path}")
                for block in finding.missing:
                    print(f"  missing {block.kind}: {block.text[:70]}")
                for problem in finding.problems:
                    print(f"  {problem}")
    if failures:
        raise Exit(f"{failures} outputs lost content or failed a check", code=1)


@task(
    help={
        "source": COMMON_HELP["source"],
        "out": COMMON_HELP["out"],
        "paper": COMMON_HELP["paper"],
        "profile": COMMON_HELP["profile"],
    }
)
def watch(
    c: Context,
    source: str | None = None,
    out: str | None = None,
    paper: str | None = None,
    profile: str | None = None,
) -> None:
    """Rebuild on every change to sources, templates or styles, in one warm process."""
    from briefexport.commands.console import report
    from briefexport.commands.watch import watch as watch_forever

    with clean_errors():
        settings = settings_from(c, paper, profile, source=source)
        watch_forever(
            Path(option(c, "source", source)),
            Path(option(c, "out", out)),
            settings,
            option(c, "formats", None),
            report,
        )


@task(
    help={
        "title": "the article's title (the file is named by its slug)",
        "author": "the author's name (default: Author Name)",
        "source": "folder for the new file (default: source/)",
    }
)
def new(
    c: Context, title: str = "", author: str = "Author Name", source: str | None = None
) -> None:
    """Scaffold a new source with the full front matter, commented; never overwrites."""
    from briefexport.brand import load_brand
    from briefexport.commands.scaffold import new_source

    with clean_errors():
        publisher = load_brand(settings_from(c, source=source).brand_file).organisation
        path = new_source(Path(option(c, "source", source)), title, author, publisher)
    print(path)


@task(help={"force": "overwrite an existing templates/memo-reference.docx"})
def reference_docx(c: Context, force: bool = False) -> None:
    """Write the brand's Word styles to templates/memo-reference.docx for a designer to restyle."""
    from briefexport.writers.memo.writer import write_reference_docx

    with clean_errors():
        settings = settings_from(c)
        target = settings.reference_docx
        if target.exists() and not force:
            raise Exit(
                f"error: {target} exists; its styles already win (--force to regenerate)", code=1
            )
        write_reference_docx(settings, target)
    print(target)


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
    from briefexport.commands.doctor import diagnose

    problems = 0
    for ok, line in diagnose(Path.cwd()):
        print(("ok     " if ok else "MISSING ") + line)
        problems += not ok
    if problems:
        raise Exit(code=1)


@task(help={"out": COMMON_HELP["out"]})
def serve(c: Context, out: str | None = None) -> None:
    """Keep a warm build process for OUT: `invoke build` hands its work to it (Unix socket)."""
    from briefexport.commands.serve import serve as serve_forever

    with clean_errors():
        settings = settings_from(c)
        serve_forever(Path(option(c, "out", out)), settings.project, option(c, "formats", None))


ns = Collection(
    build, pdf, memo, summary, check, verify, watch, serve, new, reference_docx, clean, doctor
)
ns.configure({"briefexport": DEFAULTS})


def main(argv: Sequence[str] | None = None) -> None:
    """The ``briefexport`` console script: this collection under invoke's Program."""
    from invoke.program import Program

    from briefexport import __version__

    Program(namespace=ns, name="briefexport", binary="briefexport", version=__version__).run(
        list(argv) if argv is not None else sys.argv
    )
