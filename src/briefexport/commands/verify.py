"""Read outputs back with readers this project did not write and prove nothing was lost.

Every block of the source (heading, paragraph, list item, table cell, caption, footnote) is
reduced to its letters and digits, casefolded, and must be found in the output's text, in order
(footnotes in their own order, since they sit at the foot of pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from briefexport.model import Article
from briefexport.render.text import NOTE_MARK, plain_text

NON_WORD = re.compile(r"[\W_]+")
BLOCKS = {"heading", "paragraph", "th", "td"}


@dataclass(frozen=True)
class Block:
    """One piece of source text that must reach the output."""

    kind: str
    text: str


@dataclass
class Finding:
    """The verdict on one output."""

    path: Path
    missing: list[Block] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was lost and no check failed."""
        return not self.missing and not self.problems


def letters(text: str) -> str:
    """Letters and digits only, casefolded: immune to hyphenation, line breaks and quotes."""
    return NON_WORD.sub("", text.casefold())


def source_blocks(article: Article) -> tuple[list[Block], list[Block]]:
    """The body's blocks in reading order, and the footnotes in theirs."""
    body: list[Block] = []
    notes: list[Block] = []
    for node in article.body.children:
        target = notes if node.type == "footnote_block" else body
        target.extend(_blocks(node))
    return body, notes


def _blocks(node: SyntaxTreeNode) -> Iterator[Block]:
    if node.type in BLOCKS:
        text = plain_text(node, NOTE_MARK)
        kind = "list item" if node.parent and node.parent.type == "list_item" else node.type
        if node.type == "paragraph" and _is_figure(node):
            caption = _figure_caption(node)
            if caption:
                yield Block("caption", caption)
            return
        if text:
            yield Block({"th": "table cell", "td": "table cell"}.get(kind, kind), text)
        return
    if node.type in ("code_block", "fence"):
        yield Block("code", node.content)
        return
    for child in node.children:
        yield from _blocks(child)


def _is_figure(node: SyntaxTreeNode) -> bool:
    inline = node.children[0] if node.children else None
    return bool(inline and len(inline.children) == 1 and inline.children[0].type == "image")


def _figure_caption(node: SyntaxTreeNode) -> str:
    return str(node.children[0].children[0].attrs.get("title") or "")


def missing_in_order(blocks: Iterable[Block], haystack: str) -> list[Block]:
    """Blocks not found in ``haystack`` after the previous block's position.

    The cells of one table count as a group: readers disagree on the order they extract
    cells in, so each cell only has to follow the text before the table.
    """
    missing = []
    position = group_start = group_end = 0
    previous_kind = ""
    for block in blocks:
        if block.kind == "table cell":
            if previous_kind != "table cell":
                group_start = group_end = position
            position = group_start
        elif previous_kind == "table cell":
            position = group_end
        previous_kind = block.kind
        end = _find_segments(block, haystack, position)
        if end < 0:
            missing.append(block)
        else:
            position = end
            group_end = max(group_end, end)
    return missing


def _find_segments(block: Block, haystack: str, position: int) -> int:
    """Where the block ends in ``haystack`` (its pieces between footnote calls in order), or -1."""
    for needle in filter(None, map(letters, block.text.split(NOTE_MARK))):
        found = haystack.find(needle, position)
        if found < 0:
            return -1
        position = found + len(needle)
    return position


def pdf_pages(path: Path) -> list[str]:
    """Each page's text as pypdf extracts it."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


def strip_furniture(pages: list[str], furniture: list[list[str]]) -> list[str]:
    """Each page's letters, its running head and footer (at its end) taken out."""
    stripped = []
    for page, items in zip(pages, furniture, strict=True):
        text = letters(page)
        for item in sorted(map(letters, items), key=len, reverse=True):
            cut = text.rfind(item) if item else -1
            if cut >= 0 and cut + len(item) >= len(text) - 300:
                text = text[:cut] + text[cut + len(item) :]
        stripped.append(text)
    return stripped


def strip_notes(pages: list[str], notes: list[Block]) -> str:
    """The pages' letters joined with each footnote, and the number before it, cut from the
    foot of its page: a paragraph running over a page break then reads on unbroken. Every cut
    is found in the page as extracted (cutting one note must not join the figures of a table
    above to the next note's number), and a number has at most as many digits as the count of
    notes."""
    digits = len(str(len(notes)))
    segments = [
        re.compile(rf"\d{{0,{digits}}}{re.escape(needle)}")
        for note in notes
        for needle in filter(None, map(letters, note.text.split(NOTE_MARK)))
    ]
    joined = []
    for text in pages:
        kept = [True] * len(text)
        for segment in segments:
            found = [*segment.finditer(text)]
            if found:
                kept[found[-1].start() : found[-1].end()] = [False] * len(found[-1][0])
        joined.append("".join(c for c, keep in zip(text, kept, strict=True) if keep))
    return "".join(joined)


def verify_article(
    article: Article, out: Path, formats: Iterable[str], publisher: str
) -> list[Finding]:
    """Check each built output of one article; ``publisher`` is the running head's right side."""
    from briefexport.writers import lookup, output_path

    checks = {
        "pdf": verify_pdf,
        "press": verify_pdf,
        "summary": verify_summary,
        "memo": verify_memo,
    }
    findings = []
    for name in formats:
        lookup(name)
        path = output_path(out, article, name)
        finding = Finding(path)
        if not path.exists():
            finding.problems.append("not built (run invoke build)")
        else:
            checks[name](article, path, finding, publisher)
        findings.append(finding)
    return findings


def verify_pdf(article: Article, path: Path, finding: Finding, publisher: str) -> None:
    """Every block in order, footnotes, end matter; tagged; every font embedded; contents,
    captions and references (:mod:`briefexport.commands.verify_report`)."""
    from briefexport.commands.verify_report import report_problems
    from briefexport.labels import labels

    pages = pdf_pages(path)
    words = labels(article.lang)
    furniture = [
        ([article.running_title, publisher] if number > 1 else [])
        + [f"{words['page']} {number} {words['of']} {len(pages)}"]
        for number in range(1, len(pages) + 1)
    ]
    stripped = strip_furniture(pages, furniture)
    body, notes = source_blocks(article)
    head = [Block("title", article.title)]
    tail = [Block("bio", a.bio) for a in article.authors if a.bio]
    tail += [Block("copyright", article.copyright)] if article.copyright else []
    finding.missing += missing_in_order([*head, *body, *tail], strip_notes(stripped, notes))
    finding.missing += missing_in_order(notes, "".join(stripped))
    finding.problems += pdf_structure_problems(path)
    finding.problems += report_problems(article, pages)


def verify_summary(article: Article, path: Path, finding: Finding, publisher: str) -> None:
    """Exactly one page holding the bottom line, every key point and recommendation."""
    pages = pdf_pages(path)
    if len(pages) != 1:
        finding.problems.append(f"{len(pages)} pages, not one")
    summary = article.effective_summary
    blocks = [Block("bottom line", summary.bottom_line)]
    blocks += [Block("key point", p) for p in summary.key_points]
    blocks += [Block("recommendation", r) for r in summary.recommendations]
    finding.missing += missing_in_order(blocks, "".join(map(letters, pages)))
    finding.problems += pdf_structure_problems(path)


def pdf_structure_problems(path: Path) -> list[str]:
    """Untagged PDFs and fonts that are not embedded."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(path)
    root: Any = reader.trailer["/Root"]
    problems = []
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
    return problems


def verify_memo(article: Article, path: Path, finding: Finding, publisher: str) -> None:
    """Body text (paragraphs and tables) in order and the footnotes, read with python-docx."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    def text_of(element: Any) -> str:
        return letters("".join(t.text or "" for t in element.iter(qn("w:t"))))

    document = docx.Document(str(path))
    body_text = text_of(document.element.body)
    notes_text = "".join(
        text_of(parse_xml(rel.target_part.blob))
        for rel in document.part.rels.values()
        if rel.reltype.endswith("/footnotes")
    )
    body, notes = source_blocks(article)
    head = [Block("subject", article.memo.subject or article.title)]
    finding.missing += missing_in_order([*head, *body], body_text)
    finding.missing += missing_in_order(notes, notes_text)
