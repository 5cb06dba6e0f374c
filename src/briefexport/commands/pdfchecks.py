"""The PDF's own checks for ``invoke verify``: notes at the foot of their call's page and in
call order, list markers and depths, figures in the structure tree, tagging and embedded fonts.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from briefexport.commands.pdfpage import Page
from briefexport.commands.verify_source import Block, ListItem, find_block


def note_problems(notes: list[Block], pages: list[Page]) -> tuple[list[Block], list[str]]:
    """The notes lost and the problems with the rest: each note must be found at the foot of
    a page, word for word, numbered and printed in call order, on the page of its first call
    (or, when it cannot fit, leading the next page's notes, as typesetters carry notes over;
    never further). A note split across two pages is one note, on the page it starts on. A
    note printed under another number is out of order, not lost."""
    problems: list[str] = []
    printed: list[tuple[int, int, str]] = []
    for page in pages:
        for n, text in page.notes():
            if n or not printed:
                printed.append((page.number, n, text))
            else:  # the rest of a note split across two pages: it starts where it counts
                printed[-1] = (*printed[-1][:2], printed[-1][2] + text)
    first_call: dict[int, int] = {}
    body_calls: list[int] = []
    for page in pages:
        for number in page.calls():
            if number not in first_call:
                body_calls.append(number)
            first_call.setdefault(number, page.number)
    for page in pages:
        for number in page.calls("note-call"):
            first_call.setdefault(number, page.number)
    carried: set[int] = set()  # notes leading a page's notes, called on the page before
    for page in pages:
        for number in page.numbers():
            if first_call.get(number) != page.number - 1:
                break
            carried.add(number)
    shown = printed_at(notes, printed)
    order = sorted(shown, key=shown.__getitem__)
    for before, number in pairwise(order):
        if before > number:
            problems.append(
                f"line {notes[number - 1].line}: footnote {number} is printed out of order "
                f"(after footnote {before})"
            )
    numbers = [n for _, n, _ in printed]
    if body_calls != sorted(body_calls) or (numbers != sorted(numbers) and not problems):
        problems.append(
            f"notes are not numbered in the order of their calls (calls {_few(body_calls)}, "
            f"notes {_few(numbers)})"
        )
    for number, at in sorted(shown.items()):
        where, call = printed[at[0]][0], first_call.get(number)
        line = notes[number - 1].line
        if call is None:
            problems.append(f"line {line}: note {number} has no call in the text")
        elif call != where and not (number in carried and where == call + 1):
            problems.append(
                f"line {line}: note {number} is printed on page {where}, its call on page {call}"
            )
    return [note for number, note in enumerate(notes, start=1) if number not in shown], problems


def printed_at(
    notes: list[Block], printed: list[tuple[int, int, str]]
) -> dict[int, tuple[int, int]]:
    """Where each note (by its number in call order) is printed: the index into ``printed``
    (page, number, letters) and where its words end there. Under its own number when its
    words are there, else in the first other note holding them (one the reader took for the
    text of the note above it, when a number breaks the sequence, included); a note found
    nowhere word for word is left out."""
    holds = [
        {
            at: end
            for at, (_, _, text) in enumerate(printed)
            if (end := find_block(note, text, 0)) >= 0
        }
        for note in notes
    ]
    shown = {
        number: (at, end)
        for number, places in enumerate(holds, start=1)
        for at, end in places.items()
        if printed[at][1] == number
    }
    for number, places in enumerate(holds, start=1):
        taken = {at for at, _ in shown.values()}
        ranked = sorted(places.items(), key=lambda place: place[0] in taken)
        if number not in shown and ranked:
            shown[number] = ranked[0]
    return shown


def _few(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:12]))
    return shown + (", …" if len(numbers) > 12 else "")


def pdf_list_problems(items: list[ListItem], pages: list[Page]) -> list[str]:
    """Each list item's marker (bullet of its depth, or its number) in order, on its item's
    first line, and deeper items indented further than the item before them in the same list."""
    printed = [marker for page in pages for marker in page.markers()]
    for index, item in enumerate(items):
        if index >= len(printed):
            return [f"line {item.block.line}: list item has no marker in the PDF"]
        marker, x, alone = printed[index]
        if marker != item.pdf_marker:
            return [
                f"line {item.block.line}: list item marked '{marker}' in the PDF, "
                f"'{item.pdf_marker}' in the source"
            ]
        if alone:
            return [f"line {item.block.line}: list item's marker stands alone above its text"]
        if index and items[index - 1].tree == item.tree:
            before, previous_x = items[index - 1], printed[index - 1][1]
            deeper = item.depth - before.depth
            moved = 0 if abs(x - previous_x) < 1 else (1 if x > previous_x else -1)
            if moved != (deeper > 0) - (deeper < 0):
                return [f"line {item.block.line}: list item not nested {item.depth} deep"]
    if len(printed) > len(items):
        return [f"{len(printed) - len(items)} list markers in the PDF that the source lacks"]
    return []


def pdf_figures(path: Path) -> list[str]:
    """The alternative text of every figure in the structure tree, in reading order."""
    from pypdf import PdfReader

    root: Any = PdfReader(path).trailer["/Root"]
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"].get("/K", []))
    return alts


def pdf_structure_problems(path: Path) -> list[str]:
    """Untagged PDFs and fonts that are not embedded."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(path)
    root: Any = reader.trailer["/Root"]
    problems: list[str] = []
    boxes: set[str] = set()
    if "/StructTreeRoot" not in root or not root.get("/MarkInfo", {}).get("/Marked"):
        problems.append("not tagged (no structure tree): screen readers cannot read it")
    for number, page in enumerate(reader.pages, start=1):
        resources: Any = page.get("/Resources", DictionaryObject())
        fonts: Any = resources.get("/Font", DictionaryObject())
        for name, reference in fonts.items():
            font = reference.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described.get("/FontDescriptor")
            files = descriptor.get_object().keys() if descriptor is not None else ()
            embedded = bool({"/FontFile", "/FontFile2", "/FontFile3"} & set(files))
            if not embedded and font.get("/Subtype") != "/Type3":
                problems.append(f"font {font.get('/BaseFont', name)} on page {number} not embedded")
            boxes.update(empty_boxes(font))
    if boxes:
        shown = "".join(sorted(boxes)[:12]) + ("…" if len(boxes) > 12 else "")
        problems.append(
            f"{len(boxes)} characters print as empty boxes, no font having them ({shown}): "
            "install a font that covers them (invoke doctor)"
        )
    return problems


CID_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
UNICODE_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+<([0-9a-fA-F]+)>")


def empty_boxes(font: Any) -> set[str]:
    """The characters a font draws with its .notdef glyph (CID 0): WeasyPrint's encoding CMap
    sends a character no font has there, and only its ToUnicode entry keeps the text."""
    encoding, to_unicode = font.get("/Encoding"), font.get("/ToUnicode")
    if not hasattr(encoding, "get_object") or to_unicode is None:
        return set()
    encoding = encoding.get_object()
    if not hasattr(encoding, "get_data"):
        return set()
    codes = {c for c, cid in CID_CHAR.findall(encoding.get_data()) if cid == b"0" and int(c, 16)}
    if not codes:
        return set()
    text = to_unicode.get_object().get_data()
    return {
        bytes.fromhex(u.decode()).decode("utf-16-be", "replace")
        for c, u in UNICODE_CHAR.findall(text)
        if c in codes
    }
