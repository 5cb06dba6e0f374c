"""The instructions a cold build executes, process by process, which a machine shared with other
work does not change as it changes CPU seconds (``perf stat -e instructions`` where the machine
counts them; this one does not).

Runs the bench's cold command, ``invoke build --force`` for an article into a fresh folder,
under callgrind, which follows the forks: every process gets a file, and each forked worker's
count starts at its fork (``--zero-before=PyOS_AfterFork_Child``), so the counts add up to the
process tree's work and the first process's count is the build's longest path but its waits.
``--src`` measures another checkout's ``src`` (``git archive HEAD src | tar -x -C DIR``), for a
before/after pair::

    python benchmarks/cold_instructions.py [SOURCE] [--src DIR]

It takes about three minutes (callgrind runs Python some fifty times slower); the time budget
is lifted (``--time-budget 0``) so that nothing times out under it.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from probes import ROOT, user_env

from corpus import ARTICLE

TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.M)


def counts(folder: Path) -> dict[int, int]:
    """The instructions of each process, by process id, from callgrind's files in ``folder``."""
    found = {}
    for path in folder.glob("callgrind.*"):
        total = TOTAL.search(path.read_text(errors="replace"))
        found[int(path.suffix[1:])] = int(total[1]) if total else 0
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, nargs="?", default=ARTICLE)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the package's folder")
    args = parser.parse_args()
    # sys.executable as it is: resolving a virtual environment's link would name the base
    # interpreter, which has none of the environment's packages (a shim execs the real one,
    # so sys.executable is never a shim).
    python = Path(sys.executable).absolute()
    invoke = shutil.which("invoke", path=str(python.parent)) or "invoke"
    env = user_env() | {
        "PYTHONPATH": str(args.src.resolve()),
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": "1700000000",
    }
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--zero-before=PyOS_AfterFork_Child",
            f"--callgrind-out-file={folder}/callgrind.%p",
            str(python),
            invoke,
            "build",
            "--force",
            "--time-budget",
            "0",
            "--source",
            str(args.source.resolve()),
            "--out",
            str(folder / "out"),
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if process.wait():
            sys.exit(f"the build failed under callgrind: {shlex.join(command)}")
        found = counts(folder)
    first = found.pop(process.pid, 0)
    print(f"{args.source.name}, package {args.src}; load {os.getloadavg()[0]:.1f}")
    print(f"{first / 1e9:7.3f} G  the command's own process (its longest path)")
    for pid, count in sorted(found.items(), key=lambda item: -item[1]):
        print(f"{count / 1e9:7.3f} G  forked worker {pid}")
    print(f"{(first + sum(found.values())) / 1e9:7.3f} G  the process tree")


if __name__ == "__main__":
    main()
