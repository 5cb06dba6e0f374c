"""Images of an article: located through the sandbox, sniffed, reported at their source line."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.tree import SyntaxTreeNode

from .fetch import ResourcePolicy, local_path
from .model import Article, Notice

SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}


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
    """The file line of a node, from the nearest block that knows its position."""
    current: SyntaxTreeNode | None = node
    while current is not None and current.map is None:
        current = current.parent
    body_start = article.body_first_line
    return body_start + (current.map[0] if current is not None and current.map else 0)


def sniff(head: bytes) -> str:
    """The image format from its first bytes, or '' when it is not a supported image."""
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    text = head.lstrip()[:512].lower()
    if text.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in head.lower():
        return "svg"
    return ""


def locate(article: Article, node: SyntaxTreeNode, policy: ResourcePolicy) -> ImageRef:
    """Resolve an image node's ``src`` relative to the source file and check it."""
    src = str(node.attrs.get("src", ""))
    url = policy.resolve(src, article.folder)
    line = source_line(article, node)
    if reason := policy.refusal(url):
        return ImageRef(url, "", f"image '{src}' refused: {reason}", line)
    if not url.startswith("file:"):
        return ImageRef(url, "remote", "", line)
    with local_path(url).open("rb") as stream:
        kind = sniff(stream.read(1024))
    problem = "" if kind else f"'{src}' is not an image (PNG, JPEG, GIF, WebP or SVG)"
    return ImageRef(url, kind, problem, line)


def image_notice(article: Article, image: ImageRef) -> Notice:
    """The warning for an image that is left out."""
    return Notice(article.path, image.line, image.problem + "; its alt text is printed instead")
