"""What a page of the brief costs, stage by stage: one warm render of each source by the PDF
writer (as ``probes.pdf_probe`` times it), with how many times WeasyPrint made a page.

With ``--callgrind`` each source is rendered again under valgrind's callgrind, which counts
the instructions of that one warm render, stage by stage (a machine shared with other work
does not change these counts as it changes seconds)::

    PYTHONPATH=src python benchmarks/pagecost.py SOURCE... [--callgrind]

Without it the stages are CPU seconds (``time.process_time``), blurred by load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import weasyprint.document as documents
import weasyprint.layout.page as pagination

import briefexport.writers.pdf
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import writer

ROOT = Path(__file__).resolve().parent.parent
pdf: Any = briefexport.writers.pdf  # its names of the engine's layout and write_pdf
STAGES = ("html", "styles", "boxes", "pages", "checks", "PDF write", "rest")
"""In order: the brief's HTML; parsing it and cascading the styles; the box tree; the pages
laid out; the layout's checks (notes); WeasyPrint's PDF writing with the tags; the rest."""


class Stages:
    """Where a render is, and what each stage cost: callgrind dumps (its counters are zeroed
    at each dump) or CPU seconds."""

    def __init__(self, callgrind: bool) -> None:
        self.control = shutil.which("callgrind_control") if callgrind else None
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.made = {"make_page": 0, "remake_page": 0}
        self.started = time.process_time()

    def control_run(self, *args: str) -> None:
        if self.control:
            command = [self.control, *args, str(os.getpid())]
            subprocess.run(command, capture_output=True, check=True)

    def start(self) -> None:
        self.control_run("--instr=on")
        self.started = time.process_time()

    def end(self, stage: str) -> None:
        """The stage that ends here (its name tags the callgrind dump)."""
        self.seconds[stage] += time.process_time() - self.started
        self.control_run(f"--dump={stage}")
        self.started = time.process_time()

    def stop(self) -> None:
        self.end("rest")
        self.control_run("--instr=off")


@contextmanager
def patched(stages: Stages) -> Iterator[None]:
    """WeasyPrint and the writer with the stages' boundaries marked, while the generator runs."""
    layout, build = pdf.layout, documents.build_formatting_structure
    pages, make, remake = documents.layout_document, pagination.make_page, pagination.remake_page

    def laid(*args: Any, **kwargs: Any) -> Any:
        stages.end("html")
        result = layout(*args, **kwargs)
        stages.end("checks")
        return result

    def built(*args: Any) -> Any:
        stages.end("styles")
        result = build(*args)
        stages.end("boxes")
        return result

    def paginated(*args: Any) -> Iterator[Any]:
        yield from pages(*args)
        stages.end("pages")

    def counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            stages.made[name] += 1
            return function(*args)

        return call

    def written(*args: Any, **kwargs: Any) -> Any:
        result = write(*args, **kwargs)
        stages.end("PDF write")
        return result

    write = pdf.write_pdf
    pdf.layout, pdf.write_pdf = laid, written
    documents.build_formatting_structure, documents.layout_document = built, paginated
    pagination.make_page = counted("make_page", make)
    pagination.remake_page = counted("remake_page", remake)
    try:
        yield
    finally:
        pdf.layout, pdf.write_pdf = layout, write
        documents.build_formatting_structure, documents.layout_document = build, pages
        pagination.make_page, pagination.remake_page = make, remake


def measure(source: Path, callgrind: bool) -> None:
    """Render ``source`` once warm with the stages marked; print pages, layouts and seconds."""
    settings = Settings(project=ROOT)
    article = read_article(source, settings.styles)
    writer("pdf").render(article, settings)
    stages = Stages(callgrind)
    with patched(stages):
        stages.start()
        pages = writer("pdf").render(article, settings).pages
        stages.stop()
    made = ", ".join(f"{name} {count}" for name, count in stages.made.items())
    print(f"{source.name}: {pages} pages ({made})")
    if not callgrind:
        for stage, seconds in stages.seconds.items():
            print(f"  {stage:10} {seconds / pages * 1000:9.1f} ms/page")


def counts(prefix: Path) -> dict[str, int]:
    """Instructions per stage from the dumps ``prefix.N`` of one callgrind run."""
    totals = dict.fromkeys(STAGES, 0)
    for dump in prefix.parent.glob(f"{prefix.name}.*"):
        lines = dump.read_text(encoding="utf-8", errors="replace").splitlines()
        trigger = next(line for line in lines if line.startswith("desc: Trigger:"))
        summary = next(line for line in lines if line.startswith("summary:"))
        totals[trigger.removeprefix("desc: Trigger: dump ")] += int(summary.split()[1])
    return totals


def under_callgrind(source: Path) -> None:
    """Run this script on ``source`` under callgrind and print its instructions per page."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={prefix}",
            sys.executable,
            __file__,
            str(source),
            "--instrumented",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        print(done.stdout, end="")
        pages = int(done.stdout.split(": ", 1)[1].split()[0])
        totals = counts(prefix)
    for stage, instructions in totals.items():
        print(f"  {stage:10} {instructions / pages / 1e6:9.1f} M instructions/page")
    print(f"  {'total':10} {sum(totals.values()) / pages / 1e6:9.1f} M instructions/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sources", type=Path, nargs="+")
    parser.add_argument("--callgrind", action="store_true", help="count instructions")
    parser.add_argument("--instrumented", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for source in args.sources:
        if args.callgrind:
            under_callgrind(source)
        else:
            measure(source, args.instrumented)


if __name__ == "__main__":
    main()
