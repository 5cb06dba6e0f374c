"""Where a no-op ``invoke build`` spends its time: pyinstrument over the whole command.

Run it from the project root after a build, so that nothing is stale::

    python benchmarks/profile_noop.py > benchmarks/results/<date>-noop-profile.txt
"""

from __future__ import annotations

import contextlib
import io
import runpy
import sys

from pyinstrument import Profiler


def main() -> None:
    sys.argv = ["invoke", "build"]
    profiler = Profiler(interval=0.0005)
    with profiler, contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        runpy.run_module("invoke", run_name="__main__")
    print(profiler.output_text(show_all=False, unicode=True, color=False))


if __name__ == "__main__":
    main()
