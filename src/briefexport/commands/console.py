"""What the user sees: progress and a results table on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from briefexport.build.pipeline import ArticleResult, BuildReport, Progress
from briefexport.errors import shown


def is_terminal() -> bool:
    """True when stderr is an interactive terminal (rich output); false in CI and pipes."""
    return sys.stderr.isatty()


def plain_line(result: ArticleResult) -> str:
    """One parseable line per article: status, source, outputs (or the error)."""
    if result.error:
        return f"failed\t{shown(result.source)}\t{result.error}"
    outputs = ", ".join(
        f"{shown(o.path)}{'' if o.built else ' (up to date)'}" for o in result.outputs
    )
    return f"{result.status}\t{shown(result.source)}\t{outputs}\t{result.seconds:.2f}s"


@contextmanager
def progress(total: int) -> Iterator[Progress]:
    """A callback that reports each finished article (rich bar on a terminal)."""
    if not is_terminal() or total < 2:
        yield lambda result: print(plain_line(result), flush=True)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("building", total=total)

        def advance(result: ArticleResult) -> None:
            bar.update(task, advance=1, description=result.source.stem[:40])

        yield advance


def report(build: BuildReport) -> None:
    """Warnings, the results table (terminal only), then every error at the end."""
    for warning in build.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for result in build.results:
        for notice in dict.fromkeys(result.notices):
            print(notice, file=sys.stderr)
    if is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table("article", "outputs", "pages", "seconds", "status")
        for result in build.results:
            pages = "/".join(str(o.pages) for o in result.outputs if o.pages)
            names = ", ".join(o.format for o in result.outputs)
            colour = {"failed": "red", "built": "green"}.get(result.status, "dim")
            table.add_row(
                shown(result.source.stem),
                names,
                pages,
                f"{result.seconds:.2f}",
                f"[{colour}]{result.status}[/]",
            )
        Console(stderr=True).print(table)
    built = sum(o.built for r in build.results for o in r.outputs)
    skipped = sum(not o.built for r in build.results for o in r.outputs)
    print(
        f"{built} outputs written, {skipped} up to date, {len(build.failed)} articles failed",
        file=sys.stderr,
    )
    for result in build.failed:
        print(f"error: {result.error}", file=sys.stderr)
