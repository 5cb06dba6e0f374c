"""``<slug>-summary.pdf``: the executive one-pager, always exactly one page.

``summary.css`` scales text, leading and spacing with ``--density``. The writer looks for the
largest density that fits one page: a first guess from the text's length (the estimate that
``check`` warns by), then a bracketing search, each probe one WeasyPrint layout (``render()``)
whose pages are counted and whose fill is measured before anything is written. Content that
does not fit at the 9 pt floor is refused with a :class:`LayoutError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import segno
from markupsafe import Markup
from weasyprint import CSS, Document

from briefexport.brand import load_brand
from briefexport.errors import LayoutError
from briefexport.labels import labels
from briefexport.messages import Message
from briefexport.model import Article, item_count_warnings, summary_warning
from briefexport.settings import Settings
from briefexport.weasy.engine import (
    FONTS,
    fallback_font_warnings,
    layout,
    render_html,
    stylesheets,
    template_context,
    write_pdf,
)
from briefexport.weasy.wording import captured_warnings
from briefexport.writers import REGISTRY, Format, Output
from briefexport.writers.summary.size import FLOOR_PT, estimated_fill, shorten_hint, summary_line

NORMAL_PT = 11.5
"""Body text at density 1: what short summaries get, never more."""
FLOOR = FLOOR_PT / NORMAL_PT
PRECISION = 0.01
"""The search stops when the densities that fit and overflow are this close..."""
FULL = 0.98
"""...or when a layout that fits fills this much of its room (a larger scale gains under 1%)."""
TARGET = (1 + FULL) / 2
DENSE = 0.75
"""The estimated fill at the floor from which the summary's text is hyphenated (``summary.css``)."""
"""The fill each probe aims at."""


@dataclass(frozen=True)
class Fit:
    """One layout of the page: its density, the document, and how much room it needed."""

    density: float
    document: Document
    fill: float
    messages: tuple[Message, ...]
    passes: int = 1

    @property
    def fits(self) -> bool:
        """True when everything is on one page, above the footer."""
        return len(self.document.pages) == 1 and self.fill <= 1


class SummaryWriter:
    """``<slug>-summary.pdf``: bottom line, key points, recommendations; tagged PDF/UA-1."""

    variant = "pdf/ua-1"
    format: Format = REGISTRY["summary"]

    def html(self, article: Article, settings: Settings, columns: bool = False) -> str:
        """The HTML handed to WeasyPrint, with the QR code inline when the source has a url;
        ``columns`` sets key points and recommendations in two columns."""
        context = template_context(article, settings)
        alt = f"{labels(article.lang)['read_full']}: {article.url}"
        context["qr"] = qr_svg(article.url, alt, load_brand(settings.brand_file).colours["text"])
        context["dense"] = estimated_fill(article) >= DENSE
        context["columns"] = columns
        context["markup"] = summary_markup(article, settings)
        return render_html(self.format.template, context, settings)

    def fit(self, article: Article, settings: Settings) -> Fit:
        """The layout at the largest density that fits one page, its lists in one column or,
        when that cannot fit at the floor, in two; LayoutError when neither does."""
        sheets = stylesheets(settings, self.format.styles)

        def attempts(columns: bool) -> Callable[[float], Fit]:
            html = self.html(article, settings, columns)

            def attempt(density: float) -> Fit:
                laid = layout(
                    html, article, settings, (*sheets, density_css(density)), furniture=False
                )
                return Fit(density, laid.document, fill(laid.document), laid.messages)

            return attempt

        try:
            return search(attempts(False), first_guess(article), article)
        except LayoutError as single:
            try:
                return search(attempts(True), FLOOR, article)
            except LayoutError:
                raise single from None

    def render(self, article: Article, settings: Settings) -> Output:
        fit = self.fit(article, settings)
        with captured_warnings(article) as drawing:
            data = write_pdf(fit.document, article, self.variant)
        unsummarised = summary_warning(article)
        found = (
            *([unsummarised] if unsummarised else []),
            *fit.messages,
            *item_count_warnings(article),
            *fallback_font_warnings(article, settings),
            *drawing.messages,
        )
        return Output(data, 1, found)


def summary_markup(article: Article, settings: Settings) -> dict[str, object]:
    """Each summary field's inline Markdown as safe HTML, rendered as the body is (links
    only to http(s), mailto and anchors; raw HTML stays text)."""
    from briefexport.render.html import HtmlRenderer
    from briefexport.render.text import markdown_inline
    from briefexport.sandbox.policy import policy_for

    renderer = HtmlRenderer(article, policy_for(article, settings))
    summary = article.effective_summary

    def html(text: str) -> Markup:
        return renderer.render(markdown_inline(text, article.lang))

    return {
        "bottom_line": html(summary.bottom_line),
        "key_points": [html(point) for point in summary.key_points],
        "recommendations": [html(item) for item in summary.recommendations],
    }


def search(attempt: Callable[[float], Fit], guess: float, article: Article) -> Fit:
    """The layout that fits at the largest density, to within about 1%.

    The answer is bracketed by the best layout that fits and the lowest density that overflows.
    Each probe is where the last layouts say the page would be just full (fill grows as a power
    of the density, measured from the last two), kept inside the bracket, so the bracket shrinks
    on every pass. A layout that fits and is FULL ends the search, as does a bracket narrower
    than PRECISION.
    """
    best: Fit | None = None
    previous: Fit | None = None
    over = math.inf
    probe, passes = guess, 0
    while True:
        trial = attempt(probe)
        passes += 1
        if trial.fits:
            best = trial
        else:
            over = probe
        if best is None and probe <= FLOOR:
            raise overflow_error(article, trial)
        if best and (best.density >= 1 or best.fill >= FULL or over - best.density <= PRECISION):
            return replace(best, passes=passes)
        aim = trial.density * (TARGET / trial.fill) ** (1 / growth(previous, trial))
        lowest = best.density + PRECISION / 2 if best else FLOOR
        probe = max(lowest, min(aim, over - PRECISION / 2, 1.0))
        previous = trial


def growth(first: Fit | None, second: Fit) -> float:
    """The power of the density that fill grows with between two layouts; 2 (area) without two."""
    if first is None or first.fill == second.fill:
        return 2.0
    power = math.log(second.fill / first.fill) / math.log(second.density / first.density)
    return min(4.0, max(1.0, power))


def first_guess(article: Article) -> float:
    """A density from the fill estimated at the floor: area grows with the square of the scale."""
    return min(1.0, max(FLOOR, FLOOR / math.sqrt(estimated_fill(article))))


def density_css(density: float) -> CSS:
    """The custom properties ``summary.css`` scales by."""
    return CSS(
        string=f":root {{ --density: {density:.4f}; --summary-body: {NORMAL_PT}pt; }}",
        font_config=FONTS,
    )


def fill(document: Document) -> float:
    """The height the summary's blocks need over the room above the footer (1 or less: fits).

    The blocks' fragments are summed over the pages they run to; the footer is fixed to the foot
    of the last page. Reads the laid-out boxes (``Page._page_box``): WeasyPrint's public API has
    no heights.
    """
    needed = 0.0
    tops: dict[str, float] = {}
    for page in document.pages:
        for box in page._page_box.children[0].children[0].children:
            if box.element_tag == "main":
                top = box.content_box_y()
                tops.setdefault("main", top)
                if box.children:
                    needed += max(c.position_y + c.margin_height() for c in box.children) - top
            elif box.element_tag == "footer":
                tops["footer"] = box.position_y
    return float(needed / (tops["footer"] - tops["main"]))


def overflow_error(article: Article, trial: Fit) -> LayoutError:
    """The one line, at the ``summary:`` key, that says by how much the summary overflows and
    what to shorten."""
    over = max(1, math.ceil((trial.fill - 1) * 100))
    line = summary_line(article)
    return LayoutError(
        f"summary overflows one page by {over}% at the {FLOOR_PT:g} pt floor",
        article.path,
        line,
        f"{shorten_hint(article.effective_summary)}; "
        f"'invoke pdf --source {article.path} memo --source {article.path}' "
        "builds the PDF and memo without it",
    )


def qr_svg(url: str, title: str, colour: str) -> Markup:
    """The url as a QR code in inline SVG (vector: sharp at any print resolution), or nothing.

    segno writes only geometry and the escaped ``title`` (the figure's alternative text in the
    tagged PDF), so the markup is safe to insert.
    """
    if not url:
        return Markup("")
    svg = segno.make(url, error="m").svg_inline(title=title, dark=colour, border=0, omitsize=True)
    return Markup(svg)
