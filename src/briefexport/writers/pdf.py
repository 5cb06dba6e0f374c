"""The print-ready brief (PDF/UA-1), and its press variant (PDF/X-4, bleed, crop marks)."""

from __future__ import annotations

from dataclasses import dataclass

from weasyprint import CSS

from briefexport.brand import load_brand
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.render.html import HtmlRenderer
from briefexport.render.report import report_context
from briefexport.sandbox.policy import policy_for
from briefexport.settings import Settings
from briefexport.weasy.engine import (
    Finisher,
    fallback_font_warnings,
    layout,
    render_html,
    stylesheets,
    template_context,
    write_pdf,
)
from briefexport.weasy.press import finish_press, press_css, slug_css
from briefexport.weasy.wording import captured_warnings
from briefexport.writers import REGISTRY, Format, Output


@dataclass(frozen=True)
class Rendered:
    """The HTML handed to WeasyPrint and the warnings rendering it gave (the body's and the
    key takeaways')."""

    html: str
    messages: tuple[Message, ...]


class PdfWriter:
    """``<slug>.pdf``: tagged, accessible, with bookmarks and metadata."""

    variant = "pdf/ua-1"
    format: Format = REGISTRY["pdf"]

    def html(self, article: Article, settings: Settings) -> Rendered:
        """The HTML handed to WeasyPrint (also committed as golden structure in tests), with the
        warnings rendering it gave."""
        renderer = HtmlRenderer(article, policy_for(article, settings))
        body = renderer.render()
        context = template_context(article, settings, body)
        context.update(report_context(article, load_brand(settings.brand_file), renderer))
        html = render_html(self.format.template, context, settings)
        return Rendered(html, tuple(renderer.messages))

    def sheets(self, article: Article, settings: Settings) -> tuple[CSS, ...]:
        """The stylesheets of this output."""
        return stylesheets(settings, self.format.styles)

    def finisher(self, settings: Settings) -> Finisher | None:
        """What completes the PDF after WeasyPrint's own writing, besides the tags."""
        return None

    def render(self, article: Article, settings: Settings) -> Output:
        rendered = self.html(article, settings)
        laid = layout(rendered.html, article, settings, self.sheets(article, settings))
        with captured_warnings(article) as drawing:
            data = write_pdf(laid.document, article, self.variant, self.finisher(settings))
        fonts = fallback_font_warnings(article, settings)
        found = (*rendered.messages, *laid.messages, *fonts, *drawing.messages)
        return Output(data, len(laid.document.pages), found)


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
