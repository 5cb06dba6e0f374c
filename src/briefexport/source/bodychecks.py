"""Checks of the parsed body: nesting depth, notes without text, clusters of notes no page
foot holds, and calls to notes that do not exist."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import SourceError
from briefexport.messages import Message
from briefexport.source.frontmatter import FrontMatter

MAX_DEPTH = 10
MAX_NEARBY_NOTES = 15
NEARBY = 400
DANGLING_NOTE = re.compile(r"\[\^([^\]\s]+)\]")
CONTAINERS = ("bullet_list", "ordered_list", "blockquote")


def check_depth(path: Path, body: SyntaxTreeNode, first_line: int) -> None:
    """Refuse lists and quotes nested deeper than :data:`MAX_DEPTH`: each level indents, so
    deeper ones would leave a sliver of a column (and markdown-it drops what is very deep)."""
    for node in body.walk():
        if node.type in CONTAINERS:
            depth, parent = 1, node.parent
            while parent is not None:
                depth += parent.type in CONTAINERS
                parent = parent.parent
            if depth > MAX_DEPTH:
                line = first_line + (node.map[0] if node.map else 0)
                raise SourceError(
                    path,
                    line,
                    f"lists and quotes nested more than {MAX_DEPTH} levels deep",
                    "flatten the outline",
                )


def check_notes_have_text(path: Path, body: SyntaxTreeNode, front: FrontMatter) -> None:
    """Refuse a footnote left without text: markdown-it drops a note's text when another
    note's definition is written inside it, so it would vanish from every output."""
    for block in body.children:
        if block.type != "footnote_block":
            continue
        for note in block.children:
            if all(child.type == "footnote_anchor" for child in note.children):
                label = str(note.meta.get("label", ""))
                found = re.search(rf"^[ \t]*\[\^{re.escape(label)}\]:", front.body, re.M)
                line = front.body_first_line + (
                    front.body.count("\n", 0, found.start()) if found else 0
                )
                raise SourceError(
                    path,
                    line,
                    f"footnote [^{label}] has no text",
                    "write its text; a note cannot hold another note's definition",
                )


def check_note_clusters(path: Path, body: SyntaxTreeNode, first_line: int) -> None:
    """Refuse more than :data:`MAX_NEARBY_NOTES` footnotes called within :data:`NEARBY`
    characters, counting the notes that those notes cite: they all belong at the foot of one
    page, where they cannot fit, and WeasyPrint's time to try grows steeply with their number."""
    weights = note_weights(body)
    for inline in body.walk():
        if inline.type != "inline" or _in_note(inline):
            continue
        calls: list[tuple[int, int]] = []
        offset = 0
        for node in inline.walk():
            offset += len(node.content) if node.type == "text" else 0
            if node.type == "footnote_ref" and not node.meta.get("subId", 0):
                calls.append((offset, weights.get(int(node.meta["id"]), 1)))
        start = total = 0
        for position, weight in calls:
            total += weight
            while calls[start][0] < position - NEARBY:
                total -= calls[start][1]
                start += 1
            if total > MAX_NEARBY_NOTES:
                raise SourceError(
                    path,
                    first_line + (inline.map[0] if inline.map else 0),
                    f"more than {MAX_NEARBY_NOTES} footnotes are called within a few lines "
                    "here (counting notes cited by notes); they cannot all fit at the foot "
                    "of one page",
                    "spread the citations out or merge notes",
                )


def _in_note(node: SyntaxTreeNode) -> bool:
    parent = node.parent
    while parent is not None and parent.type != "footnote_block":
        parent = parent.parent
    return parent is not None


def note_weights(body: SyntaxTreeNode) -> dict[int, int]:
    """For each footnote, how many notes its first call brings to the page: itself plus those
    it cites first, and theirs in turn (computed without recursion: chains can be long)."""
    cites: dict[int, list[int]] = {}
    for block in body.children:
        if block.type == "footnote_block":
            for note in block.children:
                cites[int(note.meta["id"])] = [
                    int(ref.meta["id"])
                    for ref in note.walk()
                    if ref.type == "footnote_ref" and not ref.meta.get("subId", 0)
                ]
    weights: dict[int, int] = {}
    for root in cites:
        stack, entered = [root], {root}
        while stack:
            current = stack[-1]
            pending = [c for c in cites.get(current, []) if c not in entered and c not in weights]
            if pending:
                entered.update(pending)
                stack.extend(pending)
                continue
            stack.pop()
            weights[current] = 1 + sum(weights.get(c, 0) for c in cites.get(current, []))
    return weights


def scan_body(path: Path, body: SyntaxTreeNode, first_line: int) -> tuple[Message, ...]:
    """Warnings about the body: raw HTML shown as text, footnote references with no note."""
    messages: list[Message] = []
    for node in body.walk():
        if node.type != "inline" or node.map is None:
            continue
        line = first_line + node.map[0]
        text = "".join(child.content for child in node.walk() if child.type == "text")
        for match in DANGLING_NOTE.finditer(text):
            messages.append(
                Message(path, line, f"footnote [^{match[1]}] has no definition; printed as text")
            )
    return tuple(messages)
