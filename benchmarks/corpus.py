"""Generated sources for the bench: plausible policy prose from a seeded generator."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

ARTICLE = (
    Path(__file__).resolve().parent.parent
    / "source"
    / ("kazakhstan-crisis-central-asia-policy-reboot.md")
)
WORDS_PER_PAGE = 560
"""Body words that fill about one page of the brief (measured on generated text)."""


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


REPORT_PAGES = 40
FIGURE = ARTICLE.parent.parent / "tests" / "corpus" / "figures" / "nist-sp-800-63-3" / "model.png"
COUNT = 10


def long_report(folder: Path) -> Path:
    """The generated 40-page report of ``invoke bench``, with contents, figures and tables."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(FIGURE, folder / "figure.png")
    writer = Writer(11)
    front, body = writer.article("A long report", REPORT_PAGES).split("\n---\n", 1)
    blocks = body.split("\n\n")
    step = len(blocks) // (COUNT + 1)
    for n in range(COUNT, 0, -1):
        figure = f'![Chart {n}](figure.png "Trade by corridor, panel {n}"){{#fig:f{n}}}'
        rows = "\n".join(f"| {writer.sentence(1, 3)} | {n * r} | {r}% |" for r in range(1, 7))
        caption = f"Table: Totals, part {n} {{#tbl:t{n}}}"
        table = f"| Item | Value | Share |\n|:--|--:|--:|\n{rows}\n\n{caption}"
        mention = f"As @fig:f{n} and @tbl:t{n} show, {writer.sentence(8, 16).lower()}"
        blocks[n * step : n * step] = [mention, figure, table]
    source = folder / "long-report.md"
    source.write_text(f"{front}\ntoc: true\n---\n" + "\n\n".join(blocks), encoding="utf-8")
    return source
