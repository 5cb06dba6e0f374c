"""The memo read back with python-docx: header fields, opening, body, closing and notes in
order, every list paragraph's number or bullet and level as Word would show them, and the
pictures by their alternative text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefexport.commands.pdfpage import letters
from briefexport.commands.verify import NONE_LEFT_OUT, Finding, LeftOut, images_checked
from briefexport.commands.verify_source import (
    Block,
    ListItem,
    end_blocks,
    key_line,
    list_items,
    missing_in_order,
    source_blocks,
    summary_blocks,
)
from briefexport.model import Article


@dataclass(frozen=True)
class Numbered:
    """A list paragraph of the memo: bullet or number, its level, and its text's letters."""

    bullet: bool
    number: int
    level: int
    text: str


def verify_memo(
    article: Article, path: Path, publisher: str, left_out: LeftOut = NONE_LEFT_OUT
) -> Finding:
    """Header fields, bottom line, key points, body, recommendations, bios, copyright and notes
    in order; list markers, numbers and levels; pictures (but those the build left out)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    body_element = document.element.body
    notes_text = "".join(
        _text(parse_xml(rel.target_part.blob))
        for rel in document.part.rels.values()
        if rel.reltype.endswith("/footnotes")
    )
    body, notes = source_blocks(article)
    opening, closing = memo_summary(article)
    sequence = [*header_blocks(article), *opening, *body, *closing, *end_blocks(article)]
    alts = [str(e.get("descr", "")) for e in body_element.iter(qn("wp:docPr"))]
    image_trouble, absent = images_checked(article, alts, "memo", left_out)
    return Finding(
        path,
        missing_in_order(sequence, _text(body_element)) + missing_in_order(notes, notes_text),
        memo_list_problems(article, numbered_paragraphs(document)) + image_trouble,
        absent,
    )


def _text(element: Any) -> str:
    from docx.oxml.ns import qn

    return letters("".join(t.text or "" for t in element.iter(qn("w:t"))))


def header_blocks(article: Article) -> list[Block]:
    """TO, FROM, CC, DATE, SUBJECT as the letterhead prints them, label and value."""
    from briefexport.labels import labels

    words, memo = labels(article.lang), article.memo
    fields = (
        ("to", memo.to, ("memo", "to")),
        (
            "from",
            memo.sender or article.author_names,
            ("memo", "from") if memo.sender else ("author",),
        ),
        ("cc", memo.cc, ("memo", "cc")),
        ("date", article.date_long, ("date",)),
        (
            "subject",
            memo.subject or article.title,
            ("memo", "subject") if memo.subject else ("title",),
        ),
    )
    return [
        Block(f"memo {key}", f"{words[key]} {value}", key_line(article, *where))
        for key, value, where in fields
        if value
    ]


def memo_summary(article: Article) -> tuple[list[Block], list[Block]]:
    """The authored summary's bottom line and key points (opening) and recommendations
    (closing); a derived summary is not printed in the memo."""
    if article.summary is None:
        return [], []
    blocks = summary_blocks(article)
    closing = [b for b in blocks if b.kind == "recommendation"]
    return [b for b in blocks if b.kind != "recommendation"], closing


def numbered_paragraphs(document: Any) -> list[Numbered]:
    """Every paragraph of the body with a list number, numbered as Word counts: per list, a
    level's counter restarting under each item of the level above."""
    from docx.oxml.ns import qn

    formats = _level_formats(document)
    counters: dict[tuple[str, int], int] = {}
    found = []
    for paragraph in document.element.body.iter(qn("w:p")):
        num_id = paragraph.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        level_values = paragraph.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        if not num_id or num_id[0] == "0":
            continue
        level = int(level_values[0]) if level_values else 0
        start, fmt = formats.get((num_id[0], level), (1, "decimal"))
        count = counters.get((num_id[0], level), start - 1) + 1
        counters[(num_id[0], level)] = count
        for deeper in [key for key in counters if key[0] == num_id[0] and key[1] > level]:
            del counters[deeper]
        found.append(Numbered(fmt in ("bullet", "none"), count, level, _text(paragraph)))
    return found


def _level_formats(document: Any) -> dict[tuple[str, int], tuple[int, str]]:
    """(numId, level) → (start, numFmt), start overrides applied."""
    from docx.oxml.ns import qn

    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {
        (a.get(qn("w:abstractNumId")), int(lvl.get(qn("w:ilvl")))): (
            int(_val(lvl, "w:start", "1")),
            _val(lvl, "w:numFmt", "decimal"),
        )
        for a in numbering.iter(qn("w:abstractNum"))
        for lvl in a.iter(qn("w:lvl"))
    }
    formats = {}
    for num in numbering.iter(qn("w:num")):
        num_id, definition = num.get(qn("w:numId")), _val(num, "w:abstractNumId", "")
        overrides = {
            int(o.get(qn("w:ilvl"))): int(_val(o, "w:startOverride", "1"))
            for o in num.iter(qn("w:lvlOverride"))
            if o.find(qn("w:startOverride")) is not None
        }
        for (owner, level), (start, fmt) in abstract.items():
            if owner == definition:
                formats[(num_id, level)] = (overrides.get(level, start), fmt)
    return formats


def _val(element: Any, tag: str, default: str) -> str:
    """The ``w:val`` of ``element``'s child ``tag``, or ``default``."""
    from docx.oxml.ns import qn

    child = element.find(qn(tag))
    return default if child is None else str(child.get(qn("w:val"), default))


def memo_list_problems(article: Article, printed: list[Numbered]) -> list[str]:
    """Key points, the body's list items and the recommendations, each with its bullet or
    number at its level, in order."""
    expected: list[tuple[bool, int, int, Block]] = []
    if article.summary:
        blocks = memo_summary(article)
        expected += [(True, 0, 0, b) for b in blocks[0] if b.kind == "key point"]
    expected += [_expected(item) for item in list_items(article)]
    if article.summary:
        expected += [(False, n, 0, b) for n, b in enumerate(memo_summary(article)[1], start=1)]
    for index, (bullet, number, level, block) in enumerate(expected):
        if index >= len(printed):
            return [f"line {block.line}: {block.kind} has no bullet or number in the memo"]
        got = printed[index]
        if letters(block.text)[:20] != got.text[:20] and letters(block.text):
            return [f"line {block.line}: {block.kind} has no bullet or number in the memo"]
        if got.bullet != bullet or got.level != level or (not bullet and got.number != number):
            shown = "a bullet" if got.bullet else f"number {got.number}"
            want = "a bullet" if bullet else f"number {number}"
            return [
                f"line {block.line}: {block.kind} has {shown} at level {got.level + 1} in the "
                f"memo, the source gives {want} at level {level + 1}"
            ]
    if len(printed) > len(expected):
        return [f"{len(printed) - len(expected)} numbered paragraphs in the memo the source lacks"]
    return []


def _expected(item: ListItem) -> tuple[bool, int, int, Block]:
    return (not item.ordered, item.number if item.ordered else 0, item.depth - 1, item.block)
