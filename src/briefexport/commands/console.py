"""What the user sees: a progress bar and a results table on a terminal, one compact line per
article in pipes, or JSON Lines (one object per output) for machines with ``--json``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from briefexport.build.results import ArticleResult, BuildReport, OutputResult, Progress
from briefexport.build.sources import not_sources
from briefexport.errors import shown

STATUS = {True: "built", False: "up to date"}


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


def pages(output: OutputResult) -> str:
    """``8 pages``, ``1 page``, or nothing for a format without pages (the memo)."""
    return f"{output.pages} page{'s' * (output.pages != 1)}" if output.pages else ""


def plain_line(result: ArticleResult) -> str:
    """One short line per article: status, source, folder, each output with its page count."""
    if result.error:
        return f"failed      {shown(result.source)}: {result.error}"
    parts = [f"{o.format} ({pages(o)})" if o.pages else o.format for o in result.outputs]
    folder = result.outputs[0].path.parent if result.outputs else ""
    status = "built" if result.status == "built" else "up to date"
    return f"{status:<11} {shown(result.source)} -> {shown(folder)}/: {', '.join(parts)}" + (
        f" in {result.seconds:.1f} s" if result.status == "built" else ""
    )


def json_records(result: ArticleResult) -> Iterator[dict[str, Any]]:
    """One object per output (and one for an article that failed): source, format, path,
    pages, warnings, status; ``error`` too when it failed."""
    warnings = [str(message) for message in dict.fromkeys(result.messages)]
    for output in result.outputs:
        yield {
            "source": str(result.source),
            "format": output.format,
            "path": str(output.path),
            "pages": output.pages or None,
            "warnings": warnings,
            "status": STATUS[output.built],
        }
    if result.error:
        yield {
            "source": str(result.source),
            "format": None,
            "path": None,
            "pages": None,
            "warnings": warnings,
            "status": "failed",
            "error": result.error,
        }


def print_json(result: ArticleResult) -> None:
    """An article's records as JSON Lines on stdout."""
    for record in json_records(result):
        print(json.dumps(record, ensure_ascii=False), flush=True)


@contextmanager
def progress(total: int, as_json: bool = False) -> Iterator[Progress]:
    """A callback for each finished article: a rich bar on a terminal, else a line on stdout
    (a compact one, or JSON Lines with ``as_json``)."""
    if as_json:
        yield print_json
        return
    if not is_terminal():
        yield lambda result: print(plain_line(result), flush=True)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "articles",
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("building", total=total)

        def advance(result: ArticleResult) -> None:
            bar.update(task, advance=1, description=result.source.stem[:40])

        yield advance


def report(build: BuildReport, rebuilt_only: bool = False) -> None:
    """Warnings, the results table (terminal only), totals, then every error, all on stderr.

    ``rebuilt_only`` (watch) leaves out what was up to date: its warnings were shown before.
    """
    results = [r for r in build.results if not rebuilt_only or r.status != "skipped"]
    for result in results:
        for message in dict.fromkeys(result.messages):
            print(message, file=sys.stderr)
    if is_terminal() and results:
        table(results)
    built = sum(o.built for r in build.results for o in r.outputs)
    skipped = sum(not o.built for r in build.results for o in r.outputs)
    print(
        f"{plural(built, 'output')} written, {skipped:,} up to date, "
        f"{plural(len(build.failed), 'article')} failed",
        file=sys.stderr,
    )
    for result in build.failed:
        print(f"error: {result.error}", file=sys.stderr)


def table(results: list[ArticleResult]) -> None:
    """One row per output: article (on its first row), format, file, pages, status, seconds."""
    from rich.console import Console
    from rich.table import Table

    grid = Table("article", "output", "file", "pages", "status", "seconds")
    colour = {"failed": "red", "built": "green", "up to date": "dim"}
    for result in results:
        rows = [
            (o.format, o.path.name, str(o.pages or "-"), STATUS[o.built]) for o in result.outputs
        ]
        rows += [("-", "-", "-", "failed")] if result.error else []
        for index, (name, file, count, status) in enumerate(rows):
            first = index == 0
            grid.add_row(
                result.source.stem if first else "",
                name,
                file,
                count,
                f"[{colour[status]}]{status}[/]",
                f"{result.seconds:.2f}" if first and result.status != "skipped" else "",
            )
    Console(stderr=True).print(grid)
