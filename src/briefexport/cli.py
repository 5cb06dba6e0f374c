"""The ``briefexport`` console script: the task collection under an Invoke ``Program`` that
shows our tasks and flags only, names our version, reads the project's ``invoke.yaml`` and
exits 2 on a usage error."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

from invoke.exceptions import Exit, ParseError
from invoke.parser.argument import Argument
from invoke.program import Program

from briefexport import __version__, cache_bytecode
from briefexport.settings import NUMBERS
from briefexport.tasks import USAGE, Grouped, ns

CORE = ("help", "version", "list", "complete", "print-completion-script")
"""Invoke's core flags that mean something here; the rest (--dry, --hide, --pty, --echo,
--warn-only, --prompt-for-sudo-password, ...) concern shell commands, which we do not run."""


class BriefexportProgram(Program):
    """Invoke's Program, trimmed to what briefexport means."""

    def core_args(self) -> list[Argument]:
        """Only the core flags that concern us."""
        return [arg for arg in super().core_args() if arg.name in CORE]

    @property
    def args(self) -> Any:
        """The parsed core flags, with Invoke's dropped ones present and unset (Invoke's own
        steps read them)."""
        flags = self.core[0].args
        for arg in Program.core_args(self):
            flags.setdefault(arg.name, arg)
        return flags

    def print_version(self) -> None:
        print(f"briefexport {__version__} (Invoke {version('invoke')})")

    def print_help(self) -> None:
        print(f"Usage: {self.binary} [--help] [--version] <task> [--task-options] ...")
        print(f"       {self.binary} <task> --help      the task's own options\n")
        self.list_tasks()
        print("Exit status: 0 ok, 1 an article or a check failed, 2 a usage or settings error.")

    def print_task_help(self, name: str) -> None:
        """The task's first docstring line and its own options, nothing else."""
        print(f"Usage: {self.binary} {name} [--options]\n")
        print(f"{self.leading_indent}{self.task(name).summary}\n")
        print("Options:")
        numbers = {f"--{flag.replace('_', '-')}=STRING" for flag in NUMBERS}
        self.print_columns(
            [
                (flags.replace("=STRING", "=NUMBER") if flags in numbers else flags, text)
                for flags, text in self.parser.contexts[name].help_tuples()
            ]
        )

    def list_flat(self) -> None:
        """Tasks under a heading per group, each with the first line of its docstring."""
        tasks = {name: self.task(name) for name in self.collection.tasks}
        for group in dict.fromkeys(task.group for task in tasks.values()):
            print(f"{group.capitalize()}:")
            self.print_columns([(n, t.summary) for n, t in tasks.items() if t.group == group])

    def task(self, name: str) -> Grouped:
        """A task of the collection: each is :class:`Grouped` (``briefexport.tasks.command``)."""
        task: Grouped = self.collection[name]
        return task

    def update_config(self, merge: bool = True) -> None:
        """Invoke's steps, then the nearest ``invoke.yaml`` at or above the current folder
        (Invoke itself loads the one beside ``tasks.py``, which a project run with
        ``briefexport`` need not have)."""
        here = Path.cwd().resolve()
        folder = next((f for f in (here, *here.parents) if (f / "invoke.yaml").is_file()), None)
        if folder is not None:
            self.config.set_project_location(str(folder))
            self.config.load_project(merge=False)
        super().update_config(merge)

    def parse_core(self, argv: list[str] | None) -> None:
        """``briefexport TASK ... --help`` becomes ``briefexport --help TASK``, so a task's help
        is shown even where Invoke's parser would take ``--help`` as a positional value."""
        words = list(sys.argv if argv is None else argv)
        if len(words) > 1 and not words[1].startswith("-") and {"--help", "-h"} & {*words[2:]}:
            words = [words[0], "--help", words[1]]
        with usage_errors():
            super().parse_core(words)
        cache_bytecode()  # Invoke's parse_core turned it off; the collection is loaded already

    def parse_tasks(self) -> None:
        with usage_errors():
            super().parse_tasks()

    def parse_cleanup(self) -> None:
        with usage_errors():
            super().parse_cleanup()


@contextmanager
def usage_errors() -> Iterator[None]:
    """An unknown task or flag, or a missing value, exits 2 (Invoke's own exit status is 1)."""
    try:
        yield
    except ParseError as exc:
        raise Exit(f"error: {exc} (briefexport --help lists the tasks)", code=USAGE) from None


def main(argv: Sequence[str] | None = None) -> None:
    """The ``briefexport`` console script; a reader that stops reading (``| head``) ends it
    quietly, as the Python documentation's SIGPIPE recipe does."""
    try:
        BriefexportProgram(
            namespace=ns, name="briefexport", binary="briefexport", version=__version__
        ).run(list(argv) if argv is not None else sys.argv)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
