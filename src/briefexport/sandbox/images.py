"""Images of an article: located through the sandbox, sniffed, reported at their source line."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode

from briefexport.errors import ResourceError
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.sandbox.policy import ResourcePolicy, scheme_of, shorten, sniff

__all__ = [
    "ALT_PRINTED",
    "ImageRef",
    "image_places",
    "image_warning",
    "locate",
    "sniff",
    "source_line",
]

ALT_PRINTED = "its alt text is printed instead"
"""How every warning about an image left out of an output ends (verify reads it back)."""


@dataclass(frozen=True)
class ImageRef:
    """One image node resolved: its URL, its kind, or why it cannot be used."""

    url: str
    kind: str
    problem: str
    line: int

    @property
    def usable(self) -> bool:
        """True when the image may be embedded."""
        return not self.problem


def source_line(article: Article, node: SyntaxTreeNode) -> int:
    """The file line of a node: the first line of the nearest node that knows its position,
    plus the line breaks before it there (an image or link inside a paragraph)."""
    known = node
    while known.map is None and known.parent is not None:
        known = known.parent
    if known.map is None:
        return article.body_first_line
    breaks = 0
    for other in known.walk():
        if other is node:
            break
        breaks += other.type in ("softbreak", "hardbreak")
    return article.body_first_line + known.map[0] + breaks


def locate(article: Article, node: SyntaxTreeNode, policy: ResourcePolicy) -> ImageRef:
    """Resolve an image node's ``src`` relative to the source file and check it.

    Local and ``data:`` images are read and checked here, content included, so that a refusal
    names the image's line; a remote image (when allowed) is checked when it is fetched.
    """
    src = str(node.attrs.get("src", ""))
    url = policy.resolve(src, article.folder)
    line = source_line(article, node)
    if scheme_of(url) in ("http", "https") and not policy.refusal(url):
        return ImageRef(url, "remote", "", line)
    try:
        kind = sniff(policy.load(url).data[:1024])
    except ResourceError as exc:
        return ImageRef(url, "", f"image '{shorten(src)}' refused: {exc}", line)
    problem = "" if kind else f"'{shorten(src)}' is not an image (PNG, JPEG, GIF, WebP or SVG)"
    return ImageRef(url, kind, problem, line)


def image_warning(article: Article, image: ImageRef) -> Message:
    """The warning for an image that is left out."""
    return Message(article.path, image.line, f"{image.problem}; {ALT_PRINTED}")


def image_places(article: Article) -> dict[str, tuple[int, str]]:
    """The source line of every image and its address as the source writes it, keyed by its
    resolved and unquoted URL."""
    resolve = ResourcePolicy(roots=()).resolve
    places: dict[str, tuple[int, str]] = {}
    for node in article.body.walk():
        if node.type == "image":
            src = str(node.attrs.get("src", ""))
            url = unquote(resolve(src, article.folder))
            places.setdefault(url, (source_line(article, node), src))
    return places
