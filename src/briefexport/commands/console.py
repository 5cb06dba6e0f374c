"""What the user sees: progress and a results table on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefexport.build.pipeline import ArticleResult, BuildReport, Progress, not_sources


def plural(count: int, word: str) -> str:
    """ "1 error", "2 errors", "1 article failed"-style counts: the word is its singular."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def skipped_notice(source: Path) -> None:
    """One line naming the files of a source folder that are not Markdown sources."""
    others = not_sources(source)
    if others:
        names = ", ".join(p.name for p in others[:8]) + (", …" if len(others) > 8 else "")
        print(
            f"notice: {source}: {plural(len(others), 'file')} skipped, not Markdown ({names}); "
            "sources are .md or .markdown files",
            file=sys.stderr,
        )


def is_terminal() -> bool:
    """True when stderr is an interactive terminal (rich output); false in CI and pipes."""
    return sys.stderr.isatty()


def plain_line(result: ArticleResult) -> str:
    """One parseable line per article: status, source, outputs (or the error)."""
    if result.error:
        return f"failed\t{result.source}\t{result.error}"
    outputs = ", ".join(f"{o.path}{'' if o.built else ' (up to date)'}" for o in result.outputs)
    return f"{result.status}\t{result.source}\t{outputs}\t{result.seconds:.2f}s"


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
                result.source.stem,
                names,
                pages,
                f"{result.seconds:.2f}",
                f"[{colour}]{result.status}[/]",
            )
        Console(stderr=True).print(table)
    built = sum(o.built for r in build.results for o in r.outputs)
    skipped = sum(not o.built for r in build.results for o in r.outputs)
    print(
        f"{plural(built, 'output')} written, {skipped:,} up to date, "
        f"{plural(len(build.failed), 'article')} failed",
        file=sys.stderr,
    )
    for result in build.failed:
        print(f"error: {result.error}", file=sys.stderr)
