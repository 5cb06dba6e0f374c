"""Resource bounds of issue 6: a long source builds in memory under 1 GB, in time linear in pages.

Generates sources of 50, 100 and 200 pages (the bench's realistic prose: sections, lists,
quotes, tables, footnotes), builds each with ``invoke build --force`` (all three outputs) in a
fresh process, and reports wall time, seconds per page and the peak resident memory of the
whole process tree. Exits non-zero when a build goes over 1 GB or the time per page grows by
more than a quarter from one size to the next (linear time keeps it level).

    python benchmarks/bounds.py [--pages 50 100 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from corpus import Writer
from probes import invoke, run
from pypdf import PdfReader

LIMIT = 1024**3
GROWTH = 1.25
"""Most the seconds per page may grow by from one size to the next."""


@dataclass(frozen=True)
class Row:
    """One build: the pages asked for and made, its wall time and peak memory."""

    asked: int
    pages: int
    seconds: float
    peak: int

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages

    def __str__(self) -> str:
        return (
            f"{self.asked:>6} {self.pages:>6} {self.seconds:>8.1f} {self.per_page:>7.2f}"
            f" {self.peak / 2**20:>8.0f}"
        )


def measure(pages: int, work: Path) -> Row:
    """Generate and build one source of about ``pages`` pages."""
    source = work / f"long-{pages}.md"
    source.write_text(Writer(seed=pages).article(f"A {pages}-page brief", pages), encoding="utf-8")
    out = work / "out"
    build = run(invoke("build", "--force", "--source", source, "--out", out), sample_memory=True)
    made = len(PdfReader(out / source.stem / f"{source.stem}.pdf").pages)
    return Row(pages, made, build.seconds, build.peak)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 100, 200])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="briefexport-bounds-") as work:
        rows = [measure(pages, Path(work)) for pages in args.pages]
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    print(f"{'asked':>6} {'pages':>6} {'seconds':>8} {'s/page':>7} {'peak MB':>8}")
    print(*rows, sep="\n")
    missed = [f"{r.asked} pages peaked at {r.peak / 2**20:.0f} MB" for r in rows if r.peak > LIMIT]
    for small, large in pairwise(rows):
        growth = large.per_page / small.per_page
        print(f"{small.asked} -> {large.asked} pages: seconds per page x{growth:.2f}")
        if growth > GROWTH:
            missed.append(f"seconds per page grew x{growth:.2f} to {large.asked} pages")
    print(*(f"missed: {m}" for m in missed), sep="\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
