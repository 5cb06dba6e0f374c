"""The machine-checkable failure conditions of the Matterhorn Protocol 1.1 (PDF/UA-1), read
with pikepdf from the bytes of a PDF.

Covered (checkpoint: condition): 01-003/01-004 artifact and tagged content nested in each
other; 01-005 content neither tagged nor an artifact, or tagged with a structure element that
is not in the structure tree; 02-001 a non-standard structure type without a role mapping;
06-001/002/003 no XMP metadata, no ``pdfuaid:part``, no ``dc:title``; 07-001/002
``DisplayDocTitle`` missing or false; 09-004/09-005 table and list elements out of their
nesting (TR in a table, TH/TD in TR; LI in L, Lbl/LBody in LI); 10-001 a font without
ToUnicode; 11-006 no document language; 13-004 a Figure without Alt or ActualText; 14-002/003
headings that do not start at H1 or skip a level; 15-003 a TH without Scope; 16-002 a list
with labels but no ListNumbering; 19-003/004 a Note without an ID or with a repeated one;
28-002 an annotation outside the structure tree; 28-008/009 a page with annotations and no
``/Tabs /S``; 28-011 a link annotation not in a Link element; 28-012 a link annotation without
Contents; 31-009 a font program not embedded. The checkpoints that need a person (reading
order, the meaning of alt text, colour contrast...) are not covered.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

EMPTY = pikepdf.Dictionary()

STANDARD_TYPES = """Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference
BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form"""
STANDARD = frozenset(STANDARD_TYPES.split())
PAINTING = frozenset(
    ["Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"]
)
NESTING = {  # parent -> the children it may hold (09-004, 09-005)
    "L": ("09-005", {"LI", "L", "Caption"}),
    "LI": ("09-005", {"Lbl", "LBody"}),
    "Table": ("09-004", {"TR", "THead", "TBody", "TFoot", "Caption"}),
    "THead": ("09-004", {"TR"}),
    "TBody": ("09-004", {"TR"}),
    "TFoot": ("09-004", {"TR"}),
    "TR": ("09-004", {"TH", "TD"}),
}


@dataclass(frozen=True)
class Failure:
    """One failure condition met: its Matterhorn checkpoint, the page (1-based, 0 for the
    document) and what is wrong."""

    checkpoint: str
    page: int
    message: str

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        return f"Matterhorn {self.checkpoint}: {where}{self.message}"


@dataclass
class _Tree:
    """The structure tree as read: elements in document order with their resolved types."""

    roles: dict[str, str]
    elements: list[tuple[pikepdf.Dictionary, str]] = field(default_factory=list)
    reachable: set[tuple[int, int]] = field(default_factory=set)

    def kind(self, element: pikepdf.Dictionary) -> str:
        name = str(element.get("/S", "/"))[1:]
        seen = set()
        while name not in STANDARD and name in self.roles and name not in seen:
            seen.add(name)
            name = self.roles[name]
        return name


def check_pdfua(data: bytes) -> list[Failure]:
    """Every machine-checkable Matterhorn failure condition the PDF meets (see module)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [*_document(pdf), *_structure(pdf), *_pages(pdf)]


def _document(pdf: pikepdf.Pdf) -> Iterator[Failure]:
    root = pdf.Root
    metadata = root.get("/Metadata")
    xmp = metadata.read_bytes() if isinstance(metadata, pikepdf.Stream) else b""
    if not xmp:
        yield Failure("06-001", 0, "the catalog has no XMP metadata stream")
    elif b"pdfuaid:part" not in xmp:
        yield Failure("06-002", 0, "the XMP metadata has no pdfuaid:part")
    if xmp and b"dc:title" not in xmp:
        yield Failure("06-003", 0, "the XMP metadata has no dc:title")
    preferences = root.get("/ViewerPreferences", EMPTY)
    if "/DisplayDocTitle" not in preferences:
        yield Failure("07-001", 0, "ViewerPreferences has no DisplayDocTitle")
    elif not bool(preferences["/DisplayDocTitle"]):
        yield Failure("07-002", 0, "DisplayDocTitle is false")
    if not str(root.get("/Lang", "")).strip():
        yield Failure("11-006", 0, "the catalog has no Lang: the document's language is unknown")


def _read_tree(pdf: pikepdf.Pdf) -> _Tree:
    tree_root = pdf.Root.get("/StructTreeRoot")
    roles = {}
    if tree_root is not None and "/RoleMap" in tree_root:
        roles = {str(k)[1:]: str(v)[1:] for k, v in tree_root.RoleMap.items()}
    tree = _Tree(roles)
    stack = [tree_root.get("/K")] if tree_root is not None else []
    pending: list[object] = list(reversed(stack))
    while pending:
        node = pending.pop()
        if isinstance(node, pikepdf.Array):
            pending.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") != "/MCR":
            if "/S" not in node:
                continue
            if node.is_indirect:
                if node.objgen in tree.reachable:
                    continue
                tree.reachable.add(node.objgen)
            tree.elements.append((node, tree.kind(node)))
            pending.append(node.get("/K"))
    return tree


def _children(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in items if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _structure(pdf: pikepdf.Pdf) -> Iterator[Failure]:
    tree = _read_tree(pdf)
    if "/StructTreeRoot" not in pdf.Root:
        yield Failure("01-005", 0, "the document has no structure tree")
        return
    level = 0
    note_ids: set[bytes] = set()
    for element, kind in tree.elements:
        if kind not in STANDARD:
            yield Failure("02-001", 0, f"structure type {kind} is not mapped to a standard one")
        attributes = element.get("/A", EMPTY)
        attributes = attributes[0] if isinstance(attributes, pikepdf.Array) else attributes
        if kind == "Figure" and "/Alt" not in element and "/ActualText" not in element:
            yield Failure("13-004", 0, "a Figure has no alternative text (Alt)")
        elif kind in ("H1", "H2", "H3", "H4", "H5", "H6"):
            number = int(kind[1])
            if level == 0 and number != 1:
                yield Failure("14-002", 0, f"the first heading is {kind}, not H1")
            elif number > level + 1 and level:
                yield Failure("14-003", 0, f"heading level skipped: H{level} then {kind}")
            level = number
        elif kind == "TH" and "/Scope" not in attributes:
            yield Failure("15-003", 0, "a table header cell (TH) has no Scope")
        elif kind == "Note":
            identifier = bytes(element.get("/ID", b""))
            if not identifier:
                yield Failure("19-003", 0, "a Note has no ID")
            elif identifier in note_ids:
                yield Failure("19-004", 0, f"Note ID {identifier.decode(errors='replace')} repeats")
            note_ids.add(identifier)
        kinds = [tree.kind(child) for child in _children(element)]
        if kind in NESTING:
            checkpoint, allowed = NESTING[kind]
            for wrong in sorted(set(kinds) - allowed):
                yield Failure(checkpoint, 0, f"{wrong} inside {kind}")
        labelled = any("Lbl" in map(tree.kind, _children(i)) for i in _children(element))
        if kind == "L" and labelled and "/ListNumbering" not in attributes:
            yield Failure("16-002", 0, "a list with labels has no ListNumbering attribute")
    yield from _orphans(pdf, tree)


def _orphans(pdf: pikepdf.Pdf, tree: _Tree) -> Iterator[Failure]:
    """01-005: ParentTree entries for page content whose element is not in the tree."""
    parent_tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    nums = list(parent_tree.get("/Nums", [])) if parent_tree is not None else []
    for index, page in enumerate(pdf.pages, 1):
        key = page.obj.get("/StructParents")
        if key is None:
            continue
        entries = next((nums[i + 1] for i in range(0, len(nums), 2) if nums[i] == key), None)
        if not isinstance(entries, pikepdf.Array):
            continue
        lost = sum(
            1
            for entry in entries
            if isinstance(entry, pikepdf.Dictionary) and entry.objgen not in tree.reachable
        )
        if lost:
            yield Failure(
                "01-005",
                index,
                f"{lost} marked-content sequences belong to structure elements outside the "
                "structure tree (neither real content nor artifacts)",
            )


def _pages(pdf: pikepdf.Pdf) -> Iterator[Failure]:
    parent_tree = pdf.Root.get("/StructTreeRoot", EMPTY).get("/ParentTree")
    nums = list(parent_tree.get("/Nums", [])) if parent_tree is not None else []
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    fonts_seen: set[tuple[int, int]] = set()
    for index, page in enumerate(pdf.pages, 1):
        yield from _content(page, index)
        yield from _annotations(page, index, parents)
        yield from _fonts(page, index, fonts_seen)


def _content(page: pikepdf.Page, index: int) -> Iterator[Failure]:
    """01-003, 01-004, 01-005 from the page's content stream."""
    stack: list[str] = []  # "artifact", "tagged" or "other" per open sequence
    untagged = mixed = 0
    for instruction in pikepdf.parse_content_stream(page):
        operands, op = list(instruction.operands), str(instruction.operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            mcid = op == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
            mcid = mcid and "/MCID" in operands[1]
            kind = "artifact" if tag == "/Artifact" else "tagged" if mcid else "other"
            if {kind, *stack} >= {"artifact", "tagged"}:
                mixed += 1
            stack.append(kind)
        elif op == "EMC" and stack:
            stack.pop()
        elif op in PAINTING and not {"artifact", "tagged"} & set(stack):
            untagged += 1
    if untagged:
        yield Failure("01-005", index, f"{untagged} paintings neither tagged nor artifact")
    if mixed:
        yield Failure("01-004", index, f"{mixed} artifacts and tagged content nested in each other")


def _annotations(
    page: pikepdf.Page, index: int, parents: dict[int, pikepdf.Object]
) -> Iterator[Failure]:
    annotations = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") != "/Popup"]
    if not annotations:
        return
    if "/Tabs" not in page.obj:
        yield Failure("28-008", index, "a page with annotations has no Tabs key")
    elif page.obj.Tabs != "/S":
        yield Failure("28-009", index, "the page's Tabs key is not /S")
    for annotation in annotations:
        key = annotation.get("/StructParent")
        parent = parents.get(int(key)) if key is not None else None
        if not isinstance(parent, pikepdf.Dictionary):
            yield Failure("28-002", index, "an annotation is not in the structure tree")
        elif annotation.get("/Subtype") == "/Link" and parent.get("/S") != "/Link":
            yield Failure("28-011", index, "a link annotation is not in a Link element")
        if annotation.get("/Subtype") == "/Link" and not str(annotation.get("/Contents", "")):
            yield Failure("28-012", index, "a link annotation has no Contents")


def _fonts(page: pikepdf.Page, index: int, seen: set[tuple[int, int]]) -> Iterator[Failure]:
    fonts = page.obj.get("/Resources", EMPTY).get("/Font", EMPTY)
    for font in fonts.values():
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        described = list(font.get("/DescendantFonts", [font]))
        for part in described:
            descriptor = part.get("/FontDescriptor", EMPTY)
            if part.get("/Subtype") != "/Type3" and not any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                yield Failure("31-009", index, f"font {font.get('/BaseFont')} is not embedded")
        if "/ToUnicode" not in font and font.get("/Subtype") != "/Type3":
            yield Failure("10-001", index, f"font {font.get('/BaseFont')} has no ToUnicode map")
