"""The resource sandbox: what an article may pull into its outputs, for PDF and memo alike.

Pure policy, no WeasyPrint import: the fetcher that enforces it for WeasyPrint is in weasy.py.
Every resource passes two checks: its address (:meth:`ResourcePolicy.refusal`: a file inside an
allowed folder, a small ``data:`` URL, http(s) only when remote resources are on) and its
content (:meth:`ResourcePolicy.load`: a size cap, a pixel cap, and SVGs that declare no XML
entities and refer only to what the same policy allows).
"""

from __future__ import annotations

import http.client
import io
import mimetypes
import stat
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import (
    DataHandler,
    HTTPDefaultErrorHandler,
    HTTPErrorProcessor,
    HTTPHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
)

from PIL import Image

from briefexport.errors import ResourceError
from briefexport.sandbox.files import KINDS, local_path, open_inside, read_capped, root_of
from briefexport.sandbox.svg import svg_references

if TYPE_CHECKING:
    from briefexport.model import Article
    from briefexport.settings import Settings

DATA_URL_CAP = 1_000_000
RESOURCE_CAP = 25_000_000
PIXEL_CAP = 50_000_000
REMOTE_TIMEOUT = 5.0
SVG_RESOURCES = 100
SVG_NESTING = 8
LINK_SCHEMES = ("http", "https", "mailto")
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
IMAGE_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Resource:
    """The bytes of an allowed resource and their media type."""

    url: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class ResourcePolicy:
    """Allowed roots (the article's folder, the project's templates and styles) and flags."""

    roots: tuple[Path, ...]
    allow_remote: bool = False
    strict: bool = False

    def resolve(self, src: str, base: Path) -> str:
        """An absolute URL for ``src`` written in a source file inside ``base``."""
        return src if scheme_of(src) else join(base.resolve().as_uri() + "/", src)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be read, or None when it may (judged by the address alone)."""
        scheme = scheme_of(url)
        if scheme == "data":
            return f"a data: URL over {DATA_URL_CAP:,} bytes" if len(url) > DATA_URL_CAP else None
        if scheme in ("http", "https"):
            return None if self.allow_remote else "remote resources are off (use --allow-remote)"
        if scheme != "file":
            return f"the {scheme}: scheme is not allowed" if scheme else "not an address"
        try:
            path = local_path(url)
            if root_of(path, self.roots) is None:
                return "outside the article's folder"
            mode = path.lstat().st_mode
        except FileNotFoundError:
            return "no such file"
        except (OSError, ValueError):
            return "not a valid file name"
        return None if stat.S_ISREG(mode) else f"is {KINDS.get(stat.S_IFMT(mode), '?')}, not a file"

    def load(self, url: str) -> Resource:
        """An allowed resource with acceptable content; ResourceError says why not."""
        return self._load(url, (), [0])

    def read(self, url: str) -> bytes:
        """The bytes of an allowed resource (the memo's way in); ResourceError when refused."""
        return self.load(url).data

    def _load(self, url: str, chain: tuple[str, ...], drawn: list[int]) -> Resource:
        """``chain``: the SVGs drawing this one; ``drawn``: how many resources the outermost
        SVG draws so far, repeats included (as WeasyPrint draws them)."""
        if reason := self.refusal(url):
            raise ResourceError(reason)
        resource = self.read_file(url) if scheme_of(url) == "file" else read_remote(url)
        kind = sniff(resource.data[:1024])
        if kind == "svg":
            reason = self._svg_refusal(resource, (*chain, urldefrag(url)[0]), drawn)
        elif chain and kind not in IMAGE_TYPES:
            reason = "not an image (PNG, JPEG, GIF, WebP or SVG)"
        else:
            reason = pixel_refusal(resource.data) if kind else None
        if reason:
            raise ResourceError(reason)
        return resource

    def read_file(self, url: str) -> Resource:
        """A local file's bytes: opened once from its root down without following links, as a
        regular file, its size checked on the handle; these bytes are the ones sniffed,
        checked and embedded."""
        path = local_path(url)
        root = root_of(path, self.roots)
        if root is None:  # it was inside when judged: a link changed since
            raise ResourceError("outside the article's folder")
        with open_inside(path, root) as stream:
            data = read_capped(stream, RESOURCE_CAP)
        kind = sniff(data[:1024])
        content_type = IMAGE_TYPES.get(kind) or mimetypes.guess_type(path.name)[0]
        return Resource(url, data, content_type or "application/octet-stream")

    def _svg_refusal(
        self, resource: Resource, chain: tuple[str, ...], drawn: list[int]
    ) -> str | None:
        """Why an SVG may not be drawn: entities, fonts, ``<use>`` bombs, or a reference this
        policy refuses. What it draws is checked in turn: nothing may draw itself, SVGs nest at
        most :data:`SVG_NESTING` deep, and :data:`SVG_RESOURCES` are drawn in all."""
        if len(chain) > SVG_NESTING:
            return f"SVG images nested over {SVG_NESTING} deep"
        try:
            references = svg_references(resource.data)
        except ValueError as exc:
            return str(exc)
        for tag, reference in references:
            if not reference or reference.startswith("#"):
                continue
            if tag == "a":
                if scheme_of(reference) not in LINK_SCHEMES:
                    return f"SVG links to '{shorten(reference)}'"
                continue
            target = join(resource.url, reference)
            if urldefrag(target)[0] in chain:
                return f"SVG refers to '{shorten(reference)}', which draws it (a loop)"
            drawn[0] += 1
            if drawn[0] > SVG_RESOURCES:
                return f"SVG refers to over {SVG_RESOURCES} resources"
            try:
                self._load(target, chain, drawn)
            except ResourceError as exc:
                return f"SVG refers to '{shorten(reference)}': {exc}"
        return None


def policy_for(article: Article, settings: Settings) -> ResourcePolicy:
    """The sandbox for one article: its own folder, nothing else (the project's stylesheets
    and fonts reach WeasyPrint through their own fetcher, never through an article's)."""
    return ResourcePolicy(
        roots=(article.folder,),
        allow_remote=settings.allow_remote,
        strict=settings.strict,
    )


def scheme_of(url: str) -> str:
    """The URL's scheme in lower case ('' for a relative reference or a malformed URL)."""
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def join(base: str, reference: str) -> str:
    """``reference`` resolved against ``base``; a malformed one is returned as it is (and then
    refused as not an address)."""
    try:
        return urljoin(base, reference)
    except ValueError:
        return reference


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _opener() -> OpenerDirector:
    """http(s) and data: only: no redirects, no files, no FTP."""
    opener = OpenerDirector()
    for handler in (
        ProxyHandler(),
        HTTPHandler(),
        HTTPSHandler(),
        DataHandler(),
        HTTPDefaultErrorHandler(),
        HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


OPENER = _opener()


def read_remote(url: str) -> Resource:
    """An http(s) or data: resource, uncompressed, within the size cap and the time limit."""
    deadline = time.monotonic() + 2 * REMOTE_TIMEOUT
    request = Request(url, headers={"User-Agent": "briefexport", "Accept-Encoding": "identity"})
    chunks: list[bytes] = []
    size = 0
    try:
        with OPENER.open(request, timeout=REMOTE_TIMEOUT) as response:
            if response.headers.get("Content-Encoding", "identity") != "identity":
                raise ResourceError("a compressed response (only plain bodies are accepted)")
            while chunk := response.read1(65536):  # what has arrived: the deadline holds
                size += len(chunk)
                if size > RESOURCE_CAP:
                    raise ResourceError(f"over the {RESOURCE_CAP // 1_000_000} MB limit")
                if time.monotonic() > deadline:
                    raise ResourceError(f"took over {2 * REMOTE_TIMEOUT:.0f} s")
                chunks.append(chunk)
            content_type = response.headers.get_content_type()
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise ResourceError(f"could not be fetched ({shorten(str(exc))})") from None
    return Resource(url, b"".join(chunks), content_type)


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


def pixel_refusal(data: bytes) -> str | None:
    """Why a raster image may not be decoded: damaged, or more pixels than the cap."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # corrupt EXIF, big images: judged here instead
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Image.DecompressionBombError:
            return f"over {PIXEL_CAP // 1_000_000} megapixels"
        except (OSError, ValueError, SyntaxError):
            return "a damaged image"
    if width * height > PIXEL_CAP:
        return f"{width}×{height} pixels, over {PIXEL_CAP // 1_000_000} megapixels"
    return "a damaged image: its data ends early" if cut_short(data) else None


def cut_short(data: bytes) -> bool:
    """Whether a PNG, GIF or WebP file ends before its format's end: WeasyPrint would draw as
    much as there is (it decodes truncated images), a decoder that does not would refuse it,
    and which one runs must not decide what an output shows."""
    if data.startswith(b"\x89PNG"):
        return b"IEND" not in data[-12:]
    if data.startswith(b"GIF8"):
        return not data.rstrip(b"\0").endswith(b";")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return int.from_bytes(data[4:8], "little") + 8 > len(data)
    return False
