"""What the PDF writers share: stylesheets from the brand, the sandbox, metadata, writing."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import (
    FatalURLFetchingError,
    URLFetcher,
    URLFetcherResponse,
    URLFetchingError,
)

from briefexport.brand import Brand, load_brand
from briefexport.errors import ResourceError, SourceError
from briefexport.labels import labels
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.sandbox.policy import ResourcePolicy, policy_for, shorten
from briefexport.settings import Settings
from briefexport.source.reader import source_text
from briefexport.weasy import (
    arrays,
    contexts,
    floats,
    htmlinput,
    kinship,
    leaders,
    linebreaks,
    overrides,
    pagerefs,
    targets,
    trailer,
)
from briefexport.weasy.notes import footnote_faults, place_notes
from briefexport.weasy.overflow import widen_overflowing_tables
from briefexport.weasy.structure import tagged_structure
from briefexport.weasy.tagging import finish_tags
from briefexport.weasy.templating import environment
from briefexport.weasy.wording import FETCHED, captured_warnings

overrides.install()
floats.install()
arrays.install()
kinship.install()
pagerefs.install()
targets.install()
linebreaks.install()
leaders.install()
trailer.install()
htmlinput.install()
contexts.install()
arrays.parse_types()

FONTS = FontConfiguration()
IMAGE_CACHE: dict[str, object] = {}


class InMemoryResponse(URLFetcherResponse):  # type: ignore[misc]
    """A response that names no file: given a ``file:`` URL, WeasyPrint would read a raster
    image again by its path when writing the PDF (``LazyLocalImage``), after the sandbox
    checked other bytes; a link flipped meanwhile would bring in what it points to."""

    @property
    def path(self) -> None:
        return None


class SandboxFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher, serving only what the policy allows; strict makes a refusal fatal."""

    def __init__(self, policy: ResourcePolicy) -> None:
        super().__init__()
        self.policy = policy

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        FETCHED.set(url)
        try:
            resource = self.policy.load(url)
        except ResourceError as exc:
            message = f"refused {shorten(url) if url.startswith('data:') else url}: {exc}"
            if self.policy.strict:
                raise FatalURLFetchingError(message) from None
            raise URLFetchingError(message) from None
        return InMemoryResponse(url, resource.data, {"Content-Type": resource.content_type})


def forget_images() -> None:
    """Drop decoded images (a warm process calls this when files change)."""
    IMAGE_CACHE.clear()


def stylesheets(settings: Settings, names: tuple[str, ...]) -> tuple[CSS, ...]:
    """Parsed stylesheets (brand properties, page size, then the named files), each parsed once
    per process and modification time of its file: the brief and the one-pager share the
    brand's and ``base.css``, and a warm process picks up edits."""
    return (
        _brand_sheet(settings, stamp(settings.brand_file)),
        _page_sheet(settings.page_size),
        *(_style_sheet(settings, path, stamp(path)) for path in map(settings.style, names)),
    )


def stamp(path: Path) -> int:
    """A file's modification time, 0 when it is missing: part of a parsed sheet's cache key."""
    return path.stat().st_mtime_ns if path.exists() else 0


@cache
def _brand_sheet(settings: Settings, stamp: int) -> CSS:
    return CSS(
        string=load_brand(settings.brand_file).css(),
        font_config=FONTS,
        url_fetcher=SandboxFetcher(ResourcePolicy(roots=settings.style_dirs)),
        base_url=settings.brand_file.parent.as_uri() + "/",
    )


@cache
def _page_sheet(size: tuple[str, str]) -> CSS:
    width, height = size
    return CSS(
        string=f"@page {{ size: {width} {height}; }}@page landscape {{ size: {height} {width}; }}",
        font_config=FONTS,
    )


@cache
def _style_sheet(settings: Settings, path: Path, stamp: int) -> CSS:
    fetcher = SandboxFetcher(ResourcePolicy(roots=settings.style_dirs))
    return CSS(filename=str(path), font_config=FONTS, url_fetcher=fetcher)


KEEP_WHOLE = CSS(string="blockquote, li { break-inside: avoid }")
CSS_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f\u2028\u2029]')


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and every control character hex-escaped."""
    return '"' + CSS_UNSAFE.sub(lambda m: f"\\{ord(m[0]):x} ", text) + '"'


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
        "summary": article.effective_summary.plain(article.lang),
        "settings": settings,
        "brand": brand,
        "labels": labels(article.lang),
        "created": article.created.isoformat(),
        "modified": article.modified.isoformat(),
        "body": body,
    }


def render_html(template: str, context: dict[str, object], settings: Settings) -> str:
    """A template rendered to an HTML string."""
    return environment(settings.template_dirs).get_template(template).render(context)


@dataclass(frozen=True)
class Laid:
    """A laid-out document and the warnings its layout gave, in the order they came."""

    document: Document
    messages: tuple[Message, ...]


def layout(
    html: str,
    article: Article,
    settings: Settings,
    sheets: tuple[CSS, ...],
    *,
    furniture: bool = True,
) -> Laid:
    """Lay out HTML inside the article's sandbox; ``furniture`` adds :func:`page_css`.

    A table wider than the page is laid out again as a wide one (weasy.overflow). A figure
    or short table that leaves a hole at the foot of a page floats past the text
    after it while the pages are made (weasy.floats). A note that WeasyPrint cannot print at
    the foot of its call's page (it leaves out notes called from a quote or list item that
    breaks across pages) is tried once more with those kept whole; a note still missing stops
    the build rather than vanish, and one still on another page than its call is a warning at
    the note's line.
    """
    fetcher = SandboxFetcher(policy_for(article, settings))
    extra = [page_css(article, settings)] if furniture else []
    for keep_whole in ([], [KEEP_WHOLE]):
        with captured_warnings(article) as attempt:
            page = HTML(
                string=html, base_url=article.folder.resolve().as_uri() + "/", url_fetcher=fetcher
            )
            place_notes(page)
            options = {"font_config": FONTS, "pdf_tags": True, "cache": IMAGE_CACHE}
            document = page.render(stylesheets=[*sheets, *extra, *keep_whole], **options)
            if widen_overflowing_tables(page, document):
                document = page.render(stylesheets=[*sheets, *extra, *keep_whole], **options)
        faults = footnote_faults(html, document)
        if not faults:
            break
    for fault in faults:
        if not fault.note_page:
            raise SourceError(
                article.path,
                fault.line,
                f"footnote {fault.number} does not fit at the foot of the page that calls it",
                "shorten it or move its call; the build stops rather than leave it out",
            )
    moved = (
        Message(
            article.path,
            fault.line,
            f"footnote {fault.number} is printed on page {fault.note_page}, its call on "
            f"page {fault.call_page} (shorten the note or split the paragraph)",
        )
        for fault in faults
    )
    return Laid(without_attachments(document), (*attempt.messages, *moved))


def fallback_font_warnings(article: Article, settings: Settings) -> list[Message]:
    """One warning naming the characters of the source that the brand fonts lack, at the line
    of the first: the machine's fallback fonts set them, so the PDF varies between machines."""
    brand = load_brand(settings.brand_file)
    source = source_text(article.path)
    missing = brand.uncovered(source)
    if not missing:
        return []
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:6])
    more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
    line = source.count("\n", 0, source.find(missing[0])) + 1
    families = f"{brand.fonts['body']}, {brand.fonts['heading']}"
    return [
        Message(
            article.path,
            line,
            f"{shown}{more} not in the brand fonts ({families}): set in a fallback font of this "
            "machine, so the PDF differs between machines (add a font that has them to "
            "styles/brand.yaml font-files)",
        )
    ]


def without_attachments(document: Document) -> Document:
    """Drop file attachments (``rel=attachment``): no output embeds a file. Nothing we write
    asks for one; this holds even if a template someday does."""
    document.metadata.attachments.clear()
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    return document


Finisher = Callable[[Document, Any], None]


def write_pdf(
    document: Document,
    article: Article,
    variant: str,
    finisher: Finisher | None = None,
) -> bytes:
    """The PDF bytes with a stable identifier, so equal inputs give equal files, its tags
    completed (weasy.tagging) and then ``finisher`` applied. WeasyPrint warns while drawing
    too (SVG images, attachments): a writer runs this inside :func:`captured_warnings`."""
    identifier = (
        hashlib.sha256(f"{article.slug}\0{article.title}\0{article.date}\0{variant}".encode())
        .hexdigest()[:32]
        .encode()
    )

    def finish(document: Document, pdf: Any) -> None:
        finish_tags(document, pdf)
        if finisher is not None:
            finisher(document, pdf)

    with derived_document_id(identifier), tagged_structure():
        data: bytes = document.write_pdf(
            pdf_variant=variant, pdf_identifier=identifier, pdf_tags=True, finisher=finish
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
