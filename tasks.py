"""Project tasks: the briefexport collection plus the developers' own (test, lint)."""

from __future__ import annotations

from invoke.collection import Collection
from invoke.context import Context
from invoke.tasks import task

from briefexport.tasks import ns as briefexport_tasks


@task(help={"args": "extra arguments for pytest, e.g. '-k memo -x'"})
def test(c: Context, args: str = "") -> None:
    """Run the test suite."""
    c.run(f"python -m pytest {args}", pty=False)


@task
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy."""
    c.run("ruff check src tests tasks.py")
    c.run("ruff format --check src tests tasks.py")
    c.run("mypy")


ns = Collection(*briefexport_tasks.tasks.values(), test, lint)
ns.configure(briefexport_tasks.configuration())
