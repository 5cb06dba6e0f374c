"""The print-ready brief (PDF/UA-1), and its press variant (PDF/X-4, bleed, crop marks)."""

from __future__ import annotations

from weasyprint import CSS

from briefexport.brand import load_brand
from briefexport.model import Article, Notice
from briefexport.render.html import HtmlRenderer
from briefexport.render.report import report_context
from briefexport.sandbox.policy import policy_for
from briefexport.settings import Settings
from briefexport.weasy.engine import (
    Finisher,
    fallback_font_notices,
    layout,
    render_html,
    stylesheets,
    template_context,
    write_pdf,
)
from briefexport.weasy.press import finish_press, press_css, slug_css
from briefexport.writers import REGISTRY, Format, Output


class PdfWriter:
    """``<slug>.pdf``: tagged, accessible, with bookmarks and metadata."""

    variant = "pdf/ua-1"
    format: Format = REGISTRY["pdf"]

    def html(self, article: Article, settings: Settings, notices: list[Notice]) -> str:
        """The HTML handed to WeasyPrint (also committed as golden structure in tests)."""
        renderer = HtmlRenderer(article, policy_for(article, settings))
        body = renderer.render()
        context = template_context(article, settings, body)
        context.update(report_context(article, load_brand(settings.brand_file), renderer))
        notices.extend(renderer.notices)  # the body's and the key takeaways'
        return render_html(self.format.template, context, settings)

    def sheets(self, article: Article, settings: Settings) -> tuple[CSS, ...]:
        """The stylesheets of this output."""
        return stylesheets(settings, self.format.styles)

    def finisher(self, settings: Settings) -> Finisher | None:
        """What completes the PDF after WeasyPrint's own writing, besides the tags."""
        return None

    def render(self, article: Article, settings: Settings) -> Output:
        notices: list[Notice] = []
        html = self.html(article, settings, notices)
        document = layout(html, article, settings, self.sheets(article, settings), notices)
        notices += fallback_font_notices(article, settings)
        data = write_pdf(document, article, self.variant, notices, self.finisher(settings))
        return Output(data, len(document.pages), tuple(notices))


class PressWriter(PdfWriter):
    """``<slug>-press.pdf``: the printer's copy, PDF/X-4 with bleed, crop and registration
    marks and a slug line (press.css), in the brand's printing condition (weasy.press)."""

    variant = "pdf/x-4"
    format = REGISTRY["press"]

    def sheets(self, article: Article, settings: Settings) -> tuple[CSS, ...]:
        brand = load_brand(settings.brand_file)
        press = press_css(brand, settings.style(brand.press["output-profile"]))
        press += slug_css(article)
        return (*super().sheets(article, settings), CSS(string=press))

    def finisher(self, settings: Settings) -> Finisher | None:
        brand = load_brand(settings.brand_file)
        finish: Finisher = finish_press(brand, settings.style(brand.press["output-profile"]))
        return finish
