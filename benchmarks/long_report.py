"""Issue 18's measures: a 40-page report with a table of contents, 10 figures and 10 tables,
all captioned, numbered and referenced. Prints the PDF writer's seconds per page against the
plain article's (the ``invoke bench`` scale row, interleaved the same way) and the memo's
warm seconds. ``--plain`` measures instead the plain generated report of the same length (no
contents, figures or tables), the document the scale row built until 2026-12-01.
Run: ``python benchmarks/long_report.py [--runs N] [--plain]``."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench import scale_rounds
from probes import ROOT, WORK

from corpus import REPORT_PAGES, generate, long_report


def pages_made(source: Path) -> tuple[int, int]:
    """The pages of the brief, and how many pages WeasyPrint made (laid out) for them: more
    than one layout's worth when the contents' page numbers or floats lay pages out again."""
    import weasyprint.layout.page as pagination

    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.writers import writer

    upstream, made = pagination.make_page, []

    def counted(*args: object) -> object:
        made.append(1)
        return upstream(*args)

    pagination.make_page = counted
    try:
        pages = writer("pdf").render(read_article(source), Settings(project=ROOT)).pages
    finally:
        pagination.make_page = upstream
    return pages, len(made)


def memo_seconds(source: Path, runs: int) -> list[float]:
    """The memo writer's seconds on ``source``, warm (after one untimed run)."""
    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.writers import writer

    settings, article = Settings(project=ROOT), read_article(source)
    writer("memo").render(article, settings)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        writer("memo").render(article, settings)
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plain", action="store_true", help="the plain generated report")
    arguments = parser.parse_args()
    runs = arguments.runs
    from briefexport.source.reader import read_article

    if arguments.plain:
        [source] = generate(WORK / "plain-report", 1, lambda _: REPORT_PAGES, 11).glob("*.md")
    else:
        source = long_report(WORK / "long-report")
    article = read_article(source)
    pages, made = pages_made(source)
    print(
        f"report: {pages} pages ({made} laid out), {len(article.crossrefs.references)} references"
    )
    scale = scale_rounds(runs, source, pages)
    for name, sample in scale.samples.items():
        print(
            f"{name}: {sample.median:.3f} s/page (min {min(sample.values):.3f}, max "
            f"{max(sample.values):.3f})"
        )
    ratio = scale.ratio("report", "article").spread(digits=2)
    print(f"ratio: {ratio}x (target <= 1.2x), {scale.load}")
    memo = memo_seconds(source, runs)
    print(f"memo, warm: {statistics.median(memo):.2f} s (min {min(memo):.2f}, max {max(memo):.2f})")


if __name__ == "__main__":
    main()
