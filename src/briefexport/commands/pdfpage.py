"""A PDF read back as positioned text runs, sorted into what verify needs to tell apart.

pypdf's visitor hands every text run over with its text matrix; from that each run gets its
baseline (from the top of the page) and its size. A run is then classified by where it sits and
what it is, never by searching the text for a pattern:

- **furniture**: "Page N of M" at the foot and the running head on the top line;
- **note**: the note area, the lines from the first that opens with a note's number ("3"
  then ". ", or "3. ") down to the foot of the page, none larger than the last; above them,
  or alone at the foot, the rest of the previous page's last note when it was split there
  (weasy.notesplit): lines at the notes' size and spacing, below a gap as wide as the note
  area's rule and margin;
- **call**: a note's call, digits in a smaller size above the baseline of their line;
- **marker**: a list item's bullet or number, alone in its run at the start of its line
  (or alone on its line, with the spaces ``article.css`` sets after it);
- **body**: everything else, in the order the content stream draws it (the reading order
  WeasyPrint writes, which keeps a table cell's lines together).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NOTE_MARKER = re.compile(r"^(\d+)(\.\s+)?$")
LIST_MARKER = re.compile(r"^\s*([•–›◦▪‣]|\d+\.)\s*$")
CALL = re.compile(r"^\d+$")
WORD = re.compile(r"[\W_]+")
NOTE_PITCH = 1.8  # at most, between the baselines of a note's lines, in the notes' size
AREA_GAP = 3.0  # at least, between the body's last baseline and the notes' first


def letters(text: str) -> str:
    """Letters and digits only, casefolded: immune to hyphenation, line breaks and quotes."""
    return WORD.sub("", text.casefold())


@dataclass
class Run:
    """One piece of text as the content stream draws it."""

    text: str
    x: float
    y: float
    """Baseline, in points from the top of the page."""
    size: float
    kind: str = "body"


@dataclass
class Line:
    """Runs sharing a baseline (a call sits a little above it), left to right."""

    runs: list[Run] = field(default_factory=list)

    @property
    def y(self) -> float:
        """The baseline of the line's largest text."""
        return max(self.runs, key=lambda r: r.size).y

    @property
    def size(self) -> float:
        """The largest text size on the line."""
        return max(r.size for r in self.runs)

    @property
    def first(self) -> Run:
        """The leftmost run."""
        return min(self.runs, key=lambda r: r.x)


@dataclass
class Page:
    """One page's runs in drawing order and in lines."""

    number: int
    runs: list[Run]
    lines: list[Line]
    height: float = 0.0
    """In points: pages of one height share where their note area ends."""

    def text(self, kind: str) -> str:
        """The letters of every run of one kind, in drawing order."""
        return letters("".join(r.text for r in self.runs if r.kind == kind))

    def notes(self) -> list[tuple[int, str]]:
        """The notes at the foot of this page: (number, letters), in drawing order; number 0
        for the rest of a note carried over from the page before."""
        notes: list[tuple[int, str]] = []
        for run in self.runs:
            if run.kind == "note-marker":
                notes.append((int(run.text.split(".")[0]), ""))
            elif run.kind == "note":
                notes = notes or [(0, "")]  # the rest of the last note of the page before
                notes[-1] = (notes[-1][0], notes[-1][1] + letters(run.text))
        return notes

    def numbers(self) -> list[int]:
        """The numbers of the notes at the foot of this page, top to bottom."""
        return [number for number, _ in self.notes() if number]

    def calls(self, kind: str = "call") -> list[int]:
        """The note numbers called in the body of this page, in reading order."""
        return [int(r.text) for r in self.runs if r.kind == kind]

    def markers(self) -> list[tuple[str, float, bool]]:
        """Every list marker of the body, top to bottom, with its x and whether it stands alone
        on its line: the marker sits inside its item's first line, hung into the item's indent,
        so it starts at the item's left edge (the text after it moves with the line's
        justification)."""
        return [
            (run.text.strip(), run.x, len(line.runs) == 1)
            for line in self.lines
            for run in line.runs
            if run.kind == "marker"
        ]


def read_pages(path: Path) -> list[Page]:
    """Every page of a PDF as runs in drawing order, grouped into lines too."""
    from pypdf import PdfReader

    pages = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        two_byte_codes(page)
        runs = page_runs(page)
        pages.append(Page(number, runs, group_lines(runs), float(page.mediabox.height)))
    return pages


def two_byte_codes(page: Any) -> None:
    """Tell pypdf that a font whose encoding is an embedded CMap over two-byte codes (as
    WeasyPrint writes once a font has more than 256 glyphs) reads two bytes a character:
    pypdf reads such codes one byte at a time. Text maps to Unicode by code (ToUnicode), so
    Identity-H reads it right; only this in-memory copy changes."""
    from pypdf.generic import NameObject

    fonts = page.get("/Resources", {}).get("/Font", {})
    for reference in fonts.values():
        font = reference.get_object()
        encoding = font.get("/Encoding")
        if font.get("/Subtype") != "/Type0" or not hasattr(encoding, "get_data"):
            continue
        if b"<0000> <ffff>" in encoding.get_object().get_data().lower():
            font[NameObject("/Encoding")] = NameObject("/Identity-H")


def page_runs(page: Any) -> list[Run]:
    """The text runs of one pypdf page with their baselines and sizes; a run outside the trim
    box (the press PDF's slug line) is furniture."""
    runs: list[Run] = []
    top = float(page.mediabox.top)
    trim = page.trimbox

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        scale = abs(cm[2] * tm[1] + cm[3] * tm[3]) or abs(cm[0] * tm[0])
        inside = trim.left <= x <= trim.right and trim.bottom <= y <= trim.top
        kind = "body" if inside else "furniture"
        runs.append(Run(text.replace("\n", " "), x, top - y, size * scale, kind))

    page.extract_text(visitor_text=visit)
    return runs


def group_lines(runs: list[Run]) -> list[Line]:
    """Runs top to bottom, a run joining the line above when their baselines are closer than
    half the larger size (a raised call stays on its line)."""
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x)):
        if lines and abs(run.y - lines[-1].y) <= 0.5 * max(run.size, lines[-1].size):
            lines[-1].runs.append(run)
        else:
            lines.append(Line([run]))
    for line in lines:
        line.runs.sort(key=lambda r: r.x)
    return lines


def body_size(pages: list[Page]) -> float:
    """The size most of the document's text is set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for run in page.runs:
            sizes[round(run.size, 1)] += len(run.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def classify(pages: list[Page], furniture: list[list[str]]) -> None:
    """Mark every run with its kind (see the module's docstring)."""
    normal = body_size(pages)
    for page, items in zip(pages, furniture, strict=True):
        _mark_furniture(page, items)
    called = max(
        (
            int(r.text)
            for p in pages
            for line in p.lines
            for r in line.runs
            if r.kind == "body" and CALL.match(r.text.strip()) and _is_call(r, line, normal)
        ),
        default=0,
    )
    last, size = 0, 0.0  # the last note number of the pages before, and their notes' size
    texts = [
        [line for line in page.lines if any(r.kind == "body" for r in line.runs)] for page in pages
    ]
    foot: dict[float, float] = {}  # the lowest baseline of the pages of each height
    for page, lines in zip(pages, texts, strict=True):
        foot[page.height] = max([foot.get(page.height, 0.0), *(line.y for line in lines[-1:])])
    for page, lines in zip(pages, texts, strict=True):
        start = _note_area_start(lines, called, last)
        carried = _carried_start(lines, start, size, foot[page.height]) if last else None
        size = lines[-1].size if start is not None else size
        number = 0
        for index, line in enumerate(lines):
            if carried is not None and carried <= index < (len(lines) if start is None else start):
                for run in line.runs:
                    run.kind = "note" if run.kind == "body" else run.kind
                continue
            in_notes = start is not None and index >= start
            for run in line.runs:
                if run.kind != "body":
                    continue
                marker = _note_number(line) if run is line.first else None
                if CALL.match(run.text.strip()) and _is_call(run, line, normal):
                    run.kind = "note-call" if in_notes else "call"
                elif in_notes:
                    # after the page's first note, a marker is the next number: a line of a
                    # note may well open with "2009. "
                    opens = marker is not None and (not number or marker == number + 1)
                    number = marker if marker is not None and opens else number
                    run.kind = "note-marker" if opens else "note"
                    last = max(last, number)
                elif run is line.first and LIST_MARKER.match(run.text):
                    run.kind = "marker" if len(line.runs) > 1 or run.text[-1:].isspace() else "body"


def _mark_furniture(page: Page, items: list[str]) -> None:
    """The footer ("Page N of M") on the bottom line, the running head on the top lines: the
    runs there that, one after another in drawing order, spell an item (a long running title
    wraps in the side column)."""
    wanted = {letters(item) for item in items if letters(item)}
    lines = [line for line in page.lines if any(r.kind == "body" for r in line.runs)]
    edge = {id(r) for line in lines[:3] + lines[-1:] for r in line.runs if r.kind == "body"}
    runs = [r for r in page.runs if id(r) in edge]
    for start in range(len(runs)):
        text = ""
        for end in range(start, len(runs)):
            text += letters(runs[end].text)
            if text in wanted:
                for run in runs[start : end + 1]:
                    run.kind = "furniture"
                break
            if not any(item.startswith(text) for item in wanted):
                break


def _note_area_start(lines: list[Line], called: int, last: int = 0) -> int | None:
    """The first line that opens with a note's number at the note area's left edge (the
    number of a note some call names, not a year that wrapped to a line's start), from which
    every line down to the foot of the page is set no larger than the bottom line (the notes'
    size); None when the page has no notes. The edge is the leftmost start of the lines that
    open with such a number: a wide table set as small as the notes reaches further left.
    No note opens with a number up to ``last`` (the pages before printed those): a line that
    does is part of a note carried over, opening with "2. " by chance."""
    bottom: list[Line] = []
    for line in reversed(lines):
        if line.size > lines[-1].size + 0.05:
            break
        bottom.insert(0, line)
    numbered = [
        index
        for index, line in enumerate(bottom)
        if (number := _note_number(line)) is not None and last < number <= called
    ]
    if not numbered:
        return None
    left = min(bottom[index].first.x for index in numbered)
    start = next(index for index in numbered if abs(bottom[index].first.x - left) < 1)
    return len(lines) - len(bottom) + start


def _carried_start(lines: list[Line], start: int | None, size: float, foot: float) -> int | None:
    """The first line of the rest of a note carried over from the page before: the lines just
    above the page's first note (``start``; the foot of the page when it has none, then the
    last of them within :data:`NOTE_PITCH` sizes of ``foot``, the lowest baseline of the
    pages of its height, as the note area sits at the foot: not a caption under a figure)
    set in the notes' ``size``, each within :data:`NOTE_PITCH` sizes of the next, the first
    of them below a gap of more than :data:`AREA_GAP` sizes (the note area's rule and
    margin); None when there are none."""
    if start is None and (not lines or lines[-1].y < foot - NOTE_PITCH * size):
        return None
    end = len(lines) if start is None else start
    first = end
    while (
        first > 0
        and abs(lines[first - 1].size - size) <= 0.05
        and (first == len(lines) or lines[first].y - lines[first - 1].y <= NOTE_PITCH * size)
    ):
        first -= 1
    if first == end or (first and lines[first].y - lines[first - 1].y <= AREA_GAP * size):
        return None
    return first


def _note_number(line: Line) -> int | None:
    """The number a line opens with when it is a note's: "3" followed by a run that opens
    with ". " (the linked number of ``render.html``), or "3. " alone in its run."""
    marker = NOTE_MARKER.match(line.first.text)
    if marker is None:
        return None
    if not marker[2]:
        after = [r for r in line.runs if r.x > line.first.x]
        if not after or not min(after, key=lambda r: r.x).text.startswith("."):
            return None
    return int(marker[1])


def _is_call(run: Run, line: Line, normal: float) -> bool:
    """Digits smaller than their line's text and raised above its baseline, or alone on
    their line (a call can wrap) and smaller than the body: a note call."""
    if len(line.runs) == 1:
        return run.size <= 0.8 * normal
    return run.size <= 0.8 * line.size and run.y < line.y - 0.1 * line.size
