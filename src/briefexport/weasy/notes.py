"""Footnotes around WeasyPrint's layout: each note's blocks moved to its call before, and
after, where each note and its call fell (weasy.engine.layout warns or stops on a fault)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from weasyprint import HTML, Document
from weasyprint.formatting_structure.boxes import FootnoteAreaBox

from briefexport.weasy.notesplit import CONTINUED
from briefexport.weasy.pages import tree_edited

FOOTNOTE_SPAN = re.compile(r'<aside class="footnote" id="fn(\d+)" data-line="(\d+)">')


def place_notes(page: HTML) -> None:
    """Move each ``<aside class="footnote">`` (render.html) to its ``<span class="note-at">``,
    in the parsed tree: there the note's paragraphs, lists and code sit inside the paragraph
    that calls it, where HTML's parser would have closed that paragraph."""
    root = page.etree_element
    parents = {child: parent for parent in root.iter() for child in parent}
    asides = {
        element.get("id"): element
        for element in parents
        if element.tag == "aside" and element.get("class") == "footnote"
    }
    if not asides:
        return
    for marker in [e for e in parents if e.tag == "span" and e.get("class") == "note-at"]:
        aside = asides[marker.get("data-note")]
        unspaced(aside)
        parents[aside].remove(aside)
        parent = parents[marker]
        aside.tail = marker.tail
        parent[list(parent).index(marker)] = aside
    tree_edited(page)


def unspaced(element: Any) -> None:
    """Drop the whitespace between the blocks of a note (outside ``pre``): in a footnote,
    WeasyPrint gives each such run a blank line."""
    if element.tag == "pre":
        return
    if element.text is not None and not element.text.strip():
        element.text = None
    for child in element:
        unspaced(child)
        if child.tail is not None and not child.tail.strip():
            child.tail = None


@dataclass(frozen=True)
class NoteFault:
    """A footnote not at the foot of its call's page: ``note_page`` 0 when left out."""

    number: int
    line: int
    call_page: int
    note_page: int


def note_pages(document: Document) -> dict[str, tuple[int, int]]:
    """Each note's id with the page of its call and of the note itself, numbered from 1; a
    note left out, or in a footnote area that overflows the top of its page, is on page 0."""
    calls: dict[str, int] = {}
    notes: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        for child in box.descendants():
            note = getattr(child, "footnote", None)
            if note is not None and note.element is not None:
                calls.setdefault(note.element.get("id"), number)
        for area in box.children:
            if isinstance(area, FootnoteAreaBox) and area.position_y >= box.content_box_y() - 1:
                for note in area.children:
                    if note.element is not None:
                        notes.setdefault(note.element.get("id"), number)
    return {key: (page, notes.get(key, 0)) for key, page in calls.items()}


def lost_rests(document: Document) -> set[str]:
    """The ids of the notes split at the foot of a page (weasy.notesplit) whose rest does not
    lead the next page's notes."""
    heads, rests = set(), set()
    for number, page in enumerate(document.pages, 1):
        for area in page._page_box.children:
            notes = area.children if isinstance(area, FootnoteAreaBox) else []
            for note in (note for note in notes if note.element is not None):
                if getattr(note, "rest_follows", False):
                    heads.add((note.element.get("id"), number))
                if note.element_tag == CONTINUED:
                    rests.add((note.element.get("id"), number - 1))
    return {key for key, _ in heads - rests}


def footnote_faults(html: str, document: Document) -> list[NoteFault]:
    """Every note of ``html`` that the layout left out (or the rest of, when split) or
    printed on another page than its call, in note order."""
    pages = note_pages(document)
    lost = lost_rests(document)
    faults = []
    for number, line in FOOTNOTE_SPAN.findall(html):
        call_page, note_page = pages.get(f"fn{number}", (0, 0))
        note_page = 0 if f"fn{number}" in lost else note_page
        if note_page == 0 or note_page != call_page:
            faults.append(NoteFault(int(number), int(line), call_page, note_page))
    return faults
