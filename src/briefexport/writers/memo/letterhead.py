"""The memo around the body: page furniture, the letterhead, the opening (bottom line and key
points), the closing (recommendations, authors, publication notes) and the properties."""

from __future__ import annotations

from docx.section import _Footer, _Header
from docx.text.paragraph import Paragraph

from briefexport.render.text import markdown_inline
from briefexport.render.tree import body_blocks
from briefexport.wordml.fields import add_field
from briefexport.wordml.properties import Properties, set_properties
from briefexport.wordml.styles import set_language
from briefexport.writers.memo.reference import APPLICATION, word_language
from briefexport.writers.memo.tables import TableRenderer


class MemoRenderer(TableRenderer):
    """Writes one article into a document as a memo."""

    def write(self) -> None:
        """The whole memo: page furniture, header, opening, body, closing, properties."""
        self.furniture()
        self.letterhead()
        self.opening()
        self.render(self.article.body)
        self.closing()
        self.properties()

    def furniture(self) -> None:
        """The running head on pages after the first; "Page N of M" at the foot of all."""
        section = self.document.sections[0]
        self.story(section.first_page_header, "Header")
        self.story(section.header, "Header").add_run(self.article.running_title)
        for footer in (section.first_page_footer, section.footer):
            paragraph = self.story(footer, "Footer")
            paragraph.add_run(f"{self.words['page']} ")
            add_field(paragraph, "PAGE", "1")
            paragraph.add_run(f" {self.words['of']} ")
            add_field(paragraph, "NUMPAGES", "1")

    def story(self, story: _Header | _Footer, style: str) -> Paragraph:
        """A header or footer emptied of a reference document's content; its one paragraph."""
        story.is_linked_to_previous = False
        root = story.part.element
        for child in root.xpath("./w:p | ./w:tbl | ./w:sdt"):
            root.remove(child)
        return story.add_paragraph(style=self.paragraph_styles[style])

    def letterhead(self) -> None:
        """Organisation, MEMORANDUM, the TO/FROM/CC/DATE/SUBJECT lines and a rule. A line
        the source leaves empty is left out, but for TO: when the brand names a placeholder
        for staff to replace."""
        article, memo = self.article, self.article.memo
        self.paragraph("Memo Organisation", article.publisher or self.brand.organisation)
        self.paragraph("Memo Title", self.words["memorandum"])
        lines = (
            ("to", memo.to or self.brand.memo_to),
            ("from", memo.sender or article.author_names),
            ("cc", memo.cc),
            ("date", article.date_long),
            ("subject", memo.subject or article.title),
        )
        for key, value in lines:
            if value:
                paragraph = self.paragraph("Memo Field")
                paragraph.add_run(f"{self.words[key]}:", self.character_styles["Memo Label"])
                paragraph.add_run(f"\t{value}")
        self.paragraph("Memo Rule")

    def opening(self) -> None:
        """The authored bottom line and key points (a derived summary would repeat the body);
        the article's title heads the body when the body opens without a heading."""
        summary = self.article.summary
        if summary is None:
            return
        self.heading(1, self.words["bottom_line"])
        bottom_line = markdown_inline(summary.bottom_line, self.article.lang)
        self.inline(self.paragraph("Bottom Line"), bottom_line)
        if summary.key_points:
            self.heading(1, self.words["key_points"])
            self.items("Bullet", summary.key_points)
        blocks = body_blocks(self.article.body)
        if blocks and blocks[0].type != "heading":
            self.heading(1, self.article.title)

    def closing(self) -> None:
        """Recommendations, the authors' bios, where it first appeared, the copyright."""
        article = self.article
        if article.summary and article.summary.recommendations:
            self.heading(1, self.words["recommendations"])
            self.items("Number", article.summary.recommendations)
        bios = [author.bio for author in article.authors if author.bio]
        if bios:
            self.heading(1, self.words["about_authors" if len(bios) > 1 else "about_author"])
            for bio in bios:
                self.paragraph("Body Text", bio)
        if article.originally_published:
            note = f"{self.words['originally']} {article.originally_published}."
            self.paragraph("Publication Note", note)
        if article.copyright:
            self.paragraph("Publication Note", article.copyright)

    def properties(self) -> None:
        """Core and app properties (the title readers announce) and the proofing language."""
        article = self.article
        language = word_language(article.lang)
        set_properties(
            self.document,
            Properties(
                title=article.title,
                authors=tuple(author.name for author in article.authors),
                subject=article.memo.subject or article.title,
                description=article.effective_summary.plain(article.lang).bottom_line,
                keywords=article.keywords,
                categories=article.categories,
                language=language,
                created=article.created,
                modified=article.modified,
                company=article.publisher or self.brand.organisation,
                application=APPLICATION,
            ),
        )
        set_language(self.document.styles, language)
