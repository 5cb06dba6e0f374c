"""The benchmark of issue 7: briefexport against Pandoc, as ratios measured in one run.

``invoke bench`` runs this script. Every figure is the median of ``--runs`` runs (at least 5)
with the minimum and maximum; one table, each target marked met or missed. Generated inputs go
to ``benchmarks/work/`` (git-ignored); ``--save`` also writes the table to
``benchmarks/results/<date>.txt``.

Subprocesses run the real interpreter (``sys.executable -m invoke``), not a version manager's
shim, and may cache bytecode as Python does on any machine (``PYTHONDONTWRITEBYTECODE`` is
dropped), so the figures are the project's and not the environment's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil
import pypandoc

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results"
ARTICLE = ROOT / "source" / "kazakhstan-crisis-central-asia-policy-reboot.md"
MIB = 1024 * 1024
SAMPLE_EVERY = 0.005
"""Seconds between two samples of a process tree's memory."""
BATCH = 40
REPORT_PAGES = 40
WORDS_PER_PAGE = 560
"""Body words that fill about one page of the brief (measured on generated text)."""
EDITS = ("lightning-speed", "lightning-fast")
"""The one-word edit of the warm rebuild, toggled between runs."""
STAGES = ("imports", "read", "template", "layout", "PDF write", "DOCX write", "summary fitting")


@dataclass(frozen=True)
class Sample:
    """Repeated measurements of one figure."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self, unit: str, scale: float = 1.0) -> tuple[str, str, str]:
        """Median, min and max formatted in ``unit`` after dividing by ``scale``."""
        digits = 0 if unit == "MiB" else 3
        median, low, high = (
            f"{v / scale:.{digits}f}" for v in (self.median, min(self.values), max(self.values))
        )
        return median, low, high


@dataclass(frozen=True)
class Target:
    """A ratio and its limit: ``at most`` (times, MiB) unless ``at_least``."""

    ratio: float
    limit: float
    against: str
    at_least: bool = False

    @property
    def met(self) -> bool:
        return self.ratio >= self.limit if self.at_least else self.ratio <= self.limit

    def text(self) -> str:
        sign = "≥" if self.at_least else "≤"
        if self.against == "MiB":
            return f"{sign} {self.limit:.0f} MiB  {'met' if self.met else 'MISSED'}"
        return (
            f"{self.ratio:.2f}× {self.against} (target {sign} {self.limit:g}×)  "
            f"{'met' if self.met else 'MISSED'}"
        )


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    label: str
    sample: Sample
    unit: str = "s"
    targets: tuple[Target, ...] = ()
    note: str = ""


Probe = Callable[[], float]
"""One measurement: it does the work once and returns the seconds it took."""


def interleaved(runs: int, probes: dict[str, Probe]) -> dict[str, Sample]:
    """Each probe once to warm up, then ``runs`` rounds of every probe in turn, so that the
    figures compared in a ratio see the same moments of a noisy machine."""
    for probe in probes.values():
        probe()
    values: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(runs):
        for name, probe in probes.items():
            values[name].append(probe())
    return {name: Sample(tuple(v)) for name, v in values.items()}


def child_env() -> dict[str, str]:
    """The environment of every subprocess: this interpreter first on PATH, bytecode cached."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


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
    """One subprocess: its wall time and the peak resident memory of its process tree."""

    seconds: float
    peak: int


def run(command: Sequence[str], cwd: Path = ROOT, *, sample_memory: bool = False) -> Run:
    """Run ``command`` to completion; fail loudly if it fails."""
    started = time.perf_counter()
    process = psutil.Popen(
        list(command),
        cwd=cwd,
        env=child_env(),
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
        raise SystemExit(f"{' '.join(command)} failed:\n{error.decode(errors='replace')}")
    return Run(seconds, peak)


def invoke(*args: str | Path | int) -> list[str]:
    """An ``invoke`` command line in the project, under this interpreter."""
    return [sys.executable, "-m", "invoke", *map(str, args)]


# Generated inputs ----------------------------------------------------------------------------


def vocabulary() -> list[str]:
    """Words of the Kazakhstan article's body, for realistic word and sentence lengths."""
    body = ARTICLE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return re.findall(r"[A-Za-z][A-Za-z'’-]*", body)


class Writer:
    """Plausible policy prose from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.words = vocabulary()

    def sentence(self, low: int = 8, high: int = 26) -> str:
        words = self.random.choices(self.words, k=self.random.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, words: int) -> str:
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            sentences.append(self.sentence())
        return " ".join(sentences)

    def article(self, title: str, pages: int) -> str:
        """A source of about ``pages`` pages: sections, footnotes, a list, a quote, a table."""
        quote = '"'
        summary = (
            f"summary:\n  bottom-line: {quote}{self.sentence(20, 30)}{quote}\n  key-points:\n"
            + "".join(f"    - {quote}{self.sentence(12, 22)}{quote}\n" for _ in range(4))
            + "  recommendations:\n"
            + "".join(f"    - {quote}{self.sentence(10, 18)}{quote}\n" for _ in range(3))
        )
        parts = [
            f"---\ntitle: {quote}{title}{quote}\ndate: 2024-03-{self.random.randint(10, 28)}\n"
            f"author: A. Researcher\npublisher: American Foreign Policy Council\n"
            f"{summary}memo:\n  to: Distribution\n---\n"
        ]
        notes: list[str] = []
        budget = pages * WORDS_PER_PAGE - 250
        blocks = 0
        while budget > 0:
            if blocks % 6 == 0:
                parts.append(f"## {self.sentence(3, 6)[:-1]}")
            blocks += 1
            kind = self.random.random()
            if kind < 0.08:
                items = [self.sentence(6, 14) for _ in range(4)]
                parts.append("\n".join(f"- {item}" for item in items))
                budget -= sum(len(i.split()) for i in items)
            elif kind < 0.12:
                text = self.paragraph(40)
                parts.append(f"> {text}")
                budget -= len(text.split())
            elif kind < 0.14:
                rows = [
                    f"| {self.sentence(1, 3)} | {self.random.randint(1, 999)} |" for _ in range(5)
                ]
                parts.append("| Item | Value |\n|:--|--:|\n" + "\n".join(rows))
                budget -= 30
            else:
                text = self.paragraph(self.random.randint(60, 140))
                if self.random.random() < 0.3:
                    notes.append(self.sentence(8, 20))
                    text += f"[^{len(notes)}]"
                parts.append(text)
                budget -= len(text.split())
        parts += [f"[^{n}]: {note}" for n, note in enumerate(notes, 1)]
        return "\n\n".join(parts) + "\n"


def generate(folder: Path, count: int, pages: Callable[[int], int], seed: int) -> Path:
    """``count`` sources in a fresh ``folder``; article ``i`` has about ``pages(i)`` pages."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    writer = Writer(seed)
    for number in range(count):
        title = f"Generated brief {number + 1}: {writer.sentence(3, 7)[:-1]}"
        (folder / f"brief-{number + 1:02d}.md").write_text(
            writer.article(title, pages(number)), encoding="utf-8"
        )
    return folder


def pdf_pages(out: Path) -> dict[str, int]:
    """Pages of each built brief PDF, from the build manifest."""
    manifest = json.loads((out / ".briefexport-manifest.json").read_text(encoding="utf-8"))
    return {
        key: int(value["pages"])
        for key, value in manifest["outputs"].items()
        if key.endswith(".pdf") and not key.endswith(("-summary.pdf", "-press.pdf"))
    }


# In-process measurements ---------------------------------------------------------------------


@contextmanager
def timer(into: list[float]) -> Iterator[None]:
    """Append the seconds spent in the block to ``into``."""
    started = time.perf_counter()
    yield
    into.append(time.perf_counter() - started)


COLD_BRIEF = """
import sys
from briefexport.build.pipeline import sonames_only
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
    html.write_text(PdfWriter().html(article, settings, []), encoding="utf-8")
    width, height = settings.page_size
    brand.write_text(
        load_brand(settings.brand_file).css() + f"@page {{ size: {width} {height}; }}",
        encoding="utf-8",
    )
    sheets = [str(brand), *(str(settings.style(name)) for name in PdfWriter.format.styles)]
    base = article.folder.resolve().as_uri() + "/"
    command = [sys.executable, "-c", COLD_BRIEF, str(html), base, *sheets]
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
            PdfWriter().html(article, settings, []),
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
    """The watch path: one rebuild of all three outputs after a one-word edit, in this process."""
    from briefexport.build.pipeline import BuildReport
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
        text = source.read_text(encoding="utf-8")
        old, new = EDITS if EDITS[0] in text else EDITS[::-1]
        source.write_text(text.replace(old, new, 1), encoding="utf-8")
        started = time.perf_counter()
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
        from briefexport.build.pipeline import sonames_only

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
        html = brief.html(article, settings, [])
        summary.html(article, settings)
    with timer(spent["layout"]):
        sheets = stylesheets(settings, brief.format.styles)
        document = layout(html, article, settings, sheets, [])
    with timer(spent["PDF write"]):
        write_pdf(document, article, brief.variant)
    with timer(spent["DOCX write"]):
        MemoWriter().render(article, settings)
    with timer(spent["summary fitting"]):
        fit = summary.fit(article, settings)
    with timer(spent["PDF write"]):
        write_pdf(fit.document, article, summary.variant)
    return {name: sum(values) for name, values in spent.items()}


# The table -----------------------------------------------------------------------------------


def machine() -> str:
    """CPU, cores, Python, WeasyPrint and Pandoc versions."""
    import weasyprint

    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return (
        f"{os.cpu_count()} × {model}, Python {platform.python_version()}, "
        f"WeasyPrint {weasyprint.__version__}, Pandoc {pypandoc.get_pandoc_version()}"
    )


def table(rows: Sequence[Row], runs: int, conditions: str) -> str:
    """The rows as fixed-width text, under a header naming the machine and its load."""
    head = ("figure", "median", "min", "max", "", "ratio and target")
    lines = [
        [row.label, *row.sample.spread(row.unit, MIB if row.unit == "MiB" else 1.0), row.unit]
        for row in rows
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(head, *lines, strict=False)]
    out = [
        f"briefexport benchmark, {date.today().isoformat()}: median of {runs} runs [min, max]"
        + ("" if runs >= 5 else " (fewer than 5 runs: a trial, not a result)"),
        f"machine: {machine()}",
        conditions,
        "",
    ]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i in (0, 4) else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths[:5], strict=False))
        )

    out.append(fmt(head[:5]) + "  " + head[5])
    for row, cells in zip(rows, lines, strict=True):
        targets = [t.text() for t in row.targets] or [row.note]
        out.append(fmt(cells) + "  " + targets[0])
        out += [fmt(["", "", "", "", ""]) + "  " + t for t in targets[1:]]
        if row.targets and row.note:
            out.append(fmt(["", "", "", "", ""]) + "  " + row.note)
    met = sum(t.met for row in rows for t in row.targets)
    total = sum(len(row.targets) for row in rows)
    out += ["", f"targets met: {met} of {total}"]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (at least 5)")
    parser.add_argument("--save", action="store_true", help="also write benchmarks/results/")
    parser.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages:
        print(json.dumps(stages()))
        return
    if args.runs < 1 or (args.save and args.runs < 5):
        parser.error("--runs must be at least 1, and at least 5 for a saved result")
    started, load = time.monotonic(), os.getloadavg()[0]
    rows = measure(args.runs)
    conditions = (
        f"load average (1 min) {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; "
        f"the bench took {(time.monotonic() - started) / 60:.0f} min"
    )
    text = table(rows, args.runs, conditions)
    print(text)
    if args.save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{date.today().isoformat()}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        print(f"saved {path.relative_to(ROOT)}", file=sys.stderr)


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def measure(runs: int) -> list[Row]:
    """Every figure of the table, in one run of the bench."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    cold_out = WORK / "cold"
    cold_command = invoke("build", "--force", "--source", ARTICLE, "--out", cold_out)
    noop_command = invoke("build", "--source", ARTICLE, "--out", cold_out)
    pandoc_out = WORK / "pandoc"
    pandoc_out.mkdir()

    def pandoc() -> float:
        """The same source to DOCX, then to PDF through WeasyPrint, back to back."""
        binary = pypandoc.get_pandoc_path()
        return sum(
            run(
                [binary, str(ARTICLE), *flags, "-o", str(pandoc_out / name)], ARTICLE.parent
            ).seconds
            for name, flags in (("article.docx", []), ("article.pdf", ["--pdf-engine=weasyprint"]))
        )

    progress("cold builds, no-op builds, Pandoc, invoke --list and the brief alone, in turn")
    fresh = interleaved(
        runs,
        {
            "cold": lambda: run(cold_command).seconds,
            "no-op": lambda: run(noop_command).seconds,
            "pandoc": pandoc,
            "invoke": lambda: run(invoke("--version")).seconds,
            "list": lambda: run(invoke("--list")).seconds,
            "brief": cold_brief_probe(ARTICLE, WORK / "cold-brief"),
        },
    )
    cold, noop, pandoc_time = fresh["cold"], fresh["no-op"], fresh["pandoc"]
    article_pages = sum(pdf_pages(cold_out).values())

    progress("warm rebuilds and the WeasyPrint floor, in turn")
    warm_folder = WORK / "warm" / "source"
    warm_folder.mkdir(parents=True)
    shutil.copy2(ARTICLE, warm_folder)
    in_process = interleaved(
        runs,
        {"warm": warm_probe(warm_folder, WORK / "warm" / "out"), "floor": floor_probe(ARTICLE)},
    )
    warm_time, floor_time = in_process["warm"], in_process["floor"]

    progress("stages of the cold build")
    stage_runs = [
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--stages"],
                cwd=ROOT,
                env=child_env(),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(runs)
    ]

    progress(f"generating {BATCH} articles and a {REPORT_PAGES}-page report")
    batch_source = generate(WORK / "batch" / "source", BATCH, lambda i: 2 + i % 5, seed=7)
    report_source = generate(WORK / "report" / "source", 1, lambda i: REPORT_PAGES, seed=11)
    [report_file] = report_source.glob("*.md")

    progress("batch builds, --jobs 1 and 2 in turn")

    def batch_build(jobs: int) -> Probe:
        out = WORK / "batch" / f"out{jobs}"
        command = invoke("build", "--force", "--jobs", jobs, "--source", batch_source, "--out", out)
        return lambda: run(command).seconds

    batch = interleaved(runs, {"jobs 1": batch_build(1), "jobs 2": batch_build(2)})
    one, two = batch["jobs 1"], batch["jobs 2"]
    batch_pages = pdf_pages(WORK / "batch" / "out1")

    progress("peak memory of cold builds, article and report")
    report_command = invoke(
        "build", "--force", "--source", report_file, "--out", WORK / "report" / "out"
    )
    memory = {
        name: Sample(tuple(float(run(command, sample_memory=True).peak) for _ in range(runs)))
        for name, command in (("article", cold_command), ("report", report_command))
    }

    progress("the brief's PDF writer, article and report in turn")
    report_pages = sum(pdf_pages(WORK / "report" / "out").values())
    scale = interleaved(
        runs,
        {"article": pdf_probe(ARTICLE, report_pages), "report": pdf_probe(report_file, 1)},
    )
    article_per_page, report_per_page = scale["article"], scale["report"]
    article_density = words_per_page(cold_out / ARTICLE.stem / f"{ARTICLE.stem}.pdf")
    report_density = words_per_page(WORK / "report" / "out" / "brief-01" / "brief-01.pdf")
    per_word = (report_per_page.median / report_density) / (
        article_per_page.median / article_density
    )

    stage_rows = [
        Row(f"  stage: {name}", Sample(tuple(r[name] for r in stage_runs))) for name in STAGES
    ]
    stage_total = Sample(tuple(sum(r.values()) for r in stage_runs))
    return [
        Row(
            "cold build, 3 outputs",
            cold,
            targets=(Target(cold.median / pandoc_time.median, 1.0, "pandoc"),),
        ),
        Row(
            "pandoc: docx + pdf (weasyprint)",
            pandoc_time,
            note="two outputs; no memo header, no one-pager",
        ),
        Row(
            "  for reference: the brief alone, cold",
            fresh["brief"],
            note=f"{fresh['brief'].median / pandoc_time.median:.2f}× pandoc: fresh Python, "
            "WeasyPrint, lay out and write",
        ),
        Row(
            "floor: WeasyPrint, brief + one-pager",
            floor_time,
            note="render + write_pdf, warm process, one core",
        ),
        Row(
            "warm rebuild, 3 outputs",
            warm_time,
            targets=(
                Target(warm_time.median / floor_time.median, 1.3, "floor"),
                Target(warm_time.median / pandoc_time.median, 0.4, "pandoc"),
            ),
        ),
        Row("no-op build", noop, targets=(Target(noop.median / cold.median, 0.1, "cold"),)),
        Row(
            "  for reference: invoke --version",
            fresh["invoke"],
            note=f"{fresh['invoke'].median / cold.median:.2f}× cold: Python and Invoke, "
            "no project: any invoke command's floor",
        ),
        Row(
            "  for reference: invoke --list",
            fresh["list"],
            note=f"{fresh['list'].median / cold.median:.2f}× cold: Python, Invoke, tasks.py",
        ),
        Row(
            f"batch {BATCH} articles, --jobs 1",
            one,
            note=f"{sum(batch_pages.values())} brief pages, "
            f"{min(batch_pages.values())} to {max(batch_pages.values())} per article",
        ),
        Row(
            f"batch {BATCH} articles, --jobs 2",
            two,
            targets=(Target(one.median / two.median, 1.8, "speed-up", at_least=True),),
        ),
        Row(
            f"scale: article, {article_pages} pages",
            article_per_page,
            "s/page",
            note=f"the brief's PDF writer, warm; the article {report_pages // article_pages} "
            f"times per run; {article_density:.0f} words a page",
        ),
        Row(
            f"scale: report, {report_pages} pages",
            report_per_page,
            "s/page",
            targets=(Target(report_per_page.median / article_per_page.median, 1.2, "article"),),
            note=f"{report_density:.0f} words a page; per word {per_word:.2f}× the article's",
        ),
        Row(
            "peak RSS: cold build, article",
            memory["article"],
            "MiB",
            targets=(Target(memory["article"].median / MIB, 250, "MiB"),),
            note="sum over the process tree",
        ),
        Row(
            f"peak RSS: cold build, {report_pages}-page report",
            memory["report"],
            "MiB",
            targets=(Target(memory["report"].median / MIB, 600, "MiB"),),
        ),
        Row("stages of the cold build, one after another", stage_total, note="sum of the stages"),
        *stage_rows,
    ]


if __name__ == "__main__":
    main()
