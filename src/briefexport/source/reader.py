"""Read a canonical source into an :class:`Article`: decode, split and validate the front
matter, parse and check the body (:func:`read_article`)."""

from __future__ import annotations

from pathlib import Path

from briefexport.errors import SourceError
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.source import citations
from briefexport.source.bodychecks import (
    check_depth,
    check_note_clusters,
    check_notes_have_text,
    scan_body,
)
from briefexport.source.crossref import with_summary_labels
from briefexport.source.decode import decode, read_bytes, slug_of, source_text
from briefexport.source.fields import Validator
from briefexport.source.frontmatter import load_yaml, split_front_matter
from briefexport.source.markdown import ParseTimeoutError, parse, raw_html_lines

__all__ = ["read_article", "source_text"]  # weasy.engine reads the source's text from here


def read_article(path: Path | str, styles: Path | None = None) -> Article:
    """Read, parse and validate one source file into an :class:`Article`; ``styles`` is the
    project's styles folder, where the default citation style is."""
    path = Path(path)
    slug = slug_of(path)
    text = decode(path, read_bytes(path))
    front = split_front_matter(path, text)
    meta, lines = load_yaml(path, front)
    fields = Validator(path, lines, front.first_line - 1).article_fields(meta)
    cite = citations.options(path, fields, lines)
    try:
        body = parse(front.body, fields["lang"], citations=cite is not None)
    except ParseTimeoutError as exc:
        raise SourceError(
            path,
            front.body_first_line + exc.line,
            str(exc),
            "look near here for thousands of unmatched brackets or markers, or split the text",
        ) from None
    if cite is not None:
        body, fields["references"], summary = citations.resolve(
            path,
            body,
            front.body_first_line,
            cite,
            fields["lang"],
            styles,
            fields.get("summary"),
            lines,
        )
        if summary is not None:
            fields["summary"] = summary
    check_depth(path, body, front.body_first_line)
    check_notes_have_text(path, body, front)
    check_note_clusters(path, body, front.body_first_line)
    raw_html = tuple(
        Message(
            path, front.body_first_line + line, "raw HTML is not rendered; it is printed as text"
        )
        for line in raw_html_lines(front.body)
    )
    warnings = tuple(
        sorted(scan_body(path, body, front.body_first_line) + raw_html, key=lambda n: n.line)
    )
    if not body.children or all(n.type == "footnote_block" for n in body.children):
        raise SourceError(
            path,
            front.body_first_line,
            "the article has no body",
            "write the article's text below the closing '---'",
        )
    article = Article(
        path=path,
        slug=slug,
        body=body,
        warnings=warnings,
        body_first_line=front.body_first_line,
        front_matter_lines=lines,
        **fields,
    )
    # resolved now: a reference to no such id, in the body or the summary, is an error here
    return with_summary_labels(article)
