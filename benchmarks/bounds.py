"""Resource bounds: long sources (issue 6) and hostile inputs (the tests' former time limits).

``pages``: generates sources of 50, 100 and 200 pages (the bench's realistic prose: sections,
lists, quotes, tables, footnotes), builds each with ``invoke build --force`` (all three
outputs) in a fresh process, and reports wall time, seconds per page and the peak resident
memory of the whole process tree. It misses when a build goes over 1 GB or the time per page
grows by more than a quarter from one size to the next (linear time keeps it level).

``hostile``: times, in this process, each hostile input the tests prove refused or linear by
counting (the parse budget, pathological bodies, SVG bombs, remote drips and silences, an
unused port, a hostile source to PDF) and misses when a median goes over its bound.

Exits non-zero when anything is missed.

    python benchmarks/bounds.py [--only pages|hostile] [--pages 50 100 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import http.server
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path

from bench import in_turn
from probes import ROOT, Probe, invoke, run
from pypdf import PdfReader

from corpus import Writer

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


def pages_section(pages: Sequence[int]) -> list[str]:
    """Build the long sources; print their table; what was missed."""
    with tempfile.TemporaryDirectory(prefix="briefexport-bounds-") as work:
        rows = [measure(count, Path(work)) for count in pages]
    print(f"{'asked':>6} {'pages':>6} {'seconds':>8} {'s/page':>7} {'peak MB':>8}")
    print(*rows, sep="\n")
    missed = [f"{r.asked} pages peaked at {r.peak / 2**20:.0f} MB" for r in rows if r.peak > LIMIT]
    for small, large in pairwise(rows):
        growth = large.per_page / small.per_page
        print(f"{small.asked} -> {large.asked} pages: seconds per page x{growth:.2f}")
        if growth > GROWTH:
            missed.append(f"seconds per page grew x{growth:.2f} to {large.asked} pages")
    return missed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["pages", "hostile"])
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--runs", type=int, default=3, help="runs per hostile case (median)")
    args = parser.parse_args(argv)
    missed = [] if args.only == "hostile" else pages_section(args.pages)
    if args.only != "pages":
        missed += hostile_section(args.runs)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    print(*(f"missed: {m}" for m in missed), sep="\n")
    return 1 if missed else 0


# Hostile inputs ------------------------------------------------------------------------------

HEAD = "---\ntitle: A hostile source\ndate: 2024-03-01\nauthor: Jane Doe\n---\n\n"
BODIES = {
    "identical headings": "## Same\n\n" * 20_000,
    "initials": "A. " * 100_000,
    "open tags": "<a " * 100_000,
    "open comments": "<!-- " * 100_000,
    "initials in a section": "## Lede\n\n" + "A. " * 100_000,
}
"""Bodies a quadratic rule would hang on (the tests count their work in lines of Python)."""
BODY_SECONDS = 10.0


def entity_bomb() -> str:
    """The billion laughs in an SVG: ten entities, each ten of the one before."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>'
    return f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]>{svg}'


def use_bomb() -> str:
    """Each group draws the one before ten times: 10**11 elements from a kilobyte."""
    groups = '<g id="g0"><rect width="1" height="1"/></g>' + "".join(
        f'<g id="g{i}">' + f'<use href="#g{i - 1}"/>' * 10 + "</g>" for i in range(1, 12)
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{groups}</defs><use href="#g11"/></svg>'


class Trickle(http.server.BaseHTTPRequestHandler):
    """``/drip``: a byte every 0.1 s for four seconds; ``/slow``: nothing for two."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(0 if self.path == "/slow" else 40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client hung up: the refusal being timed
            return
        time.sleep(2 if self.path == "/slow" else 0)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def trickle_server() -> Iterator[str]:
    """A local server of :class:`Trickle`; yields its address."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def unused_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def timed(work: Callable[[], object], refusal: type[BaseException] | None = None) -> Probe:
    """A probe timing ``work``, which must raise ``refusal`` when one is given."""

    def once() -> float:
        started = time.perf_counter()
        try:
            work()
        except BaseException as exc:
            if refusal is None or not isinstance(exc, refusal):
                raise
            return time.perf_counter() - started
        if refusal is not None:
            raise SystemExit(f"{work} was not refused")
        return time.perf_counter() - started

    return once


def hostile_cases(folder: Path, server: str) -> dict[str, tuple[Probe, float]]:
    """Each hostile case: its probe and its bound in seconds."""
    from briefexport.errors import ResourceError, SourceError
    from briefexport.sandbox import policy
    from briefexport.settings import Settings
    from briefexport.source import markdown
    from briefexport.source.reader import read_article
    from briefexport.writers import writer
    from briefexport.writers.pdf import PdfWriter

    settings = Settings(project=ROOT, allow_remote=True)
    local = policy.ResourcePolicy(roots=(folder,))
    remote = policy.ResourcePolicy(roots=(folder,), allow_remote=True)
    (folder / "bomb.svg").write_text(entity_bomb(), encoding="utf-8")
    (folder / "use.svg").write_text(use_bomb(), encoding="utf-8")
    port = unused_port()

    def source(name: str, body: str) -> Path:
        path = folder / f"{name.replace(' ', '-')}.md"
        path.write_text(HEAD + body, encoding="utf-8")
        return path

    def with_budget(module: object, name: str, seconds: float, work: Callable[[], object]) -> None:
        default = getattr(module, name)
        setattr(module, name, seconds)
        try:
            work()
        finally:
            setattr(module, name, default)

    def html_of(path: Path) -> str:
        return PdfWriter().html(read_article(path), settings).html

    def fetch(url: str) -> None:
        with_budget(policy, "REMOTE_TIMEOUT", 0.3, partial(remote.read, url))

    brackets = source("brackets", "Fine.\n\n" + "[" * 200_000 + "\n")
    hostile = source(
        "hostile",
        f"![passwd](file:///etc/passwd)\n\n![remote](http://127.0.0.1:{port}/x.png)\n\n"
        "![bomb](bomb.svg)\n\n![use](use.svg)\n",
    )
    parse = partial(with_budget, markdown, "PARSE_SECONDS", 0.3, partial(read_article, brackets))
    cases = {"parse budget 0.3 s, 200,000 brackets": (timed(parse, SourceError), 3.0)}
    for name, body in BODIES.items():
        cases[f"body: {name}"] = (timed(partial(html_of, source(name, body))), BODY_SECONDS)
    for svg, bound in (("bomb.svg", 0.5), ("use.svg", 2.0)):
        refusal = timed(partial(local.read, f"{folder.as_uri()}/{svg}"), ResourceError)
        cases[f"refused: {svg}"] = (refusal, bound)
    for address in ("/drip", "/slow"):
        cases[f"refused: {address}, timeout 0.3 s"] = (
            timed(partial(fetch, server + address), ResourceError),
            1.5,
        )
    unused = partial(remote.read, f"http://127.0.0.1:{port}/x.png")
    cases["refused: unused local port"] = (timed(unused, ResourceError), 1.0)
    render = partial(writer("pdf").render, read_article(hostile), settings)
    cases["hostile source to PDF"] = (timed(render), 20.0)
    return cases


def hostile_section(runs: int) -> list[str]:
    """Time the hostile cases; print their table; what was missed."""
    with (
        tempfile.TemporaryDirectory(prefix="briefexport-hostile-") as work,
        trickle_server() as url,
    ):
        cases = hostile_cases(Path(work), url)
        samples = in_turn(runs, {name: probe for name, (probe, _) in cases.items()})
    print(f"{'hostile input':<40} {'median':>7} {'max':>7} {'bound':>6}")
    missed = []
    for name, (_, bound) in cases.items():
        sample = samples[name]
        print(f"{name:<40} {sample.median:>7.3f} {max(sample.values):>7.3f} {bound:>6.1f}")
        if sample.median > bound:
            missed.append(f"{name}: {sample.median:.2f} s, over {bound:g} s")
    return missed


if __name__ == "__main__":
    sys.exit(main())
