"""Pandoc's citation syntax as a markdown-it inline rule: ``[see @a, p. 12; -@b]`` and ``@a``.

The rule is active only when the parse environment says the source has a bibliography, so an
article without one keeps its ``@`` signs as text. Each citation becomes one ``citation`` token
whose meta holds the cluster (:class:`Cluster`); its content is the source text, which is what
any renderer that meets an unresolved token prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.rules_inline import StateInline

KEY = r"@(?:\{(?P<braced>[^{}\s]+)\}|(?P<plain>\w(?:\w|[:.#$%&+?<>~/-](?=\w))*))"
ITEM = re.compile(rf"(?P<prefix>(?:.*\s)?)(?P<dash>-?){KEY}(?P<suffix>.*)", re.S)
IN_TEXT = re.compile(KEY)
IN_TEXT_SUFFIX = re.compile(r" ?\[(?P<suffix>[^\[\]@]*)\](?![(\[])")
NAMED = re.compile(rf"@\*|{KEY}")


@dataclass(frozen=True)
class Citation:
    """One work cited: its key, the text around it (inline Markdown, as written), and whether
    the author is printed.

    ``mode`` is Pandoc's: ``NormalCitation``, ``SuppressAuthor`` (``-@key``) or
    ``AuthorInText`` (``@key`` in running text)."""

    key: str
    prefix: str = ""
    suffix: str = ""
    mode: str = "NormalCitation"


@dataclass(frozen=True)
class Cluster:
    """The citations of one ``[...]`` group (or one in-text ``@key``), in order."""

    items: tuple[Citation, ...]


def _key(match: re.Match[str]) -> str:
    return match["braced"] or match["plain"]


def named_keys(text: str) -> tuple[str, ...]:
    """The keys a ``nocite`` value names, such as ``@a, @b``; ``*`` stands for ``@*`` (all)."""
    return tuple("*" if match[0] == "@*" else _key(match) for match in NAMED.finditer(text))


def bracketed(content: str) -> Cluster | None:
    """The cluster ``[content]`` spells, or None when it is not a citation (every part, split
    at semicolons, must hold one ``@key``)."""
    items = []
    for part in content.split(";"):
        match = ITEM.fullmatch(part.strip())
        if match is None or "@" in match["prefix"]:
            return None
        mode = "SuppressAuthor" if match["dash"] else "NormalCitation"
        items.append(Citation(_key(match), match["prefix"].strip(), match["suffix"].rstrip(), mode))
    return Cluster(tuple(items))


def citation_rule(state: StateInline, silent: bool) -> bool:
    """Match a citation at the current position (only when ``env["citations"]`` is set)."""
    if not state.env.get("citations"):
        return False
    src, pos = state.src, state.pos
    if src[pos] == "[":
        end = state.md.helpers.parseLinkLabel(state, pos, True)
        if end < 0 or src[end + 1 : end + 2] in ("(", "["):
            return False
        cluster = bracketed(src[pos + 1 : end])
        stop = end + 1
    elif src[pos] == "@" and (pos == 0 or not (src[pos - 1].isalnum() or src[pos - 1] in "@_")):
        match = IN_TEXT.match(src, pos)
        if match is None:
            return False
        stop, suffix = match.end(), ""
        if after := IN_TEXT_SUFFIX.match(src, stop):
            stop, suffix = after.end(), after["suffix"].strip()
        cluster = Cluster((Citation(_key(match), "", suffix, "AuthorInText"),))
    else:
        return False
    if cluster is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = src[pos:stop]
        token.meta = {"cluster": cluster, "offset": pos}
    state.pos = stop
    return True
