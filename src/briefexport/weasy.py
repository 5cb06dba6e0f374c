"""What the PDF writers share: stylesheets from the brand, the sandbox, metadata, writing."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from markupsafe import Markup
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetchingError

from .brand import Brand, load_brand
from .fetch import REMOTE_TIMEOUT, ResourcePolicy, policy_for
from .labels import labels
from .model import Article, Notice
from .settings import Settings
from .templating import environment

WEASYPRINT_LOG = logging.getLogger("weasyprint")
FONTS = FontConfiguration()
IMAGE_CACHE: dict[str, object] = {}


class SandboxFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher, refusing whatever the policy refuses; strict makes it fatal."""

    def __init__(self, policy: ResourcePolicy, **kwargs: Any) -> None:
        super().__init__(timeout=REMOTE_TIMEOUT, allow_redirects=False, **kwargs)
        self.policy = policy

    def fetch(self, url: str, headers: Any = None) -> Any:
        if reason := self.policy.refusal(url):
            shown = url if len(url) < 120 else url[:117] + "..."
            if self.policy.strict:
                raise FatalURLFetchingError(f"refused {shown}: {reason}")
            raise URLFetchingError(f"refused {shown}: {reason}")
        return super().fetch(url, headers)


def forget_images() -> None:
    """Drop decoded images (a warm process calls this when files change)."""
    IMAGE_CACHE.clear()


def stylesheets(settings: Settings, names: tuple[str, ...]) -> tuple[CSS, ...]:
    """Parsed stylesheets (brand properties, page size, then the named files), cached per
    modification time of the files so a warm process picks up edits."""
    files = (settings.brand_file, *(settings.styles / name for name in names))
    stamps = tuple(path.stat().st_mtime_ns if path.exists() else 0 for path in files)
    return _stylesheets(settings, names, stamps)


@cache
def _stylesheets(
    settings: Settings, names: tuple[str, ...], stamps: tuple[int, ...]
) -> tuple[CSS, ...]:
    brand = load_brand(settings.brand_file)
    width, height = settings.page_size
    fetcher = SandboxFetcher(ResourcePolicy(roots=(settings.styles,)))
    sheets = [
        CSS(
            string=brand.css(),
            font_config=FONTS,
            url_fetcher=fetcher,
            base_url=settings.styles.as_uri() + "/",
        ),
        CSS(string=f"@page {{ size: {width} {height}; }}", font_config=FONTS),
    ]
    sheets += [
        CSS(filename=str(settings.styles / name), font_config=FONTS, url_fetcher=fetcher)
        for name in names
    ]
    return tuple(sheets)


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def page_css(article: Article, settings: Settings) -> CSS:
    """The article's own page furniture: running head, publisher, localised "Page N of M"."""
    words = labels(article.lang)
    publisher = article.publisher or load_brand(settings.brand_file).organisation
    return CSS(
        string=f"@page {{ @top-left {{ content: {css_string(article.running_title)}; }}"
        f" @top-right {{ content: {css_string(publisher)}; }}"
        f" @bottom-right {{ content: {css_string(words['page'] + ' ')} counter(page)"
        f" {css_string(' ' + words['of'] + ' ')} counter(pages); }} }}"
        "@page :first { @top-left { content: none; } @top-right { content: none; } }",
        font_config=FONTS,
    )


def template_context(
    article: Article, settings: Settings, body: Markup | str = ""
) -> dict[str, object]:
    """What every template sees."""
    brand: Brand = load_brand(settings.brand_file)
    return {
        "article": article,
        "summary": article.effective_summary,
        "settings": settings,
        "brand": brand,
        "labels": labels(article.lang),
        "created": article.created.isoformat(),
        "modified": article.modified.isoformat(),
        "body": body,
    }


def render_html(template: str, context: dict[str, object], settings: Settings) -> str:
    """A template rendered to an HTML string."""
    return environment(settings.templates).get_template(template).render(context)


@contextmanager
def captured_warnings(article: Article, notices: list[Notice]) -> Iterator[None]:
    """Turn WeasyPrint's warnings (refused or broken resources) into notices on the article."""
    handler = _NoticeHandler(article, notices)
    WEASYPRINT_LOG.addHandler(handler)
    previous = WEASYPRINT_LOG.propagate
    WEASYPRINT_LOG.propagate = False
    try:
        yield
    finally:
        WEASYPRINT_LOG.removeHandler(handler)
        WEASYPRINT_LOG.propagate = previous


class _NoticeHandler(logging.Handler):
    def __init__(self, article: Article, notices: list[Notice]) -> None:
        super().__init__(logging.WARNING)
        self.article = article
        self.notices = notices

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        self.notices.append(Notice(self.article.path, 1, message))


def layout(
    html: str,
    article: Article,
    settings: Settings,
    sheets: tuple[CSS, ...],
    notices: list[Notice],
    *,
    furniture: bool = True,
) -> Document:
    """Lay out HTML inside the article's sandbox; ``furniture`` adds :func:`page_css`."""
    fetcher = SandboxFetcher(policy_for(article, settings))
    extra = [page_css(article, settings)] if furniture else []
    with captured_warnings(article, notices):
        return HTML(
            string=html, base_url=article.folder.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(
            stylesheets=[*sheets, *extra],
            font_config=FONTS,
            pdf_tags=True,
            cache=IMAGE_CACHE,
        )


def write_pdf(document: Document, article: Article, variant: str) -> bytes:
    """The PDF bytes with a stable identifier, so equal inputs give equal files."""
    identifier = (
        hashlib.sha256(f"{article.slug}\0{article.title}\0{article.date}\0{variant}".encode())
        .hexdigest()[:32]
        .encode()
    )
    with derived_document_id(identifier):
        data: bytes = document.write_pdf(
            pdf_variant=variant, pdf_identifier=identifier, pdf_tags=True
        )
    return data


@contextmanager
def derived_document_id(seed: bytes) -> Iterator[None]:
    """WeasyPrint gives PDF/X files a random XMP DocumentID (uuid4); derive it from ``seed``
    instead so rebuilds are byte-identical. Builds run one render per process at a time."""
    import weasyprint.pdf.metadata as xmp

    random_uuid = xmp.uuid4
    xmp.uuid4 = lambda: uuid.UUID(bytes=hashlib.md5(seed).digest(), version=4)
    try:
        yield
    finally:
        xmp.uuid4 = random_uuid
