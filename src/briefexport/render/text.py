"""Plain-text views of the syntax tree: for metadata, derived summaries and verification."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from markdown_it.tree import SyntaxTreeNode

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«‘(]?[A-ZА-ЯЁ0-9])")
ABBREVIATION_END = re.compile(r"\b(?:[A-Z]|U\.S|U\.K|Mr|Mrs|Ms|Dr|St|No|vs|etc|e\.g|i\.e)\.$")


NOTE_MARK = "\x00"


def plain_text(node: SyntaxTreeNode, note_mark: str = "") -> str:
    """The text a reader sees in a node, whitespace collapsed; footnote calls become
    ``note_mark`` (nothing by default)."""
    parts = node.children if node.type == "image" else [node]  # an image's text is its alt
    return " ".join("".join(t for part in parts for t in _inline_text(part, note_mark)).split())


def image_alt(node: SyntaxTreeNode) -> str:
    """What the PDF gives an image node as its alternative text: its own, else its caption,
    else its file name (PDF/UA wants every figure described)."""
    src = str(node.attrs.get("src", ""))
    return plain_text(node) or str(node.attrs.get("title") or "") or src.rsplit("/", 1)[-1]


def _inline_text(node: SyntaxTreeNode, note_mark: str) -> Iterator[str]:
    if node.type in ("text", "code_inline", "code_block", "fence", "crossref"):
        yield node.content
    elif node.type in ("softbreak", "hardbreak"):
        yield " "
    elif node.type == "image":
        yield from ()
    elif node.type == "footnote_ref":
        yield note_mark
    else:
        for child in node.children:
            yield from _inline_text(child, note_mark)


def markdown_inline(text: str, lang: str = "en") -> SyntaxTreeNode:
    """A front matter field's inline Markdown (emphasis, links, code) as its ``inline`` node."""
    from briefexport.source.markdown import parser

    return SyntaxTreeNode(parser(lang).parseInline(text)).children[0]


def markdown_plain(text: str, lang: str = "en") -> str:
    """What a reader sees of a field's inline Markdown: ``*this*`` reads "this"."""
    return plain_text(markdown_inline(text, lang)) if text else ""


def first_sentence(text: str) -> str:
    """The first sentence of a paragraph, not fooled by "U.S." or initials."""
    for match in SENTENCE_END.finditer(text):
        # The longest abbreviation is four characters: a short window keeps this linear.
        if not ABBREVIATION_END.search(text[max(0, match.start() - 8) : match.start()]):
            return text[: match.start()].strip()
    return text.strip()


def slugify(title: str, max_length: int = 80) -> str:
    """A file-name slug: ASCII, lower case, hyphens; Cyrillic and accents transliterated."""
    text = title.translate(CYRILLIC_TO_LATIN)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"['’]", "", text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"


CYRILLIC_TO_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdezijklmnoprstufye", strict=True)),
        **dict(zip("АБВГДЕЗИЙКЛМНОПРСТУФЫЭ", "ABVGDEZIJKLMNOPRSTUFYE", strict=True)),
        "ё": "e",
        "Ё": "E",
        "ж": "zh",
        "Ж": "Zh",
        "х": "kh",
        "Х": "Kh",
        "ц": "ts",
        "Ц": "Ts",
        "ч": "ch",
        "Ч": "Ch",
        "ш": "sh",
        "Ш": "Sh",
        "щ": "shch",
        "Щ": "Shch",
        "ю": "yu",
        "Ю": "Yu",
        "я": "ya",
        "Я": "Ya",
        "ъ": "",
        "ь": "",
        "Ъ": "",
        "Ь": "",
        "қ": "q",
        "ғ": "g",
        "ү": "u",
        "ұ": "u",
        "ң": "ng",
        "ө": "o",
        "һ": "h",
        "ә": "a",
        "і": "i",
    }
)


NBSP = "\u00a0"
UNITS = (
    "%|‰|percent|per cent|km|m|cm|mm|kg|g|t|kt|Mt|bn|billion|million|trillion|MW|GW|kW|kWh|"
    "MWh|GWh|TWh|bcm|bpd|°C|°F|USD|EUR|GBP|RUB|CNY"
)
NUMBER_UNIT = re.compile(rf"(?<=\d) (?=(?:{UNITS})(?!\w))")
CURRENCY_NUMBER = re.compile(r"([$€£¥₽]|\b(?:USD|EUR|GBP|US\$)) (?=\d)")
TIE_LIMIT = 24  # longer last two words stay breakable: the tie would overflow a narrow line


def unbroken_amounts(text: str) -> str:
    """``text`` with a no-break space between a number and its unit or currency ("12 %",
    "5 km", "$ 40", "EUR 3"), so a line never ends between them."""
    return CURRENCY_NUMBER.sub(rf"\1{NBSP}", NUMBER_UNIT.sub(NBSP, text))


def tie(text: str) -> str:
    """``text`` with its last two words joined by a no-break space: a headline never ends on
    one word alone (WeasyPrint has no ``text-wrap: balance``)."""
    head, space, last = text.rstrip().rpartition(" ")
    before = head.rpartition(" ")[2]
    if not space or len(before) + len(last) + 1 > TIE_LIMIT:
        return text
    return f"{head}{NBSP}{last}"
