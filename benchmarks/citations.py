"""What 100 citations add to a warm build (issue 19): the Kazakhstan article with 100 Chicago
citations against the same article without them, in one warm process, as ``watch`` rebuilds.

Three figures, each the median of ``--runs`` runs with min and max: reading the source when the
citations changed (one Pandoc call), reading it after a one-word edit elsewhere (Pandoc's
answer is remembered), and the whole rebuild (read, PDF, memo, summary) after a one-word edit.
Run: ``PYTHONPATH=src python benchmarks/citations.py``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

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


def median(action: Callable[[], object], runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    shutil.copy(REFS, WORK / "refs.json")
    cited, plain = WORK / "cited.md", WORK / "plain.md"
    cited.write_text(cited_text())
    plain.write_text(
        re.sub(r" \[@[^\]]+\]", "", cited.read_text()).replace("\nbibliography: refs.json", "")
    )
    settings = Settings(project=ROOT)
    styles = settings.styles

    def rebuild(path: Path) -> None:
        article = read_article(path, styles)
        for name in ("pdf", "memo", "summary"):
            writer(name).render(article, settings)

    rebuild(cited)  # warm: imports, stylesheets, fonts, hyphenation
    rebuild(plain)

    def fresh_read() -> None:
        citations._RUNS.clear()
        read_article(cited, styles)

    rows = {
        "read, citations changed (one Pandoc call)": (median(fresh_read, runs), None),
        "read, one-word edit (Pandoc's answer remembered)": (
            median(lambda: read_article(cited, styles), runs),
            median(lambda: read_article(plain, styles), runs),
        ),
        "rebuild PDF + memo + summary, one-word edit": (
            median(lambda: rebuild(cited), runs),
            median(lambda: rebuild(plain), runs),
        ),
    }
    print(f"{COUNT} citations, median of {runs} runs (min-max), seconds")
    for label, (with_cites, without) in rows.items():
        figure = f"{with_cites[0]:.3f} ({with_cites[1]:.3f}-{with_cites[2]:.3f})"
        if without:
            added = with_cites[0] - without[0]
            figure += f"  without: {without[0]:.3f}  added: {added:+.3f}"
        print(f"{label:52} {figure}")


if __name__ == "__main__":
    main()
