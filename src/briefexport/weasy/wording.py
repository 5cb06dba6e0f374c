"""WeasyPrint's log messages in this project's words, each at the source line it concerns.

WeasyPrint warns in its own words (``Failed to load image at 'file:///…': …``). Every message an
article can bring about is worded here as a build warning, ``what is wrong (hint)``, at the line
of the image, character, link or id it concerns: images that cannot be read or drawn, SVG
style sheets it cannot apply, characters no font has, links to missing anchors, ids used twice.
A message not known here still comes out at the line of the image it names (else line 1),
marked as WeasyPrint's. The project's own stylesheets are trusted: their messages are not
worded, as an article cannot bring them about.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import unquote

from weasyprint.urls import FatalURLFetchingError

from briefexport.errors import SourceError
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.sandbox.images import ALT_PRINTED, image_places
from briefexport.source.reader import source_text

WEASYPRINT_LOG = logging.getLogger("weasyprint")
FETCHED: ContextVar[str] = ContextVar("fetched", default="")
"""The address the sandbox's fetcher served last: WeasyPrint parses an SVG's style sheet right
after fetching it, and names no image when a rule fails."""

LOAD_FAILED = re.compile(r"Failed to load image at (['\"])(?P<url>.*)\1:(?P<why>.*)")
REFUSED = re.compile(r"refused (?P<url>\S+): (?P<why>.*)")
"""The sandbox's fetcher refusing (:class:`briefexport.weasy.engine.SandboxFetcher`)."""
DRAW_FAILED = re.compile(r"Failed to render SVG image (?P<url>.*)")
SVG_RULE = re.compile(r"Failed to apply CSS rule in SVG rule: (?P<why>.*)")
GLYPH = re.compile(r'unsupported by fonts: "(?P<char>.+?)" \(U\+(?P<code>[0-9A-Fa-f]+)\)')
ANCHOR = re.compile(r"No anchor #(?P<id>\S+) for internal URI reference")
TWICE = re.compile(r"Anchor defined twice: (['\"])(?P<id>.*)\1")


class Wording(logging.Handler):
    """Collects WeasyPrint's warnings about one article, in this project's words, in
    :attr:`messages` (in the order WeasyPrint gave them)."""

    def __init__(self, article: Article) -> None:
        super().__init__(logging.WARNING)
        self.article = article
        self.messages: list[Message] = []
        self.folder = unquote(article.folder.resolve().as_uri()) + "/"
        places = image_places(article)  # the longest address first: a.svg is in a.svg.png
        self.images = dict(sorted(places.items(), key=lambda item: -len(item[0])))

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.warning(record.getMessage()))

    def warning(self, message: str) -> Message:
        """One WeasyPrint message as a located warning."""
        text = " ".join(unquote(message).split())
        if found := LOAD_FAILED.fullmatch(text):
            line, src = self.image(found["url"])
            if refused := REFUSED.search(found["why"]):
                why = refused["why"]
                return self.say(line, f"image '{src}' could not be read: {why}; {ALT_PRINTED}")
            return self.say(
                line,
                f"image '{src}' could not be drawn: a damaged image, or not an image at all; "
                f"{ALT_PRINTED}",
                "open it in an image viewer and save it again as PNG, JPEG or SVG",
            )
        if found := REFUSED.fullmatch(text):  # --strict: the fetcher's refusal stops the build
            line, src = self.image(found["url"])
            return self.say(line, f"image '{src}' could not be read: {found['why']}")
        if found := DRAW_FAILED.fullmatch(text):
            line, src = self.image(found["url"])
            return self.say(
                line,
                f"image '{src}' could not be drawn: WeasyPrint fails on this SVG, so its place "
                "in the PDF is blank",
                "open the SVG in a browser to find the fault, or give a PNG",
            )
        if found := SVG_RULE.fullmatch(text):
            line, src = self.image(FETCHED.get())
            return self.say(
                line,
                f"image '{src}': a selector in its SVG style sheet cannot be read "
                f"({quoted(found['why'])}), so that rule and the ones after it are ignored",
                "fix the selector in the SVG's <style>",
            )
        if found := GLYPH.search(text):
            char, code = found["char"], found["code"].upper()
            return self.say(
                self.line_of(char),
                f"{char} (U+{code}) is in no font of this machine: the PDF prints an empty box",
                "install a font that has it, see invoke doctor, or leave the character out",
            )
        if found := ANCHOR.fullmatch(text):
            name = found["id"]
            return self.say(self.line_of(f"](#{name})"), f"link to '#{name}': no such heading")
        if found := TWICE.fullmatch(text):
            name = found["id"]
            return self.say(
                self.line_of(f"{{#{name}}}"),
                f"id '{name}' is used twice in the PDF: the build gives it to another element "
                "too (notes are fn1, fn2, …, their calls fnref1, …), so a link to it may go there",
                "give it another id",
            )
        line = next((line for url, (line, _) in self.images.items() if url in text), 1)
        return self.say(
            line,
            f"WeasyPrint: {text.replace(self.folder, '')}",
            "a layout warning briefexport does not word yet: check the PDF here",
        )

    def say(self, line: int, text: str, hint: str = "") -> Message:
        """A warning at ``line`` of the article."""
        return Message(self.article.path, line, text, hint=hint)

    def image(self, url: str) -> tuple[int, str]:
        """The line of the image at ``url`` and its address as the source writes it (else
        line 1 and the address without the article's folder)."""
        url = unquote(url)
        return self.images.get(url, (1, url.replace(self.folder, "")))

    def line_of(self, needle: str) -> int:
        """The line of the first occurrence of ``needle`` in the source, else 1."""
        source = source_text(self.article.path)
        found = source.find(needle)
        return source.count("\n", 0, found) + 1 if found >= 0 else 1


def quoted(detail: str) -> str:
    """The last quoted phrase of an exception's repr (cssselect2's ``(token, 'message')``), or
    the whole."""
    phrases = re.findall(r"'([^']+)'", detail)
    return phrases[-1] if phrases else detail


@contextmanager
def captured_warnings(article: Article) -> Iterator[Wording]:
    """WeasyPrint's warnings while the block runs, as warnings on the article in this project's
    words: the :class:`Wording` yielded holds them in ``messages``. A fatal refusal
    (``--strict``) becomes a SourceError."""
    handler = Wording(article)
    WEASYPRINT_LOG.addHandler(handler)
    previous = WEASYPRINT_LOG.propagate
    WEASYPRINT_LOG.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="PIL")  # corrupt EXIF: the sandbox judged it
            yield handler
    except FatalURLFetchingError as exc:
        refused = handler.warning(str(exc))
        raise SourceError(
            article.path, refused.line, refused.text, "--strict refuses what it would warn about"
        ) from None
    finally:
        WEASYPRINT_LOG.removeHandler(handler)
        WEASYPRINT_LOG.propagate = previous
