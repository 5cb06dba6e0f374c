"""``invoke check``: lint sources without rendering anything (and without importing WeasyPrint)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefexport.errors import SourceError
from briefexport.messages import Message
from briefexport.model import Article, item_count_warnings, summary_warning
from briefexport.render.text import plain_text
from briefexport.sandbox import budget
from briefexport.sandbox.images import locate, source_line
from briefexport.sandbox.policy import policy_for, shorten
from briefexport.settings import Settings
from briefexport.source.reader import read_article, source_text
from briefexport.writers.summary.size import (
    LAY_OUT_FROM,
    count_words,
    estimated_fill,
)

MAX_KEY_POINT_WORDS = 40
MAX_RECOMMENDATION_WORDS = 60
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


def check_sources(source: Path, settings: Settings) -> tuple[int, int]:
    """Print every problem of the sources at ``source``, then the tally on stderr; the counts
    of errors and of warnings (notices do not count)."""
    from briefexport.build.sources import discover
    from briefexport.commands.console import plural, skipped_notice

    skipped_notice(source)
    findings = [f for path in discover(source) for f in check_source(path, settings)]
    for finding in findings:
        print(finding)
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    print(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}", file=sys.stderr)
    return errors, warnings


def check_source(path: Path, settings: Settings) -> list[Message]:
    """Every problem with one source, within the article's time and memory budgets; a source
    that does not validate, or overruns a budget, yields just that error."""
    seconds, megabytes = settings.time_budget, settings.memory_budget
    try:
        with budget.bounded(seconds, megabytes):
            return findings_of(path, settings)
    except (budget.BudgetExceeded, MemoryError) as exc:
        text, hint = budget.overrun(exc, seconds, megabytes) or ("", "")
        return [Message(path, 1, f"checking it {text}", "error", hint)]


def findings_of(path: Path, settings: Settings) -> list[Message]:
    """Every problem with one source (see :func:`check_source`)."""
    try:
        article = read_article(path, settings.styles)
    except SourceError as exc:
        return [Message.of(exc, path)]
    findings = list(article.warnings)
    findings += summary_findings(article, settings)
    findings += body_findings(article, settings)
    findings += crossref_findings(article)
    findings += uncited(article)
    return sorted(findings, key=reading_order)


def reading_order(finding: Message) -> tuple[int, str]:
    """Sort by line, then by text with its numbers compared as numbers (2 before 10)."""
    return finding.line, re.sub(r"\d+", lambda number: number[0].zfill(12), finding.text)


def summary_findings(article: Article, settings: Settings) -> Iterator[Message]:
    """A missing summary, one too long for its page, items too long to read at a glance,
    each at its line in the front matter."""
    lines = article.front_matter_lines
    for warning in [summary_warning(article), *item_count_warnings(article)]:
        if warning:
            yield warning
    if estimated_fill(article) >= LAY_OUT_FROM:
        from briefexport.errors import LayoutError
        from briefexport.writers.summary.writer import SummaryWriter  # imports WeasyPrint

        try:
            SummaryWriter().fit(article, settings)
        except LayoutError as exc:
            yield Message.of(exc, article.path)
    summary = article.summary
    if summary is None:
        return
    for key, name, items, limit in (
        ("key-points", "key point", summary.key_points, MAX_KEY_POINT_WORDS),
        ("recommendations", "recommendation", summary.recommendations, MAX_RECOMMENDATION_WORDS),
    ):
        for index, item in enumerate(items):
            words = count_words(item)
            if words > limit:
                yield Message(
                    article.path,
                    lines.get(("summary", key, str(index))) or lines.get(("summary", key), 1),
                    f"{name} {index + 1} has {words} words (keep it under {limit})",
                )


def body_findings(article: Article, settings: Settings) -> Iterator[Message]:
    """Images (alt text, existence, format), dead relative links and anchors, lost footnotes."""
    policy = policy_for(article, settings)
    anchors = set(article.crossrefs.anchors)
    anchors |= {
        str(n.attrs["id"]) for n in article.body.walk() if n.type == "paragraph" and "id" in n.attrs
    }
    for node in article.body.walk():
        if node.type == "image":
            line = source_line(article, node)
            if not plain_text(node):
                yield Message(
                    article.path,
                    line,
                    f"image '{node.attrs.get('src', '')}' has no alt text "
                    "(describe it for screen readers: ![description](file))",
                )
            image = locate(article, node, policy)
            if not image.usable:
                yield Message(article.path, line, image.problem, "error")
        elif node.type == "link":
            problem = dead_link(str(node.attrs.get("href", "")), article.folder, anchors)
            if problem:  # a warning, as the build says it: the outputs are still whole
                yield Message(article.path, source_line(article, node), problem)
    yield from lost_footnotes(article)


def uncited(article: Article) -> Iterator[Message]:
    """Bibliography entries no citation and no ``nocite`` names: left out of the outputs."""
    references = article.references
    if references and references.uncited:
        keys = ", ".join(references.uncited)
        yield Message(
            article.path,
            references.line,
            f"{len(references.uncited)} bibliography entries never cited, so not listed: {keys} "
            "(cite them, or name them in 'nocite')",
            "notice",
        )


def dead_link(href: str, folder: Path, anchors: set[str]) -> str:
    """Why a relative link or in-document anchor leads nowhere, or ''."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return ""
    if not parts.path:
        fragment = unquote(parts.fragment)
        return (
            "" if not fragment or fragment in anchors else f"link to '#{fragment}': no such heading"
        )
    try:
        target = (folder / unquote(parts.path)).resolve()
        if not target.is_relative_to(folder.resolve()):
            return ""  # whether a file outside the article's folder exists is not check's to tell
        exists = target.exists()
    except (OSError, ValueError):
        return f"link to '{shorten(href)}': not a valid file name"
    return "" if exists else f"link to '{shorten(href)}': no such file beside the source"


def lost_footnotes(article: Article) -> Iterator[Message]:
    """Footnote definitions that nothing refers to: Markdown drops them from every output."""
    used = {
        str(node.meta.get("label"))
        for block in article.body.children
        if block.type == "footnote_block"
        for node in block.children
    }
    text = source_text(article.path)
    for match in FOOTNOTE_DEFINITION.finditer(text):
        if match[1] not in used:
            line = text.count("\n", 0, match.start()) + 1
            yield Message(
                article.path,
                line,
                f"footnote [^{match[1]}] is defined but never referenced; it appears in no output",
            )


def crossref_findings(article: Article) -> list[Message]:
    """Ids nothing refers to, and numbered figures and tables without a caption (a reference to
    no such id is already an error when the source is read)."""
    crossrefs = article.crossrefs
    used = {reference.target.anchor for reference in crossrefs.references}
    findings = []
    for target in crossrefs.by_node.values():
        if target.anchor.startswith(("fig:", "tbl:", "sec:")) and target.anchor not in used:
            findings.append(
                Message(
                    article.path,
                    target.line,
                    f"id '{target.anchor}' is never referenced (write @{target.anchor} where it "
                    "helps the reader, or drop the id)",
                )
            )
        if not target.caption:
            what = "figure" if target.kind == "fig" else "table"
            how = '![alt](file.png "Caption")' if target.kind == "fig" else "'Table: caption'"
            findings.append(
                Message(
                    article.path,
                    target.line,
                    f"{what} '{target.anchor}' has no caption; it is numbered but not described "
                    f"(write {how})",
                )
            )
    return findings
