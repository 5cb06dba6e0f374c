"""What an SVG refers to and how big it grows, judged before WeasyPrint sees the file.

One expat pass (no entity is ever expanded) finds every address the SVG names and how many
elements its ``<use>`` references expand to; CSS is judged with its escapes decoded and its
comments dropped, so ``@\\66ont-face`` is ``@font-face``. A number too large for the
rasteriser to draw in reasonable time (a circle of radius 1e12) refuses the SVG.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from xml.parsers import expat

SVG_DEPTH = 100
SVG_ELEMENTS = 20_000
CSS_REFERENCE = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s*(["'])(.*?)\3""", re.I | re.S)
SVG_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.S)
SVG_MAGNITUDE = 1e9  # cairo took minutes to draw a circle of radius 1e12 (and 1e308)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
NOT_A_QUANTITY = re.compile(r"#[0-9a-fA-F]+|url\([^)]*\)", re.I)  # colours and ids hold digits
NAMES = frozenset(["class", "name", "lang", "title", "role"])


def check_quantities(tag: str, key: str, text: str) -> None:
    """ValueError when a geometry or style value holds a number past :data:`SVG_MAGNITUDE`."""
    for match in NUMBER.finditer(NOT_A_QUANTITY.sub(" ", text)):
        if abs(float(match[0])) > SVG_MAGNITUDE:
            raise ValueError(f"SVG <{tag} {key}> holds {match[0]}, too large to draw")


def css_plain(text: str) -> str:
    """CSS as its parser reads it: comments dropped, escapes decoded."""

    def unescape(match: re.Match[str]) -> str:
        if match[1]:
            return chr(min(int(match[1], 16), 0x10FFFF) or 0xFFFD)
        return match[2]

    return CSS_ESCAPE.sub(unescape, CSS_COMMENT.sub("", text))


@dataclass
class _Subtree:
    """Elements under one element (itself included) and the ids its ``<use>``s draw."""

    count: int = 1
    uses: list[str] = field(default_factory=list)


def svg_references(data: bytes) -> list[tuple[str, str]]:
    """Every (element, address) an SVG refers to: its hrefs, ``url()`` and ``@import``.

    ValueError when the SVG declares XML entities (an entity bomb is refused before anything
    is expanded), declares fonts (they would outlive this article in WeasyPrint's shared font
    configuration), nests elements more than :data:`SVG_DEPTH` deep, has ``<use>`` elements
    that draw themselves or expand to over :data:`SVG_ELEMENTS` elements, or is not well-formed.
    """
    found: list[tuple[str, str]] = []
    open_tags: list[str] = []
    open_trees: list[_Subtree] = [_Subtree(count=0)]
    by_id: dict[str, _Subtree] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def css(tag: str, key: str, text: str) -> None:
        text = css_plain(text)
        check_quantities(tag, key, text)
        if "@font-face" in text.lower():
            raise ValueError("SVG declares fonts (@font-face)")
        found.extend((tag, (m[2] or m[4] or "").strip()) for m in CSS_REFERENCE.finditer(text))

    def start(name: str, attributes: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        open_tags.append(tag)
        if len(open_tags) > SVG_DEPTH:
            raise ValueError(f"SVG elements nested over {SVG_DEPTH} deep")
        tree = _Subtree()
        open_trees.append(tree)
        if len(open_tags) == 1 and not view_box_ok(attributes.get("viewBox", "")):
            raise ValueError(f"SVG's viewBox '{attributes['viewBox'][:40]}' is not four numbers")
        for key, value in attributes.items():
            local = key.rpartition(":")[2]
            if local == "href":
                found.append((tag, value.strip()))
                if tag == "use" and value.strip().startswith("#"):
                    tree.uses.append(value.strip()[1:])
            elif local == "id":
                by_id[value.strip()] = tree
            elif local not in NAMES:
                css(tag, local, value)

    def end(name: str) -> None:
        open_tags.pop()
        tree = open_trees.pop()
        open_trees[-1].count += tree.count
        open_trees[-1].uses += tree.uses

    def text(content: str) -> None:
        if open_tags and open_tags[-1] == "style":
            css("style", "style", content)

    def entity(name: str, *_: object) -> None:
        raise ValueError(f"SVG declares the XML entity '{name}' (entities are refused)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ValueError(f"not a well-formed SVG ({expat.ErrorString(exc.code)})") from None
    expanded_size(open_trees[0], by_id)
    return found


def view_box_ok(value: str) -> bool:
    """True for no viewBox or four finite numbers (signs and dots may part them, as SVG
    allows): WeasyPrint reads the outermost one while laying the page out, where a failure
    would stop the build."""
    numbers = SVG_NUMBER.findall(value)
    return not value.strip() or (
        len(numbers) == 4
        and not SVG_NUMBER.sub("", value).strip(" \t\r\n,")
        and all(math.isfinite(float(n)) for n in numbers)
    )


def expanded_size(document: _Subtree, by_id: dict[str, _Subtree]) -> int:
    """How many elements the document draws once every ``<use>`` is expanded (computed
    without recursion, each id once); ValueError past :data:`SVG_ELEMENTS` or on a cycle."""
    sizes: dict[str, int] = {}
    for root in document.uses:
        stack, entered = [root], {root}
        while stack:
            current = stack[-1]
            tree = by_id.get(current, _Subtree(count=0))
            pending = next((u for u in tree.uses if u not in sizes), None)
            if pending is not None:
                if pending in entered:
                    raise ValueError(f"SVG <use> draws '#{pending}' inside itself")
                stack.append(pending)
                entered.add(pending)
                continue
            sizes[current] = min(SVG_ELEMENTS + 1, tree.count + sum(sizes[u] for u in tree.uses))
            stack.pop()
            entered.discard(current)
    total = document.count + sum(sizes[u] for u in document.uses)
    if total > SVG_ELEMENTS:
        raise ValueError(f"SVG draws over {SVG_ELEMENTS:,} elements once its <use>s expand")
    return total
