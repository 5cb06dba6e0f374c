"""``invoke verify`` for long reports: read back from a PDF's text that each contents entry gives
the page its heading is on, that figures and tables are numbered in order, and that no
reference was left unresolved."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

from briefexport.labels import labels
from briefexport.model import Article

ENTRY = re.compile(r"^(\d+(?:\.\d+)*)\s+(.+?)[ .]*?\s(\d+)$")
UNRESOLVED = re.compile(r"@(?:fig|tbl|sec):[\w]")


def page_texts(path: Path) -> list[str]:
    """Each page's text as pypdf extracts it, in lines."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def report_problems(article: Article, pages: list[str]) -> list[str]:
    """What is wrong with a brief's contents, numbers and references, from each page's text."""
    return [*contents_problems(article, pages), *numbering_problems(article, pages)]


def contents_problems(article: Article, pages: list[str]) -> list[str]:
    """Each entry of the contents block against the page where its heading is found, searching
    from the previous heading on (titles repeat: "Overview")."""
    title = labels(article.lang)["contents"]
    start = next((i for i, page in enumerate(pages) if title in page.splitlines()[:40]), None)
    if start is None:
        return []
    entries: list[tuple[str, str, int]] = []  # number, title, page printed
    starts = list(accumulate((len(page) + 1 for page in pages), initial=0))
    text = "\n".join(pages)
    position = starts[start]
    for index in range(start, len(pages)):
        lines = [(line, ENTRY.match(line.strip())) for line in pages[index].splitlines()]
        matched = [(line, m) for line, m in lines if m]
        if not matched and entries:
            break
        entries += [(m[1], m[2], int(m[3])) for _, m in matched]
        if matched:  # the headings are searched for after the last entry
            last = matched[-1][0]
            position = text.index(last, starts[index]) + len(last)
    problems = []
    for number, heading, printed in entries:
        # letter by letter: a heading may wrap, or break at a hyphen, where its entry did not;
        # a note's call may follow it
        letters_only = r"[\W_]*".join(re.escape(c) for c in heading if c.isalnum())
        pattern = re.compile(rf"(?:^|\n)[^\S\n]*({letters_only})[^\w\n]*[\d ]*(?=\n|$)")
        found = pattern.search(text, position)
        if found is None:
            problems.append(f"contents: '{number} {heading}' has no heading after the contents")
            continue
        position = found.end(1)
        page = bisect_right(starts, found.start(1))
        if page != printed:
            problems.append(f"contents: '{number} {heading}' says page {printed}, is on {page}")
    return problems


def numbering_problems(article: Article, pages: list[str]) -> list[str]:
    """Captions ("Figure 1.", "Table 1.") in the text in the order of the source, and no
    ``@fig:``-style reference left as text."""
    text = " ".join(" ".join(pages).split())
    crossrefs = article.crossrefs
    problems = []
    position = 0
    for target in crossrefs.by_node.values():
        if target.kind == "sec":
            continue
        found = text.find(crossrefs.caption_label(target), position)
        if found < 0:
            problems.append(f"caption '{crossrefs.caption_label(target)}' missing or out of order")
        else:
            position = found
    if unresolved := UNRESOLVED.search(text):
        problems.append(f"an unresolved reference is printed: {unresolved[0]}…")
    return problems
