"""The editable Word memo ``<slug>-memo.docx``, as an assistant would build it by hand in Word.

A TO/FROM/DATE/SUBJECT header, the bottom line and key points, the full article, the
recommendations, the authors and the copyright. Every paragraph carries a named style
generated from the brand file, or taken from ``templates/memo-reference.docx`` when a designer
has made one (Pandoc's ``--reference-doc`` convention). Footnotes, hyperlinks, list numbering
and page fields are Word's own. Equal inputs give byte-identical files.

The parts: ``styles`` (the style sheet), ``reference`` (the document written into),
``letterhead`` (everything around the body), ``body`` (blocks in their context), ``tables``,
``inline`` (runs, links, pictures) and ``images`` (pictures through the sandbox).
"""

from __future__ import annotations

from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.wordml.package import save
from briefexport.wordml.pictures import number_pictures
from briefexport.writers import Output
from briefexport.writers.memo.fonts import embed_brand_fonts
from briefexport.writers.memo.reference import base_document, write_reference_docx
from briefexport.writers.memo.report import ReportRenderer

__all__ = ["MemoWriter", "write_reference_docx"]


class MemoWriter:
    """``<slug>-memo.docx``: the editable Word memo."""

    def render(self, article: Article, settings: Settings) -> Output:
        document = base_document(settings)
        renderer = ReportRenderer(article, settings, document)
        renderer.write()
        number_pictures(document)
        if settings.embed_fonts and renderer.brand.embed_fonts:
            embed_brand_fonts(document, renderer.brand)
        return Output(save(document, article.modified), messages=tuple(renderer.messages))
