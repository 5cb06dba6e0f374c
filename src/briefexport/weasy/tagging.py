"""What WeasyPrint's PDF/UA tagging leaves out, finished on its pydyf objects before they are
written (``write_pdf(finisher=...)``); readback.pdfua checks the result.

- Page furniture (running heads, "Page N of M") is drawn as marked content whose structure
  elements are left out of the tree ("it could be included in tree as Artifact, but that's only
  allowed in PDF 2.0", weasyprint/pdf/tags.py). In PDF/UA-1 it is an artifact: its sequences
  become ``/Artifact <</Type /Pagination>>`` and leave the ParentTree.
- Notes (``<aside class="footnote">``, see overrides.pdf_tag and weasy.structure) get an ID,
  as a Note must; the anonymous blocks WeasyPrint makes inside them (tagged as their element)
  become NonStruct. The rest of a note split across two pages (weasy.notesplit), tagged
  NoteContinued, joins the Note it continues: one Note holds both halves.
- Lists get ListNumbering (Disc or Decimal, from ``ul`` or ``ol``), list items an LBody
  beside their Lbl, header cells Scope Column.
- Pages with annotations get ``/Tabs /S`` (tab order follows the structure).
- A link broken across lines has a second annotation in an anonymous (NonStruct) element:
  that element becomes a Link, as every link annotation's element must be.
"""

from __future__ import annotations

from typing import Any

import pydyf

LIST_NUMBERING = {"/UL": "/Disc", "/OL": "/Decimal"}
LISTS = ("/L", *LIST_NUMBERING)  # a list, before or after it is named L
CONTINUED = "/NoteContinued"
NOTES = ("/Note", CONTINUED)


def finish_tags(document: Any, pdf: pydyf.PDF) -> None:
    """Apply every rule above to ``pdf`` (a no-op on an untagged PDF)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    objects = pdf.objects
    root = _get(objects, pdf.catalog["StructTreeRoot"])
    reachable = _reachable(objects, root)
    notes: list[pydyf.Dictionary] = []
    continued: list[tuple[pydyf.Dictionary | None, pydyf.Dictionary]] = []
    for number in sorted(reachable):
        element = objects[number]
        kind = element.get("S")
        if kind == "/Note" and _get(objects, element["P"]).get("S") in NOTES:
            element["S"] = "/NonStruct"  # an anonymous block inside the note
        elif kind == "/Note":
            notes.append(element)
            element["ID"] = pydyf.String(f"note-{len(notes)}")
        elif kind == CONTINUED:
            continued.append((notes[-1] if notes else None, element))
        elif kind in LIST_NUMBERING:
            element["S"] = "/L"
            element["A"] = pydyf.Dictionary({"O": "/List", "ListNumbering": LIST_NUMBERING[kind]})
        elif kind == "/LI":
            _label_and_body(pdf, element)
        elif kind != "/Link" and _holds_link(pdf, element):
            element["S"] = "/Link"  # a link's fragment on the next line, with its annotation
        elif kind == "/TH":
            element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = "/Column"
    for note, rest in continued:
        _join(pdf, note, rest)
    _furniture_as_artifacts(pdf, root, reachable)
    for page in _pages(pdf):
        if page.get("Annots"):
            page["Tabs"] = "/S"


def _join(pdf: pydyf.PDF, note: pydyf.Dictionary | None, rest: pydyf.Dictionary) -> None:
    """Move the kids of ``rest`` (a note's continuation on the next page) to the end of
    ``note`` and take ``rest`` out of the tree; a continuation of no note, or holding marked
    content of its own (its page's), stays a Note of its own."""
    kids = list(rest["K"])
    if note is None or not all(_kind(pdf, kid) for kid in kids):
        rest["S"] = "/Note"
        rest["ID"] = pydyf.String(f"note-continued-{rest.reference.split()[0].decode()}")
        return
    for kid in kids:
        _get(pdf.objects, kid)["P"] = note.reference
        note["K"].append(kid)
    parent = _get(pdf.objects, rest["P"])
    parent["K"] = pydyf.Array([kid for kid in parent["K"] if kid != rest.reference])


def _label_and_body(pdf: pydyf.PDF, item: pydyf.Dictionary) -> None:
    """Put what a list item holds besides its label (Lbl) into one LBody, as PDF/UA wants:
    with the marker inside the first line (article.css), WeasyPrint tags the item's text as
    its direct children."""
    _hoist_label(pdf, item)
    kids = list(item["K"])
    body = [kid for kid in kids if _kind(pdf, kid) != "/Lbl"]
    if not body or [_kind(pdf, kid) for kid in body] == ["/LBody"]:
        return
    wrapper = pydyf.Dictionary(
        {"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(body), "P": item.reference}
    )
    if "Pg" in item:
        wrapper["Pg"] = item["Pg"]
    pdf.add_object(wrapper)
    for kid in body:
        if _kind(pdf, kid):
            _get(pdf.objects, kid)["P"] = wrapper.reference
    item["K"] = pydyf.Array(
        [*(kid for kid in kids if _kind(pdf, kid) == "/Lbl"), wrapper.reference]
    )


def _hoist_label(pdf: pydyf.PDF, item: pydyf.Dictionary) -> None:
    """Make an item's Lbl its first kid when WeasyPrint tagged it inside the item's first
    block (weasy.overrides moves a marker into the first line of a paragraph, quote or code
    that opens the item)."""
    kids = list(item["K"])
    if not kids or "/Lbl" in (_kind(pdf, kid) for kid in kids):
        return
    holder = kids[0]
    while _kind(pdf, holder) not in ("", "/Lbl", *LISTS):
        element = _get(pdf.objects, holder)
        if not element["K"]:
            return
        first = element["K"][0]
        if _kind(pdf, first) == "/Lbl":
            element["K"] = pydyf.Array(list(element["K"])[1:])
            _get(pdf.objects, first)["P"] = item.reference
            item["K"] = pydyf.Array([first, *kids])
            return
        holder = first


def _holds_link(pdf: pydyf.PDF, element: pydyf.Dictionary) -> bool:
    """Whether an element holds a link annotation (an object reference to one)."""
    for kid in element.get("K", []):
        target = _get(pdf.objects, kid) if isinstance(kid, bytes) and kid.endswith(b" R") else None
        if isinstance(target, dict) and target.get("Type") == "/OBJR":
            annotation = _get(pdf.objects, target["Obj"])
            if annotation.get("Subtype") == "/Link":
                return True
    return False


def _kind(pdf: pydyf.PDF, kid: Any) -> str:
    """The structure type a kid of an element refers to ("" for marked content)."""
    if isinstance(kid, bytes) and kid.endswith(b" R"):
        target = _get(pdf.objects, kid)
        return str(target.get("S", "")) if isinstance(target, dict) else ""
    return ""


def _get(objects: list[Any], reference: bytes) -> Any:
    return objects[int(reference.split()[0])]


def _pages(pdf: pydyf.PDF) -> list[Any]:
    """The page dictionaries in order (pydyf lists them as ``number, 0, 'R'`` triples)."""
    return [pdf.objects[number] for number in pdf.pages["Kids"][::3]]


def _reachable(objects: list[Any], root: pydyf.Dictionary) -> set[int]:
    """The object numbers of the structure elements reachable from the tree's root."""
    seen: set[int] = set()
    pending = list(root.get("K", []))
    while pending:
        kid = pending.pop()
        if isinstance(kid, bytes) and kid.endswith(b" R"):
            number = int(kid.split()[0])
            element = objects[number]
            if number in seen or not isinstance(element, dict) or "S" not in element:
                continue
            seen.add(number)
            pending.extend(element.get("K", []))
    return seen


def _furniture_as_artifacts(pdf: pydyf.PDF, root: pydyf.Dictionary, reachable: set[int]) -> None:
    """Turn marked content whose element is outside the tree into pagination artifacts."""
    objects = pdf.objects
    nums = _get(objects, root["ParentTree"])["Nums"]
    pages = _pages(pdf)
    for index in range(0, len(nums), 2):
        key, entries = nums[index], nums[index + 1]
        if not isinstance(entries, pydyf.Array) or not isinstance(key, int) or key >= len(pages):
            continue
        lost = {
            mcid
            for mcid, entry in enumerate(entries)
            if isinstance(entry, bytes) and int(entry.split()[0]) not in reachable
        }
        if not lost:
            continue
        for mcid in lost:
            entries[mcid] = b"null"
        contents = _get(objects, pages[key]["Contents"])
        stream = contents.stream
        for position, item in enumerate(stream):
            if (
                isinstance(item, pydyf.Dictionary)
                and item.get("MCID") in lost
                and position + 1 < len(stream)
                and stream[position + 1] == b"BDC"
            ):
                stream[position - 1] = "/Artifact"
                stream[position] = pydyf.Dictionary({"Type": "/Pagination"})
