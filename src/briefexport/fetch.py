"""The resource sandbox: what an article may pull into its outputs, for PDF and memo alike.

Pure policy, no WeasyPrint import: the fetcher that enforces it for WeasyPrint is in weasy.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname, urlopen

from .errors import ResourceError

if TYPE_CHECKING:
    from .model import Article
    from .settings import Settings

DATA_URL_CAP = 1_000_000
REMOTE_TIMEOUT = 5.0


@dataclass(frozen=True)
class ResourcePolicy:
    """Allowed roots (the article's folder, the project's templates and styles) and flags."""

    roots: tuple[Path, ...]
    allow_remote: bool = False
    strict: bool = False

    def resolve(self, src: str, base: Path) -> str:
        """An absolute URL for ``src`` written in a source file inside ``base``."""
        if urlsplit(src).scheme:
            return src
        return urljoin(base.resolve().as_uri() + "/", src)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be read, or None when it may."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return (
                f"data: URL of {len(url)} bytes is over the cap"
                if len(url) > DATA_URL_CAP
                else None
            )
        if scheme in ("http", "https"):
            return None if self.allow_remote else "remote resources are off (use --allow-remote)"
        if scheme != "file":
            return f"the {scheme or 'empty'}: scheme is not allowed"
        path = local_path(url)
        if not any(path.is_relative_to(root.resolve()) for root in self.roots):
            return "outside the article's folder"
        if not path.is_file():
            return "no such file"
        return None

    def read(self, url: str) -> bytes:
        """The bytes of an allowed resource (the memo's way in); ResourceError when refused."""
        if reason := self.refusal(url):
            raise ResourceError(reason)
        if url.startswith("file:"):
            return local_path(url).read_bytes()
        with urlopen(url, timeout=REMOTE_TIMEOUT) as response:
            data: bytes = response.read()
        return data


def policy_for(article: Article, settings: Settings) -> ResourcePolicy:
    """The sandbox for one article: its own folder plus the project's templates and styles."""
    return ResourcePolicy(
        roots=(article.folder, settings.templates, settings.styles),
        allow_remote=settings.allow_remote,
        strict=settings.strict,
    )


def local_path(url: str) -> Path:
    """The real path of a file: URL, symlinks resolved so none can escape a root."""
    return Path(url2pathname(unquote(urlsplit(url).path))).resolve()
