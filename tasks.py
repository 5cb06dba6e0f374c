"""Project tasks: the briefexport collection plus the developers' own (test, lint, bench)."""

from __future__ import annotations

import sys

from invoke.collection import Collection
from invoke.context import Context

from briefexport.settings import number
from briefexport.tasks import clean_errors, command
from briefexport.tasks import ns as briefexport_tasks


@command("develop", args="extra arguments for pytest, e.g. '-k memo -x'")
def test(c: Context, args: str = "") -> None:
    """Run the test suite, one pytest-xdist worker per core (a test file to one worker, so its
    module's rendered fixtures are made once; in conftest's order, the slow files first)."""
    xdist = "-n auto --dist loadfile --no-loadscope-reorder"
    c.run(f"{sys.executable} -m pytest {xdist} {args}", pty=False)


@command("develop")
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy."""
    python = sys.executable  # this environment's tools, whatever is first on PATH
    c.run(f"{python} -m ruff check src tests benchmarks tasks.py")
    c.run(f"{python} -m ruff format --check src tests benchmarks tasks.py")
    c.run(f"{python} -m mypy")
    c.run(f"{python} -m mypy --strict benchmarks/*.py")


@command(
    "develop",
    pairs="rounds of every comparison, each side in turn (default 7, the least saved)",
    save="write benchmarks/results/<date-time>.txt and regenerate the README's table",
)
def bench(c: Context, pairs: str = "7", save: bool = False) -> None:
    """Benchmark against Pandoc: cold, warm, daemon, no-op, batch, scale, memory (bench extra)."""
    with clean_errors():
        rounds = number("--pairs", pairs, int)
    c.run(f"{sys.executable} benchmarks/bench.py --pairs {rounds}" + " --save" * save, pty=False)


ns = Collection(*briefexport_tasks.tasks.values(), test, lint, bench)
ns.configure(briefexport_tasks.configuration())
