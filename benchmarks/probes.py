"""What the bench measures: commands run as a user runs them, generated inputs, in-process probes.

Every command is one line handed to ``sh -c`` with the user's own environment, so ``invoke``,
Pandoc's ``weasyprint`` and ``python`` are whatever a shell finds on ``PATH`` (version-manager
shims included, for both sides). Two changes, the same for every command: ``PYTHONPATH`` puts
this checkout's ``src`` first (as an editable install of it would), and
``PYTHONDONTWRITEBYTECODE`` is dropped, so Python caches bytecode as it does on any machine.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from corpus import ARTICLE

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # the in-process probes measure this checkout too
WORK = ROOT / "benchmarks" / "work"
SAMPLE_EVERY = 0.005
"""Seconds between two samples of a process tree's memory."""
EDITS = ("lightning-speed", "lightning-fast")
"""The one-word edit of the warm rebuild, toggled between runs."""
STAGES = ("imports", "read", "template", "layout", "PDF write", "DOCX write", "summary fitting")

Probe = Callable[[], float]
"""One measurement: it does the work once and returns the seconds it took."""


def user_env() -> dict[str, str]:
    """The environment of every command: the user's, this checkout first, bytecode cached."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    )
    return env


def which(program: str) -> str:
    """Where a shell with :func:`user_env` finds ``program``."""
    return shutil.which(program, path=user_env()["PATH"]) or f"{program} (not found)"


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


@dataclass(frozen=True)
class Run:
    """One command: its wall time, the peak resident memory of its process tree and the CPU
    time its processes used (all of them, each reaped by its parent), which a loaded machine
    inflates far less than the wall clock."""

    seconds: float
    peak: int
    cpu: float = 0.0


def children_cpu() -> float:
    """CPU seconds used so far by this process's reaped descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(line: str, cwd: Path = ROOT, *, sample_memory: bool = False) -> Run:
    """Run a shell command line to completion; fail loudly if it fails."""
    cpu = children_cpu()
    started = time.perf_counter()
    process = psutil.Popen(
        ["sh", "-c", line],
        cwd=cwd,
        env=user_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    if sample_memory:
        stderr: list[bytes] = []
        reader = threading.Thread(target=lambda: stderr.append(process.stderr.read()))
        reader.start()
        while process.poll() is None:
            peak = max(peak, tree_rss(process))
            time.sleep(SAMPLE_EVERY)
        reader.join()
        error = b"".join(stderr)
    else:
        error = process.communicate()[1]
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{line} failed:\n{error.decode(errors='replace')}")
    return Run(seconds, peak, children_cpu() - cpu)


def invoke(*args: str | Path | int) -> str:
    """An ``invoke`` command line, as typed in a shell."""
    return shlex.join(["invoke", *map(str, args)])


def pandoc_line(source: Path, out: Path) -> str:
    """Pandoc's two commands for the same source, DOCX then PDF through WeasyPrint, as typed in
    a shell (the wheel's binary: the pypandoc-binary wheel puts none on ``PATH``)."""
    import pypandoc

    binary = shlex.quote(pypandoc.get_pandoc_path())
    name, docx, pdf = (shlex.quote(str(p)) for p in (source.name, out / "a.docx", out / "a.pdf"))
    return f"{binary} {name} -o {docx} && {binary} {name} --pdf-engine=weasyprint -o {pdf}"


def edit(source: Path) -> None:
    """The one-word edit of a warm rebuild, toggled."""
    text = source.read_text(encoding="utf-8")
    old, new = EDITS if EDITS[0] in text else EDITS[::-1]
    source.write_text(text.replace(old, new, 1), encoding="utf-8")


# In-process measurements ---------------------------------------------------------------------


@contextmanager
def timer(into: list[float]) -> Iterator[None]:
    """Append the seconds spent in the block to ``into``."""
    started = time.perf_counter()
    yield
    into.append(time.perf_counter() - started)


COLD_BRIEF = """
import sys
from briefexport.build.preload import sonames_only
with sonames_only():
    from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
html, base, *sheets = sys.argv[1:]
fonts = FontConfiguration()
document = HTML(filename=html, base_url=base).render(
    stylesheets=[CSS(filename=name, font_config=fonts) for name in sheets],
    font_config=fonts,
    pdf_tags=True,
)
document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
"""
"""A fresh Python that imports WeasyPrint as the build does and lays out and writes the brief."""


def cold_brief_probe(source: Path, folder: Path) -> Probe:
    """The brief alone, cold: the least any fresh WeasyPrint process producing it must do."""
    from briefexport.brand import load_brand
    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.writers.pdf import PdfWriter

    settings = Settings(project=ROOT)
    article = read_article(source)
    folder.mkdir(parents=True, exist_ok=True)
    html, brand = folder / "brief.html", folder / "brand.css"
    html.write_text(PdfWriter().html(article, settings).html, encoding="utf-8")
    width, height = settings.page_size
    brand.write_text(
        load_brand(settings.brand_file).css() + f"@page {{ size: {width} {height}; }}",
        encoding="utf-8",
    )
    sheets = [str(brand), *(str(settings.style(name)) for name in PdfWriter.format.styles)]
    base = article.folder.resolve().as_uri() + "/"
    command = shlex.join(["python", "-c", COLD_BRIEF, str(html), base, *sheets])
    return lambda: run(command).seconds


def floor_probe(source: Path) -> Probe:
    """WeasyPrint alone: lay out and write the article's and the summary's HTML, warm."""
    from weasyprint import HTML

    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.weasy.engine import FONTS, page_css, stylesheets
    from briefexport.writers.pdf import PdfWriter
    from briefexport.writers.summary.writer import SummaryWriter, density_css

    settings = Settings(project=ROOT)
    article = read_article(source)
    summary = SummaryWriter()
    jobs = [
        (
            PdfWriter().html(article, settings).html,
            (*stylesheets(settings, PdfWriter.format.styles), page_css(article, settings)),
        ),
        (
            summary.html(article, settings),
            (
                *stylesheets(settings, summary.format.styles),
                density_css(summary.fit(article, settings).density),
            ),
        ),
    ]
    base = article.folder.resolve().as_uri() + "/"

    def once() -> float:
        started = time.perf_counter()
        for html, sheets in jobs:
            document = HTML(string=html, base_url=base).render(
                stylesheets=list(sheets), font_config=FONTS, pdf_tags=True
            )
            document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
        return time.perf_counter() - started

    return once


def warm_probe(folder: Path, out: Path) -> Probe:
    """The watch path: a one-word edit and the rebuild of all three outputs, in this process."""
    from briefexport.build.results import BuildReport
    from briefexport.commands.watch import Rebuilds
    from briefexport.settings import Settings

    reports: list[BuildReport] = []
    [source] = folder.glob("*.md")
    formats = ["pdf", "memo", "summary"]
    session = Rebuilds(
        folder, out, Settings(project=ROOT), formats, 0, lambda report, _: reports.append(report)
    )
    session.run()

    def once() -> float:
        started = time.perf_counter()
        edit(source)
        session.after_change()
        seconds = time.perf_counter() - started
        result = reports[-1].results[0]
        if not reports[-1].ok or sum(o.built for o in result.outputs) != len(formats):
            raise SystemExit(f"warm rebuild did not rebuild everything: {result}")
        return seconds

    return once


def pdf_probe(source: Path, pages: int) -> Probe:
    """Seconds per page of the PDF writer alone in this (warm) process, rendering the brief
    as many times as it takes to lay out at least ``pages`` pages (short briefs time badly)."""
    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.writers import writer

    settings = Settings(project=ROOT)
    article = read_article(source)
    brief = writer("pdf").render(article, settings).pages
    times = -(-pages // brief)

    def once() -> float:
        started = time.perf_counter()
        for _ in range(times):
            writer("pdf").render(article, settings)
        return (time.perf_counter() - started) / (times * brief)

    return once


def words_per_page(pdf: Path) -> float:
    """Words per page of a built PDF, read back with pypdf: how much text a page carries."""
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    return sum(len(page.extract_text().split()) for page in pages) / len(pages)


def stages() -> dict[str, float]:
    """The cold build's stages one after another in this fresh process (``--stages``)."""
    spent: dict[str, list[float]] = {name: [] for name in STAGES}
    with timer(spent["imports"]):
        from briefexport.build.preload import sonames_only

        with sonames_only():
            import briefexport.weasy.engine  # noqa: F401  (WeasyPrint, as the build imports it)
        from briefexport.settings import Settings
        from briefexport.source.reader import read_article
        from briefexport.weasy.engine import layout, stylesheets, write_pdf
        from briefexport.writers.memo.writer import MemoWriter
        from briefexport.writers.pdf import PdfWriter
        from briefexport.writers.summary.writer import SummaryWriter
    settings = Settings(project=ROOT)
    with timer(spent["read"]):
        article = read_article(ARTICLE)
    brief, summary = PdfWriter(), SummaryWriter()
    with timer(spent["template"]):
        html = brief.html(article, settings).html
        summary.html(article, settings)
    with timer(spent["layout"]):
        sheets = stylesheets(settings, brief.format.styles)
        document = layout(html, article, settings, sheets).document
    with timer(spent["PDF write"]):
        write_pdf(document, article, brief.variant)
    with timer(spent["DOCX write"]):
        MemoWriter().render(article, settings)
    with timer(spent["summary fitting"]):
        fit = summary.fit(article, settings)
    with timer(spent["PDF write"]):
        write_pdf(fit.document, article, summary.variant)
    return {name: sum(values) for name, values in spent.items()}


# The daemon ----------------------------------------------------------------------------------


@contextmanager
def daemon(out: Path) -> Iterator[Path | None]:
    """``invoke serve --out OUT`` started from a shell, until the block ends; yields its log
    (None for a checkout that has no daemon: the bench of an older version)."""
    if not (ROOT / "src" / "briefexport" / "commands" / "serve.py").exists():
        yield None
        return
    log = out.parent / "serve.log"
    out.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as stream:
        process = subprocess.Popen(
            ["sh", "-c", f"exec {invoke('serve', '--out', out)}"],
            cwd=ROOT,
            env=user_env(),
            stdout=stream,
            stderr=stream,
        )
    try:
        deadline = time.monotonic() + 120
        while b"serving" not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"invoke serve did not start:\n{log.read_text()}")
            time.sleep(0.05)
        yield log
    finally:
        process.terminate()
        process.wait(30)


def daemon_probe(folder: Path, out: Path, log: Path, cpu: list[float]) -> Probe:
    """``invoke build`` handed to the daemon: from the one-word edit to the command's end; the
    client's CPU time (user + system, its process tree) appended to ``cpu``."""
    [source] = folder.glob("*.md")
    command = invoke("build", "--source", source, "--out", out)

    def once() -> float:
        served = log.read_text().count("served: ")
        started = time.perf_counter()
        edit(source)
        done = run(command)
        seconds = time.perf_counter() - started
        cpu.append(done.cpu)
        if log.read_text().count("served: ") != served + 1:
            raise SystemExit(f"the daemon did not serve the build:\n{log.read_text()}")
        return seconds

    return once


def pdf_pages(out: Path) -> dict[str, int]:
    """Pages of each built brief PDF, from the build manifest."""
    manifest = json.loads((out / ".briefexport-manifest.json").read_text(encoding="utf-8"))
    return {
        key: int(value["pages"])
        for key, value in manifest["outputs"].items()
        if key.endswith(".pdf") and not key.endswith(("-summary.pdf", "-press.pdf"))
    }
