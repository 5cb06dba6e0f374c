"""Project tasks: the briefexport collection plus the developers' own (test, lint)."""

from __future__ import annotations

import sys

from invoke.collection import Collection
from invoke.context import Context
from invoke.tasks import task

from briefexport.tasks import ns as briefexport_tasks


@task(help={"args": "extra arguments for pytest, e.g. '-k memo -x'"}, auto_shortflags=False)
def test(c: Context, args: str = "") -> None:
    """Run the test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task(auto_shortflags=False)
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy."""
    python = sys.executable  # this environment's tools, whatever is first on PATH
    c.run(f"{python} -m ruff check src tests benchmarks tasks.py")
    c.run(f"{python} -m ruff format --check src tests benchmarks tasks.py")
    c.run(f"{python} -m mypy")
    benchmarks = "benchmarks/bench.py benchmarks/profile_noop.py benchmarks/bounds.py"
    c.run(f"{python} -m mypy --strict {benchmarks}")


@task(
    help={
        "runs": "runs per figure; each figure is their median, with min and max (default 5)",
        "save": "also write the table to benchmarks/results/<date>.txt",
    },
    auto_shortflags=False,
)
def bench(c: Context, runs: int = 5, save: bool = False) -> None:
    """Benchmark against Pandoc: cold, warm, no-op, batch, scale, memory, stages (bench extra)."""
    flags = f"--runs {runs}" + (" --save" if save else "")
    c.run(f"{sys.executable} benchmarks/bench.py {flags}", pty=False)


ns = Collection(*briefexport_tasks.tasks.values(), test, lint, bench)
ns.configure(briefexport_tasks.configuration())
