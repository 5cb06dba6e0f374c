"""What footnotes cost the PDF writer: one warm render of a source, with the footnote area laid
out note by note (weasy.noteareas.laid_out_notes) or, with ``--whole-area``, laid out whole
again at every note as upstream WeasyPrint does; ``--format memo`` renders the memo instead.
Prints the CPU seconds (min of ``--runs``).

Under callgrind it counts the instructions of one warm render only, which a machine shared
with other work does not blur (instrumentation is switched on around that render)::

    PYTHONPATH=src valgrind --tool=callgrind --instr-atstart=no \\
        python benchmarks/footnotes.py SOURCE [--whole-area] [--format memo]

(``python`` must be the interpreter itself, not a pyenv shim).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from pathlib import Path

from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy import noteareas
from briefexport.writers import writer

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    parser.add_argument("--whole-area", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--format", default="pdf", help="the output rendered (default: pdf)")
    args = parser.parse_args()
    if args.whole_area:
        noteareas.unobstructed = lambda context: False  # never reuse a note laid out before
    settings = Settings(project=ROOT)
    article = read_article(args.source, settings.styles)
    pages = writer(args.format).render(article, settings).pages  # warm
    control = (
        shutil.which("callgrind_control")
        if "valgrind" in os.environ.get("LD_PRELOAD", "")
        else None
    )
    seconds = []
    for _ in range(args.runs):
        if control:
            subprocess.run(
                [control, "-i", "on", str(os.getpid())], capture_output=True, check=False
            )
        started = time.process_time()
        writer(args.format).render(article, settings)
        seconds.append(time.process_time() - started)
        if control:
            subprocess.run(
                [control, "-i", "off", str(os.getpid())], capture_output=True, check=False
            )
    area = "whole area at each note" if args.whole_area else "note by note"
    print(
        f"{args.source.name} {args.format}: {pages} pages, {area}: {min(seconds):.3f} s CPU "
        f"(min of {args.runs}), load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
