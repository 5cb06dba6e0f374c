"""What 100 citations add to a warm build (issue 19): the Kazakhstan article with 100 Chicago
citations against the same article without them, in one warm process, as ``watch`` rebuilds.

Each figure is the median of ``--runs`` runs with min and max: reading the source when its
citations changed (one Pandoc call) and after an edit elsewhere (Pandoc's answer remembered);
rendering each output (PDF, memo, summary) with an author-date style (citations in the text),
with Chicago notes (100 footnotes and a bibliography), and with the same 100 notes written by
hand as footnotes, which separates what citations cost from what footnotes cost. Outputs are
timed in CPU seconds of this process, which other work on a shared machine blurs less than
wall time (printed too); reads in wall time, since Pandoc runs in a child process. After
warming up, what the process holds is frozen out of the garbage collector's reach, as
``watch`` does with what it loads (``build.preload.kept``). The load average is printed.

Last, the issue's own figure: ``watch``'s warm rebuild after a one-word edit (three outputs,
built in parallel by its kept workers, as a user's rebuild runs) of the article with and
without its citations, in pairs run in turn; "added" is the median of the per-pair
differences, with their min and max.
Run: ``PYTHONPATH=src python benchmarks/citations.py``.
"""

from __future__ import annotations

import argparse
import gc
import html
import os
import re
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench import in_turn
from probes import warm_probe

from briefexport.render.html import HtmlRenderer
from briefexport.sandbox.policy import ResourcePolicy
from briefexport.settings import Settings
from briefexport.source import citations
from briefexport.source.reader import read_article
from briefexport.writers import writer

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "citations"
ARTICLE = ROOT / "source" / "kazakhstan-crisis-central-asia-policy-reboot.md"
REFS = ROOT / "tests" / "fixtures" / "citations" / "refs.json"
KEYS = re.findall(r'"id": "([^"]+)"', REFS.read_text())
COUNT = 100


def cited_text(count: int = COUNT) -> str:
    """The article with ``count`` citations spread evenly over the words of its paragraphs
    (before a word's closing punctuation), keys in rotation, each with a page."""
    head, body = ARTICLE.read_text().split("\n---\n", 1)
    lines = body.split("\n")
    words = [
        (number, match)
        for number, line in enumerate(lines)
        if line.strip() and not line.lstrip().startswith(("#", "[^", "|", "!", ">"))
        for match in re.finditer(r"[\w’']+(?=[.,;:]?(\s|$))", line)
    ]
    chosen = {words[i * len(words) // count] for i in range(count)}
    for index, (number, match) in enumerate(sorted(chosen, key=lambda w: (w[0], -w[1].end()))):
        line, end = lines[number], match.end()  # from each line's end: earlier places hold
        lines[number] = f"{line[:end]} [@{KEYS[index % len(KEYS)]}, {index + 1}]{line[end:]}"
    return f"{head}\nbibliography: refs.json\n---\n" + "\n".join(lines)


Figure = tuple[float, float, float]
"""Median, min and max."""
OUTPUTS = ("pdf", "memo", "summary")


def spread(times: list[float]) -> Figure:
    return statistics.median(times), min(times), max(times)


def median(action: Callable[[], object], runs: int) -> Figure:
    """The wall time of ``action``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return spread(times)


def hand_written(cited: Path, styles: Path) -> str:
    """The cited article with each citation replaced by a footnote written by hand, with the
    very text the citation gave: what the same notes cost without the citation machinery."""
    article = read_article(cited, styles)
    page = str(HtmlRenderer(article, ResourcePolicy(roots=(article.folder,))).render())
    notes = [
        html.unescape(re.sub(r"<[^>]+>", "", note)).replace("\u200b", "")
        for note in re.findall(
            r'<aside class="footnote" id="fn\d+"[^>]*>\s*<p><a class="note-number"[^>]*>\d+</a>\.'
            r" (.*?)</p>\s*</aside>",
            page,
        )
    ]
    numbers = iter(range(1, len(notes) + 1))
    text = re.sub(r" \[@[^\]]+\]", lambda _: f"[^c{next(numbers)}]", cited.read_text())
    definitions = "\n\n".join(f"[^c{n}]: {note}" for n, note in enumerate(notes, start=1))
    return text.replace("bibliography: refs.json\n", "") + "\n\n" + definitions + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    shutil.copy(REFS, WORK / "refs.json")
    shutil.copy(REFS.parent / "apa.csl", WORK / "apa.csl")
    settings = Settings(project=ROOT)
    styles = settings.styles
    cited, apa, plain, by_hand = (WORK / f"{n}.md" for n in ("cited", "apa", "plain", "by-hand"))
    cited.write_text(cited_text())
    apa.write_text(
        cited.read_text().replace(
            "bibliography: refs.json", "bibliography: refs.json\ncsl: apa.csl"
        )
    )
    plain.write_text(
        re.sub(r" \[@[^\]]+\]", "", cited.read_text()).replace("\nbibliography: refs.json", "")
    )
    by_hand.write_text(hand_written(cited, styles))

    def rebuild(path: Path) -> None:
        article = read_article(path, styles)
        for name in OUTPUTS:
            writer(name).render(article, settings)

    for path in (cited, apa, plain, by_hand):
        rebuild(path)  # warm: imports, stylesheets, fonts, hyphenation, Pandoc's answers
    gc.freeze()
    load = os.getloadavg()[0]

    def fresh_read() -> None:
        citations._RUNS.clear()
        read_article(cited, styles)

    baseline_read = median(lambda: read_article(plain, styles), runs)
    reads = {
        "read, citations changed (one Pandoc call)": median(fresh_read, runs),
        "read, edit elsewhere (Pandoc's answer remembered)": median(
            lambda: read_article(cited, styles), runs
        ),
    }
    renders = {
        "without citations": rendered(plain, runs),
        "APA (citations in the text)": rendered(apa, runs),
        "Chicago (100 citation notes)": rendered(cited, runs),
        "the same 100 notes by hand": rendered(by_hand, runs),
    }
    print(
        f"{COUNT} citations, median of {runs} runs (min-max), seconds; 'added' is over the "
        f"article without them; load {load:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(f"{'read, wall time (without citations ' + f'{baseline_read[0]:.3f})':58} added")
    for label, figure in reads.items():
        print(f"  {label:54} {figure[0] - baseline_read[0]:+.3f} ({figure[1]:.3f}-{figure[2]:.3f})")
    base = renders["without citations"]
    print(f"{'render, CPU time':36} {'CPU':>21} {'added CPU':>10} {'added wall':>11}")
    for label, (cpu, wall) in renders.items():
        for name in (*OUTPUTS, "all 3"):
            print(
                f"  {label + ', ' + name:34} {cpu[name][0]:7.3f} ({cpu[name][1]:.3f}-"
                f"{cpu[name][2]:.3f}) {cpu[name][0] - base[0][name][0]:+10.3f} "
                f"{wall[name][0] - base[1][name][0]:+11.3f}"
            )
    warm_rebuilds(plain, cited, runs)


def warm_rebuilds(plain: Path, cited: Path, runs: int) -> None:
    """Watch's warm rebuild of ``plain`` and of ``cited``, each in a folder of its own, in turn."""
    probes = {}
    for source in (plain, cited):
        folder = WORK / "warm" / source.stem / "source"
        folder.mkdir(parents=True)
        shutil.copy(source, folder / source.name)
        shutil.copy(REFS, folder / "refs.json")
        probes[source.stem] = warm_probe(folder, folder.parent / "out")
    rounds = in_turn(runs, probes)
    without, with_ = rounds[plain.stem].values, rounds[cited.stem].values
    added = [c - p for p, c in zip(without, with_, strict=True)]
    print(
        f"warm rebuild as watch makes it (3 outputs in parallel), {runs} pairs in turn, "
        f"{rounds.load}: without citations {rounds[plain.stem].spread()} s, with "
        f"{rounds[cited.stem].spread()} s; added {statistics.median(added):+.3f} "
        f"[{min(added):+.3f}, {max(added):+.3f}] s"
    )


def rendered(path: Path, runs: int) -> tuple[dict[str, Figure], dict[str, Figure]]:
    """CPU and wall time of rendering each output of ``path`` and of the three together."""
    settings = Settings(project=ROOT)
    article = read_article(path, settings.styles)
    cpu: dict[str, list[float]] = {name: [] for name in (*OUTPUTS, "all 3")}
    wall: dict[str, list[float]] = {name: [] for name in (*OUTPUTS, "all 3")}
    for _ in range(runs):
        for name in OUTPUTS:
            started, clock = time.process_time(), time.perf_counter()
            writer(name).render(article, settings)
            cpu[name].append(time.process_time() - started)
            wall[name].append(time.perf_counter() - clock)
        cpu["all 3"].append(sum(times[-1] for name, times in cpu.items() if name in OUTPUTS))
        wall["all 3"].append(sum(times[-1] for name, times in wall.items() if name in OUTPUTS))
    return (
        {name: spread(times) for name, times in cpu.items()},
        {name: spread(times) for name, times in wall.items()},
    )


if __name__ == "__main__":
    main()
