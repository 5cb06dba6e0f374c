"""Read outputs back with readers this project did not write and prove nothing was lost.

Every block of the source (heading, paragraph, list item, table cell, caption, footnote) is
reduced to its letters and digits, casefolded, and must be found in the output's text, in order.
A PDF is read as positioned runs (:mod:`.pdfpage`): the running head, the footer, the notes at
the foot of each page, the note calls and the list markers are told apart by where they sit,
so the body reads on unbroken across pages and each note is checked on the page of its call.
The memo is read paragraph by paragraph with its list numbering (:mod:`.memoread`).
Every finding names the source line it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from briefexport.commands.pdfpage import Page, classify, letters, read_pages
from briefexport.errors import one_line
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.render.text import NOTE_MARK, plain_text

BLOCKS = {"heading", "paragraph", "th", "td"}
FLOATS = {"table cell", "caption"}
"""Blocks the PDF may move past the text after them (a figure or short table that does not fit)."""
BULLETS = ("•", "–", "›")
"""The PDF's bullet at each depth of nested bullet lists (``article.css``)."""

__all__ = ["Block", "Finding", "letters", "missing_in_order", "source_blocks", "verify_article"]


@dataclass(frozen=True)
class Block:
    """One piece of source text that must reach the output, and the file line it is on."""

    kind: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class ListItem:
    """A list item as the source numbers it: its marker, depth, and the list it belongs to."""

    ordered: bool
    number: int
    depth: int
    bullet_depth: int
    tree: int
    block: Block

    @property
    def pdf_marker(self) -> str:
        """The marker ``article.css`` draws: ``3.``, or the bullet of its bullet depth."""
        if self.ordered:
            return f"{self.number}."
        return BULLETS[min(self.bullet_depth, len(BULLETS)) - 1]


LINE_PREFIX = re.compile(r"^line (\d+): ")
"""How a problem names the line of the source it is about."""


@dataclass(frozen=True)
class Finding:
    """The verdict on one output: the source blocks it lost, and the checks it failed (each a
    sentence, ``line N: ...`` when it is about a line of the source)."""

    path: Path
    missing: list[Block] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was lost and no check failed."""
        return not self.missing and not self.problems

    def messages(self, source: Path) -> list[Message]:
        """The verdict as located errors: a lost block, or a problem about a line, at that line
        of ``source``; a problem with the output as a whole at the output."""
        found = [
            Message(source, block.line, f"missing {block.kind}: {block.text[:70]}", "error")
            for block in self.missing
        ]
        for problem in self.problems:
            match = LINE_PREFIX.match(problem)
            if match:
                found.append(Message(source, int(match[1]), problem[match.end() :], "error"))
            else:
                found.append(Message(self.path, 1, problem, "error"))
        return found


PdfCheck = Callable[[Path], list[str]]


def pdfua_problems(path: Path) -> list[str]:
    """The Matterhorn Protocol's machine-checkable failure conditions the PDF meets."""
    from briefexport.readback.pdfua import check_pdfua

    return [f"PDF/UA: {failure}" for failure in check_pdfua(path.read_bytes())]


PDF_CHECKS: list[PdfCheck] = [pdfua_problems]
"""Further checks of every laid-out PDF: each returns its problems as sentences."""


def source_blocks(article: Article) -> tuple[list[Block], list[Block]]:
    """The body's blocks in reading order, and the footnotes in theirs."""
    body: list[Block] = []
    notes: list[Block] = []
    for node in article.body.children:
        target = notes if node.type == "footnote_block" else body
        target.extend(_blocks(node, article.body_first_line))
    return body, notes


def source_notes(article: Article) -> list[Block]:
    """Each note, its paragraphs joined, in the order the PDF numbers them: at its first call
    in the body, the notes it cites right after it (breadth first)."""
    notes = {
        int(node.meta["id"]): node
        for block in article.body.children
        if block.type == "footnote_block"
        for node in block.children
    }

    def first_calls(node: SyntaxTreeNode) -> list[int]:
        return [
            int(ref.meta["id"])
            for ref in node.walk()
            if ref.type == "footnote_ref"
            and not ref.meta.get("subId", 0)
            and int(ref.meta["id"]) in notes
        ]

    order: list[int] = []
    for top in article.body.children:
        if top.type == "footnote_block":
            continue
        for note_id in first_calls(top):
            queue = [note_id]
            order.append(note_id)
            while queue:
                paragraphs = [c for c in notes[queue.pop(0)].children if c.type == "paragraph"]
                cited = [i for paragraph in paragraphs for i in first_calls(paragraph)]
                order += cited
                queue += cited
    return [_note_block(notes[note_id], article.body_first_line) for note_id in order]


def _note_block(note: SyntaxTreeNode, first: int) -> Block:
    paragraphs = [plain_text(c, NOTE_MARK) for c in note.children if c.type == "paragraph"]
    skip = ("paragraph", "footnote_anchor")
    others = [plain_text(c) for c in note.children if c.type not in skip]
    line = first + next((n.map[0] for n in note.walk() if n.map), 0)
    return Block("footnote", NOTE_MARK.join(paragraphs + others), line)


def _line(node: SyntaxTreeNode, first: int) -> int:
    while node.map is None and node.parent is not None:
        node = node.parent
    return first + (node.map[0] if node.map else 0)


def _blocks(node: SyntaxTreeNode, first: int) -> Iterator[Block]:
    if node.type in BLOCKS:
        line = _line(node, first)
        text = plain_text(node, NOTE_MARK)
        kind = "list item" if node.parent and node.parent.type == "list_item" else node.type
        if node.type == "paragraph" and _is_figure(node):
            caption = _figure_caption(node)
            if caption:
                yield Block("caption", caption, line)
            return
        if text:
            yield Block({"th": "table cell", "td": "table cell"}.get(kind, kind), text, line)
        return
    if node.type in ("code_block", "fence"):
        yield Block("code", node.content, _line(node, first))
        return
    for child in node.children:
        yield from _blocks(child, first)


def list_items(article: Article) -> list[ListItem]:
    """Every list item of the body (not of the notes), in reading order."""
    items: list[ListItem] = []
    trees = 0
    for top in article.body.children:
        if top.type == "footnote_block":
            continue
        for node in top.walk():
            if node.type != "list_item" or node.parent is None:
                continue
            lists = [a for a in _ancestors(node) if a.type in ("bullet_list", "ordered_list")]
            if len(lists) == 1 and node is node.parent.children[0]:
                trees += 1
            ordered = node.parent.type == "ordered_list"
            start = int(node.parent.attrs.get("start", 1)) if ordered else 1
            number = start + node.parent.children.index(node)
            text = next(iter(_blocks(node, article.body_first_line)), None)
            block = text or Block("list item", "", _line(node, article.body_first_line))
            bullets = sum(a.type == "bullet_list" for a in lists)
            items.append(ListItem(ordered, number, len(lists), bullets, trees, block))
    return items


def _ancestors(node: SyntaxTreeNode) -> Iterator[SyntaxTreeNode]:
    while node.parent is not None:
        node = node.parent
        yield node


def source_images(article: Article) -> list[Block]:
    """Every image of the body the sandbox lets the build embed (a refused one is a build
    warning at its line), with its alternative text, in reading order: a "figure" when it is
    its paragraph's only content (the PDF floats it), else an "image"."""
    from briefexport.sandbox.images import locate
    from briefexport.sandbox.policy import ResourcePolicy

    policy = ResourcePolicy(roots=(article.folder,))
    return [
        Block(
            "figure"
            if paragraph and paragraph.type == "paragraph" and _is_figure(paragraph)
            else "image",
            plain_text(node),
            _line(node, article.body_first_line),
        )
        for node in article.body.walk()
        if node.type == "image" and locate(article, node, policy).usable
        for paragraph in [node.parent.parent if node.parent else None]
    ]


def _is_figure(node: SyntaxTreeNode) -> bool:
    inline = node.children[0] if node.children else None
    return bool(inline and len(inline.children) == 1 and inline.children[0].type == "image")


def _figure_caption(node: SyntaxTreeNode) -> str:
    return str(node.children[0].children[0].attrs.get("title") or "")


def missing_in_order(blocks: Iterable[Block], haystack: str) -> list[Block]:
    """Blocks not found in ``haystack`` after the previous block's position.

    The cells of one table count as a group: readers disagree on the order they extract
    cells in, so each cell only has to follow the text before the table. Tables and figure
    captions float (the PDF moves a figure or short table that does not fit past the text
    after it), so that text only has to follow what came before the float.
    """
    missing = []
    position = group_start = 0
    previous_kind = ""
    for block in blocks:
        if block.kind in FLOATS:
            if previous_kind not in FLOATS:
                group_start = position
            position = group_start
        elif previous_kind in FLOATS:
            position = group_start
        previous_kind = block.kind
        end = find_block(block, haystack, position)
        if end < 0:
            missing.append(block)
        else:
            position = end
    return missing


def find_block(block: Block, haystack: str, position: int) -> int:
    """Where the block ends in ``haystack`` (its pieces between footnote calls in order), or -1."""
    for needle in filter(None, map(letters, block.text.split(NOTE_MARK))):
        found = haystack.find(needle, position)
        if found < 0:
            return -1
        position = found + len(needle)
    return position


def verify_article(
    article: Article, out: Path, formats: Iterable[str], publisher: str
) -> list[Finding]:
    """Check each built output of one article with its format's verifier (the registry's
    row says which); ``publisher`` is the running head's right side."""
    from briefexport.writers import lookup, output_path, verifier

    findings = []
    for name in formats:
        lookup(name)
        path = output_path(out, article, name)
        if not path.exists():
            findings.append(Finding(path, problems=["not built (run invoke build)"]))
        else:
            try:
                findings.append(verifier(name)(article, path, publisher))
            except Exception as exc:  # pypdf's and python-docx's many errors: the file's fault
                problem = f"cannot be read back ({type(exc).__name__}: {one_line(str(exc))})"
                findings.append(Finding(path, problems=[problem]))
    return findings


def verify_pdf(article: Article, path: Path, publisher: str) -> Finding:
    """Every block in order; every note at the foot of its call's page, in call order; list
    markers and depths; images; end matter; tagged; every font embedded; contents, captions
    and references (:mod:`briefexport.commands.verify_report`)."""
    from briefexport.commands.verify_report import page_texts, report_problems
    from briefexport.labels import labels

    pages = read_pages(path)
    words = labels(article.lang)
    furniture = [
        ([article.running_title, publisher] if number > 1 else [])
        + [f"{words['page']} {number} {words['of']} {len(pages)}"]
        for number in range(1, len(pages) + 1)
    ]
    classify(pages, furniture)
    body, _ = source_blocks(article)
    notes = source_notes(article)
    head = [Block("title", article.title, key_line(article, "title"))]
    tail = end_blocks(article)
    text = "".join(page.text("body") for page in pages)
    lost_notes, note_trouble = note_problems(notes, pages)
    return Finding(
        path,
        missing_in_order([*head, *body, *tail], text) + lost_notes,
        note_trouble
        + pdf_list_problems(list_items(article), pages)
        + image_problems(source_images(article), pdf_figures(path), "PDF")
        + report_problems(article, page_texts(path))
        + pdf_checks(path),
    )


def pdf_checks(path: Path) -> list[str]:
    """What every laid-out PDF must be (tagged, fonts embedded), and the registered checks."""
    return pdf_structure_problems(path) + [p for check in PDF_CHECKS for p in check(path)]


def key_line(article: Article, *key: str) -> int:
    """The file line of a front matter key path, or of its nearest parent that has one."""
    lines = article.front_matter_lines
    return next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), 1)


def end_blocks(article: Article) -> list[Block]:
    """The authors' bios and the copyright line."""
    blocks = [
        Block("bio", author.bio, key_line(article, "author", str(index), "bio"))
        for index, author in enumerate(article.authors)
        if author.bio
    ]
    if article.copyright:
        blocks.append(Block("copyright", article.copyright, key_line(article, "copyright")))
    return blocks


def note_problems(notes: list[Block], pages: list[Page]) -> tuple[list[Block], list[str]]:
    """The notes lost and the problems with the rest: each note must be found at the foot of
    a page, word for word, numbered in call order, on the page of its first call (or, when it
    cannot fit, leading the next page's notes, as typesetters carry notes over; never
    further)."""
    missing: list[Block] = []
    problems: list[str] = []
    printed = [(page.number, n, text) for page in pages for n, text in page.notes()]
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
    numbers = [n for _, n, _ in printed]
    if numbers != sorted(numbers) or body_calls != sorted(body_calls):
        problems.append(
            f"notes are not numbered in the order of their calls (calls {_few(body_calls)}, "
            f"notes {_few(numbers)})"
        )
    for number, note in enumerate(notes, start=1):
        found = [(where, text) for where, n, text in printed if n == number]
        if not found:
            missing.append(note)
            continue
        where, text = found[0]
        if find_block(note, text, 0) < 0:
            missing.append(note)
        call = first_call.get(number)
        if call is None:
            problems.append(f"line {note.line}: note {number} has no call in the text")
        elif call != where and not (number in carried and where == call + 1):
            problems.append(
                f"line {note.line}: note {number} is printed on page {where}, "
                f"its call on page {call}"
            )
    return missing, problems


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


def image_problems(expected: list[Block], alts: list[str], output: str) -> list[str]:
    """Every image of the source, by its alternative text, present and in order; a figure
    may float later (past the images after it), never earlier."""
    found = [letters(alt) for alt in alts]
    floats = {letters(image.text) for image in expected if image.kind == "figure"}
    for floating in (False, True):
        # the figures in their order, the other images in theirs
        mine = [(i, b) for i, b in enumerate(expected) if (b.kind == "figure") == floating]
        where = [i for i, alt in enumerate(found) if (alt in floats) == floating]
        for (index, image), at in zip(mine, where + [-1] * len(mine), strict=False):
            if at < 0:
                return [f"line {image.line}: image '{image.text[:40]}' missing from the {output}"]
            if found[at] != letters(image.text) or (floating and at < index):
                return [
                    f"line {image.line}: image '{image.text[:40]}' not where the {output} has it"
                ]
    if len(found) > len(expected):
        return [f"{len(found) - len(expected)} more images in the {output} than in the source"]
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


def verify_press(article: Article, path: Path, publisher: str) -> Finding:
    """The print PDF's checks, and an OutputIntent naming the press's colour condition."""
    from pypdf import PdfReader

    from briefexport.readback.pdfx import check_pdfx

    finding = verify_pdf(article, path, publisher)
    root: Any = PdfReader(path).trailer["/Root"]
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    if any(intent.get("/S") == "/GTS_PDFX" for intent in intents):
        problems = [f"PDF/X: {problem}" for problem in check_pdfx(path.read_bytes())]
    else:
        problems = ["no PDF/X OutputIntent: a press cannot tell the colours it needs"]
    return Finding(path, finding.missing, [*finding.problems, *problems])


def verify_summary(article: Article, path: Path, publisher: str) -> Finding:
    """Exactly one page holding the bottom line, every key point and recommendation."""
    pages = read_pages(path)
    text = "".join(page.text("body") for page in pages)
    pages_problem = [] if len(pages) == 1 else [f"{len(pages)} pages, not one"]
    return Finding(
        path, missing_in_order(summary_blocks(article), text), pages_problem + pdf_checks(path)
    )


def summary_blocks(article: Article) -> list[Block]:
    """The summary's items, each at its line in the front matter (line 1 when derived)."""
    summary = article.effective_summary.plain(article.lang)
    line = key_line(article, "summary", "bottom-line")
    blocks = [Block("bottom line", summary.bottom_line, line)]
    for key, kind, items in (
        ("key-points", "key point", summary.key_points),
        ("recommendations", "recommendation", summary.recommendations),
    ):
        blocks += [
            Block(kind, item, key_line(article, "summary", key, str(index)))
            for index, item in enumerate(items)
        ]
    return blocks


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
