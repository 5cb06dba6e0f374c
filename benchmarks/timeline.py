"""Where a cold build's wall clock goes, process by process: a timeline of one ``invoke build``.

Runs ``invoke build --force`` for the bench's article in this process with the build's steps
wrapped to log a timestamp (seconds since the command started, process id) on entry and exit,
in the main process, the helper and the workers alike (forks inherit the wrappers), and the
moment the process really ends (after the interpreter's own teardown). Profilers sample; this
shows the waits between the steps, which is where the gap between the stages and the wall
clock was::

    python benchmarks/timeline.py > benchmarks/results/<date>-timeline.txt
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from probes import ROOT, WORK, user_env

from corpus import ARTICLE

STEPS = {
    "briefexport.build.plan": ("plan_article",),
    "briefexport.build.preload": ("prepare", "warm_up"),
    "briefexport.build.jobs": ("render_job",),
    "briefexport.build.pipeline": ("finish",),
    "briefexport.build.manifest": ("record",),
    "briefexport.weasy.hyphenation": ("parse", "install"),
}
"""The steps traced, by the module that defines them (every module importing one sees the
wrapper too)."""
LOG = WORK / "timeline.log"


def note(started: float, event: str) -> None:
    """Append one event to the log (every process appends to the same file): the wall clock
    since the command started and the CPU time the process has used (a fork starts at 0),
    which a loaded machine inflates far less than the wall clock."""
    with LOG.open("a") as stream:
        stream.write(
            f"{time.time() - started:7.3f}  {time.process_time():6.3f}  {os.getpid():>7}  {event}\n"
        )


def wrapped(started: float, name: str, function: Any) -> Any:
    """``function`` logging its entry and exit (with the job's format for render_job)."""

    @functools.wraps(function)
    def step(*args: Any, **kwargs: Any) -> Any:
        what = f"{name} {getattr(args[0], 'format', '')}".strip() if args else name
        note(started, f"> {what}")
        try:
            return function(*args, **kwargs)
        finally:
            note(started, f"< {what}")

    return step


def child(started: float) -> None:
    """The traced command, in this (fresh) process."""
    import importlib

    note(started, "interpreter up")
    os.register_at_fork(after_in_child=lambda: note(started, "forked"))
    import briefexport.build.pipeline  # noqa: F401  (every module of the build)

    for module, names in STEPS.items():
        loaded = importlib.import_module(module)
        for name in names:
            original = getattr(loaded, name)
            step = wrapped(started, name, original)
            for holder in list(sys.modules.values()):
                if getattr(holder, name, None) is original:
                    setattr(holder, name, step)
    from invoke.program import Program

    sys.path.insert(0, str(ROOT))
    import tasks

    note(started, "tasks loaded")
    out = WORK / "timeline"
    argv = ["invoke", "build", "--force", "--source", str(ARTICLE), "--out", str(out)]
    try:
        Program(namespace=tasks.ns).run(argv)
    finally:
        note(started, "command done; interpreter teardown")


def main() -> None:
    if len(sys.argv) > 1:
        child(float(sys.argv[1]))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    LOG.unlink(missing_ok=True)
    started = time.time()
    subprocess.run(
        ["python", str(Path(__file__)), str(started)],
        cwd=ROOT,
        env=user_env(),
        check=True,
        capture_output=True,
    )
    note(started, "process ended")
    print(f"load average {os.getloadavg()[0]:.2f}; seconds since the command started, CPU")
    print("seconds of the process, process id\n")
    print(LOG.read_text(), end="")


if __name__ == "__main__":
    main()
