"""The Invoke collection: tasks parse flags and call the package; no logic lives here.

``tasks.py`` at the project root re-exports this collection, and the ``briefexport`` console
script runs the same one, so ``invoke build`` and ``briefexport build`` are the same command.
"""

from __future__ import annotations

import gc
import inspect
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from invoke.collection import Collection
from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import Task, task

from briefexport.errors import BriefExportError, ConfigError, one_line, shown
from briefexport.settings import NUMBERS, Settings, find_project, number
from briefexport.writers import DEFAULT_FORMATS, REGISTRY, Format, with_profile

DEFAULTS = {
    "source": "source",
    "out": "build",
    "jobs": 0,
    "formats": list(DEFAULT_FORMATS),
    "project": "",
    "no_embed_fonts": not Settings.embed_fonts,
    **{
        name: getattr(Settings, name)
        for name in ("paper", "profile", "strict", "allow_remote", "time_budget", "memory_budget")
    },
}
"""The configuration's defaults (``ns.configure``), the build settings' being those of
:class:`Settings`; a project's ``invoke.yaml`` overrides them and flags override both."""

FLAGS = {
    "source": "a source file or a folder of them (default: source/)",
    "out": "output folder; each article goes to OUT/<slug>/ (default: build/)",
    "paper": "letter (default) or a4",
    "profile": "default, or press to add <slug>-press.pdf (PDF/X-4, bleed, crop marks)",
    "jobs": "parallel worker processes; 0 = one per core (the default)",
    "force": "rebuild even what is up to date",
    "strict": "treat warnings (refused or missing resources, raw HTML) as errors",
    "allow_remote": "allow http(s) images, with a short timeout (off by default)",
    "no_embed_fonts": "leave the brand fonts out of the Word memo (smaller; it then needs them "
    "installed to look right)",
    "time_budget": "seconds one output of one article may take, up to 86,400; 0 = no limit "
    "(default: 60)",
    "memory_budget": "megabytes of memory one output of one article may take, up to 1,000,000; "
    "0 = no limit (default: 1500)",
    "project": "the project folder (templates, styles, brand); default: the current folder "
    "or the nearest above it, never the source's folder",
    "json": "print one JSON object per output on stdout (JSON Lines), for machines",
}
"""Every shared flag has one meaning, and one help text, in every task that takes it."""

USAGE = 2
"""Exit status for a usage or configuration error (an article that fails gives 1)."""


class Grouped(Task[Any]):
    """A task in a group (build, sources, project, develop). Invoke's ``--list`` sorts tasks by
    name, without sections, so there the group leads the task's help line; ``briefexport
    --help`` prints a heading per group and each task's :attr:`summary`."""

    def __init__(self, body: Callable[..., Any], *, group: str, **options: Any) -> None:
        super().__init__(body, **options)
        self.group = group
        self.summary = (body.__doc__ or "").strip()
        self.__doc__ = f"{f'[{group}]':<10}{self.summary}"


def command(group: str, positional: Sequence[str] = (), **own: str) -> Callable[[Any], Any]:
    """A task of ``group`` with help for every flag (shared flags keep their shared text) and
    no short flags: Invoke would derive them from each task's own flags, so ``-p`` would mean
    ``--paper`` in one task and ``--profile`` in another."""

    def wrap(body: Any) -> Any:
        names = [name for name in inspect.signature(body).parameters if name != "c"]
        helps = {name: own.get(name) or FLAGS[name] for name in names}
        options = {"help": helps, "positional": list(positional), "auto_shortflags": False}
        return task(klass=Grouped, group=group, **options)(body)

    return wrap


@contextmanager
def clean_errors() -> Iterator[None]:
    """Library errors become one line on stderr and a non-zero exit, never a traceback:
    2 for bad settings, 1 for anything else."""
    try:
        yield
    except ConfigError as exc:
        raise Exit(f"error: {exc}", code=USAGE) from None
    except BriefExportError as exc:
        raise Exit(f"error: {exc}", code=1) from None
    except KeyboardInterrupt:
        raise Exit(
            "interrupted: outputs written so far are complete; nothing is half-written", code=130
        ) from None
    except Exception as exc:  # the last net: one line, never a traceback
        raise Exit(
            f"error: {type(exc).__name__}: {one_line(str(exc))} (a bug: please report it)", code=1
        ) from None


def option(c: Context, name: str, value: Any) -> Any:
    """A flag's value, or the configured one (``invoke.yaml`` / ``ns.configure``); a numeric
    one checked (:data:`NUMBERS`)."""
    given = value not in (None, "", 0, False)
    chosen = value if given else c.config.briefexport[name]
    if name not in NUMBERS:
        return chosen
    return number(
        f"--{name.replace('_', '-')}" if given else f"invoke.yaml: {name}", chosen, *NUMBERS[name]
    )


def run_build(c: Context, formats: Sequence[str], flags: dict[str, Any]) -> None:
    """Shared by build, pdf, memo and summary."""
    from briefexport.commands.build import build_and_report

    with clean_errors():
        ok = build_and_report(
            Path(option(c, "source", flags["source"])),
            Path(option(c, "out", flags["out"])),
            settings_from(c, **flags),
            formats,
            force=flags["force"],
            jobs=option(c, "jobs", flags["jobs"]),
            as_json=flags["json"],
        )
    gc.freeze()  # the command ends here: spare the interpreter's final collection (0.1-0.4 s)
    if not ok:
        raise Exit(code=1)


def format_task(
    name: str, formats: Sequence[str] | None, doc: str, without: tuple[str, ...] = ()
) -> Any:
    """A build task limited to some formats (all configured formats when None), taking every
    build flag but those ``without`` (a flag that cannot change its outputs)."""

    def run(
        c: Context,
        source: str | None = None,
        out: str | None = None,
        paper: str | None = None,
        profile: str | None = None,
        jobs: str | None = None,
        force: bool = False,
        strict: bool = False,
        allow_remote: bool = False,
        project: str | None = None,
        time_budget: str | None = None,
        memory_budget: str | None = None,
        no_embed_fonts: bool = False,
        json: bool = False,
    ) -> None:
        flags = {name: value for name, value in locals().items() if name in FLAGS}
        run_build(c, formats or option(c, "formats", None), flags)

    signature = inspect.signature(run)
    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name not in without]
    )
    run.__name__ = run.__qualname__ = name
    run.__doc__ = doc
    return command("build")(run)


def unused_flags(name: str, row: Format) -> tuple[str, ...]:
    """The build flags that cannot change a format's output: ``--profile`` unless a profile
    adds a format to it, ``--no-embed-fonts`` unless python-docx writes it."""
    joined = any(other.joins == name for other in REGISTRY.values())
    return (() if joined else ("profile",)) + (
        () if row.engine == "python-docx" else ("no_embed_fonts",)
    )


build = format_task("build", None, "Build every article: PDF, Word memo and one-page summary.")
FORMAT_TASKS = [
    format_task(name, [name], row.about, unused_flags(name, row))
    for name, row in REGISTRY.items()
    if not row.joins  # a format a profile adds is built with the one it joins
]


def settings_from(c: Context, **flags: Any) -> Settings:
    """Settings from the flags given, each falling back to the configuration; the project is
    ``--project`` or found from the current folder, never from a source's location (an
    article is not trusted to bring templates)."""

    def chosen(name: str) -> Any:
        return option(c, name, flags.get(name))

    project = chosen("project")
    return Settings(
        project=find_project(Path(project), exact=True) if project else find_project(Path.cwd()),
        paper=chosen("paper"),
        profile=chosen("profile"),
        strict=bool(chosen("strict")),
        allow_remote=bool(chosen("allow_remote")),
        embed_fonts=not chosen("no_embed_fonts"),
        time_budget=chosen("time_budget"),
        memory_budget=chosen("memory_budget"),
    )


@command("sources", strict="fail on warnings too")
def check(
    c: Context,
    source: str | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    project: str | None = None,
) -> None:
    """Lint sources without rendering: validation, summary, images, links, footnotes."""
    from briefexport.commands.check import check_sources

    with clean_errors():
        settings = settings_from(c, allow_remote=allow_remote, project=project)
        errors, warnings = check_sources(Path(option(c, "source", source)), settings)
    if errors or (strict and warnings):
        raise Exit(code=1)


@command(
    "sources",
    profile="also verify <slug>-press.pdf when press",
    formats="comma-separated formats to verify (default: the configured formats)",
)
def verify(
    c: Context,
    source: str | None = None,
    out: str | None = None,
    profile: str | None = None,
    formats: str = "",
    project: str | None = None,
) -> None:
    """Read every output back and prove nothing of the source was lost."""
    from briefexport.brand import load_brand
    from briefexport.build.sources import discover
    from briefexport.commands.verify import verify_article
    from briefexport.source.reader import read_article

    failures = 0
    with clean_errors():
        settings = settings_from(c, profile=profile, project=project)
        chosen = with_profile(
            formats.split(",") if formats else option(c, "formats", None), settings.profile
        )
        organisation = load_brand(settings.brand_file).organisation
        for path in discover(Path(option(c, "source", source))):
            try:
                article = read_article(path, settings.styles)
            except BriefExportError as exc:  # one unreadable source does not stop the others
                failures += 1
                print(f"FAIL\t{shown(path)}\n  {exc}")
                continue
            for finding in verify_article(
                article, Path(option(c, "out", out)), chosen, article.publisher or organisation
            ):
                failures += not finding.ok
                print(f"{'ok' if finding.ok else 'FAIL'}\t{finding.path}")
                for message in finding.messages(path):
                    print(f"  {message}")
    if failures:
        lost = "output lost" if failures == 1 else "outputs lost"
        raise Exit(f"{failures} {lost} content or failed a check", code=1)


@command("build")
def watch(
    c: Context,
    source: str | None = None,
    out: str | None = None,
    paper: str | None = None,
    profile: str | None = None,
    jobs: str | None = None,
    strict: bool = False,
    allow_remote: bool = False,
    project: str | None = None,
    time_budget: str | None = None,
    memory_budget: str | None = None,
    no_embed_fonts: bool = False,
) -> None:
    """Rebuild on every change to sources, templates or styles, in one warm process."""
    flags = {name: value for name, value in locals().items() if name in FLAGS}
    from briefexport.commands.watch import watch as watch_forever

    with clean_errors():
        watch_forever(
            Path(option(c, "source", source)),
            Path(option(c, "out", out)),
            settings_from(c, **flags),
            option(c, "formats", None),
            option(c, "jobs", jobs),
        )


@command(
    "sources",
    title="the article's title (the file is named by its slug)",
    author="the author's name (default: Author Name)",
    source="the folder of sources to add it to (default: source/)",
)
def new(
    c: Context,
    title: str = "",
    author: str = "Author Name",
    source: str | None = None,
    project: str | None = None,
) -> None:
    """Scaffold a new source with the full front matter, commented; never overwrites."""
    from briefexport.brand import load_brand
    from briefexport.commands.scaffold import new_source

    with clean_errors():
        publisher = load_brand(settings_from(c, project=project).brand_file).organisation
        path = new_source(Path(option(c, "source", source)), title, author, publisher)
    print(path)


@command(
    "project",
    positional=["folder"],
    folder="the new project's folder, created if need be (default: the current folder)",
    name='the institute\'s name, for the brand and the README (default: "Your Institute")',
)
def init(c: Context, folder: str | None = None, name: str = "Your Institute") -> None:
    """Start a new project: a sample article, the brand, settings and a README; never overwrites."""
    from briefexport.commands.scaffold import init_project

    with clean_errors():
        written = init_project(Path(folder or "."), name)
    for path in written:
        print(path)
    print(f"next: cd {folder or '.'} && briefexport build", file=sys.stderr)


@command("project", force="regenerate it even if templates/memo-reference.docx exists")
def reference_docx(c: Context, force: bool = False, project: str | None = None) -> None:
    """Write the brand's Word styles to templates/memo-reference.docx for a designer to restyle."""
    from briefexport.writers.memo.writer import write_reference_docx

    with clean_errors():
        settings = settings_from(c, project=project)
        target = settings.reference_docx
        if target.exists() and not force:
            raise BriefExportError(f"{target} exists; its styles already win (--force replaces it)")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_reference_docx(settings, target)
    print(target)


@command("build", out="output folder to remove (default: build/)")
def clean(c: Context, out: str | None = None) -> None:
    """Remove the output folder."""
    target = Path(option(c, "out", out))
    if target.resolve() in (Path.cwd().resolve(), Path.home().resolve(), Path("/")):
        raise Exit(f"error: refusing to remove {target}", code=USAGE)
    shutil.rmtree(target, ignore_errors=True)
    print(f"removed {target}")


@command(
    "project", project="the project to check (default: the current folder or the nearest above it)"
)
def doctor(c: Context, project: str | None = None) -> None:
    """Check what the build and the tests need; print the exact command that fixes each gap."""
    from briefexport.commands.doctor import diagnose

    problems = 0
    for level, line in diagnose(Path(option(c, "project", project) or Path.cwd())):
        print(f"{level:<8}{line}")
        problems += level == "MISSING"
    if problems:
        raise Exit(code=1)


@command("build")
def serve(c: Context, out: str | None = None, project: str | None = None) -> None:
    """Keep a warm build process for OUT: `invoke build` hands its work to it (Unix socket)."""
    from briefexport.commands.serve import serve as serve_forever

    with clean_errors():
        settings = settings_from(c, project=project)
        serve_forever(Path(option(c, "out", out)), settings.project, option(c, "formats", None))


ns = Collection(
    build, *FORMAT_TASKS, watch, serve, clean, new, check, verify, init, reference_docx, doctor
)
ns.configure({"briefexport": DEFAULTS})
