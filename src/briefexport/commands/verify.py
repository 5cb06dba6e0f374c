"""Read outputs back with readers this project did not write and prove nothing was lost.

Every block of the source (heading, paragraph, list item, table cell, caption, footnote) is
reduced to its letters and digits, casefolded, and must be found in the output's text, in order.
A PDF is read as positioned runs (:mod:`.pdfpage`): the running head, the footer, the notes at
the foot of each page, the note calls and the list markers are told apart by where they sit,
so the body reads on unbroken across pages and each note is checked on the page of its call.
The memo is read paragraph by paragraph with its list numbering (:mod:`.memoread`).
What the source promises is :mod:`.verify_source`; the PDF's own checks are :mod:`.pdfchecks`.
Every finding names the source line it is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from briefexport.commands.pdfchecks import (
    note_problems,
    pdf_figures,
    pdf_list_problems,
    pdf_structure_problems,
)
from briefexport.commands.pdfpage import classify, letters, read_pages
from briefexport.commands.verify_source import (
    Block,
    end_blocks,
    key_line,
    list_items,
    missing_in_order,
    source_blocks,
    source_images,
    source_notes,
    summary_blocks,
)
from briefexport.errors import one_line
from briefexport.messages import Message, Severity
from briefexport.model import Article
from briefexport.render.text import image_alt, plain_text

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["Block", "Finding", "letters", "missing_in_order", "source_blocks", "verify_article"]


LINE_PREFIX = re.compile(r"^line (\d+): ")
"""How a problem names the line of the source it is about."""
LeftOut = Mapping[int, str]
"""The build's warnings about images it left out (alt text printed instead), by source line."""
NONE_LEFT_OUT: LeftOut = MappingProxyType({})


@dataclass(frozen=True)
class Finding:
    """The verdict on one output: the source blocks it lost, the checks it failed (each a
    sentence, ``line N: ...`` when it is about a line of the source), and the build's warnings
    that explain what is rightly absent (they fail nothing)."""

    path: Path
    missing: list[Block] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was lost and no check failed."""
        return not self.missing and not self.problems

    def messages(self, source: Path) -> list[Message]:
        """The verdict as located messages: a lost block, or a problem about a line, an error
        at that line of ``source``; a problem with the output as a whole at the output; the
        build's warnings at their lines."""
        found = [
            Message(source, block.line, f"missing {block.kind}: {block.text[:70]}", "error")
            for block in self.missing
        ]
        said: list[tuple[str, Severity]] = [(p, "error") for p in self.problems]
        for problem, severity in said + [(w, "warning") for w in self.warnings]:
            match = LINE_PREFIX.match(problem)
            if match:
                found.append(Message(source, int(match[1]), problem[match.end() :], severity))
            else:
                found.append(Message(self.path, 1, problem, severity))
        return found


PdfCheck = Callable[[Path], list[str]]


def pdfua_problems(path: Path) -> list[str]:
    """The Matterhorn Protocol's machine-checkable failure conditions the PDF meets."""
    from briefexport.readback.pdfua import check_pdfua

    return [f"PDF/UA: {failure}" for failure in check_pdfua(path.read_bytes())]


PDF_CHECKS: list[PdfCheck] = [pdfua_problems]
"""Further checks of every laid-out PDF: each returns its problems as sentences."""


def verify_article(
    article: Article, out: Path, formats: Iterable[str], publisher: str
) -> list[Finding]:
    """Check each built output of one article with its format's verifier (the registry's
    row says which); ``publisher`` is the running head's right side. An image the build
    recorded leaving out of an output (its warning is in the manifest) need not be there."""
    from briefexport.build.manifest import read_manifest
    from briefexport.sandbox.images import ALT_PRINTED
    from briefexport.writers import lookup, output_path, verifier

    manifest = read_manifest(out).outputs
    findings = []
    for name in formats:
        lookup(name)
        path = output_path(out, article, name)
        record = manifest.get(path.relative_to(out).as_posix())
        ours = record is not None and record.source == str(article.path.resolve())
        said = record.notices if record is not None and ours else ()
        left_out = {line: text for line, text in said if text.endswith(ALT_PRINTED)}
        if not path.exists():
            findings.append(Finding(path, problems=["not built (run invoke build)"]))
        else:
            try:
                findings.append(verifier(name)(article, path, publisher, left_out))
            except Exception as exc:  # pypdf's and python-docx's many errors: the file's fault
                problem = f"cannot be read back ({type(exc).__name__}: {one_line(str(exc))})"
                findings.append(Finding(path, problems=[problem]))
    return findings


def verify_pdf(
    article: Article, path: Path, publisher: str, left_out: LeftOut = NONE_LEFT_OUT
) -> Finding:
    """Every block in order; every note at the foot of its call's page, in call order; list
    markers and depths; images; end matter; tagged; every font embedded; contents, captions
    and references (:mod:`briefexport.commands.verify_report`)."""
    from briefexport.commands.verify_report import page_texts, report_problems
    from briefexport.labels import labels

    pages = read_pages(path)
    words = labels(article.lang)
    furniture = [
        ([article.running_title, publisher] if number > 1 else [])
        + [f"{words['page']} {number} {words['of']} {len(pages)}"]
        for number in range(1, len(pages) + 1)
    ]
    classify(pages, furniture)
    body, _ = source_blocks(article)
    notes = source_notes(article)
    head = [Block("title", article.title, key_line(article, "title"))]
    tail = end_blocks(article)
    text = "".join(page.text("body") for page in pages)
    lost_notes, note_trouble = note_problems(notes, pages)
    image_trouble, absent = images_checked(article, pdf_figures(path), "PDF", left_out, image_alt)
    return Finding(
        path,
        missing_in_order([*head, *body, *tail], text) + lost_notes,
        note_trouble
        + pdf_list_problems(list_items(article), pages)
        + image_trouble
        + report_problems(article, page_texts(path))
        + pdf_checks(path),
        absent,
    )


def pdf_checks(path: Path) -> list[str]:
    """What every laid-out PDF must be (tagged, fonts embedded), and the registered checks."""
    return pdf_structure_problems(path) + [p for check in PDF_CHECKS for p in check(path)]


def images_checked(
    article: Article,
    alts: list[str],
    output: str,
    left_out: LeftOut,
    alt: Callable[[SyntaxTreeNode], str] = plain_text,
) -> tuple[list[str], list[str]]:
    """The problems with an output's images (:func:`image_problems`, given the alternative
    texts it has), and the build's warning for each image the build left out of it and that
    is indeed not there: those are absent by design, not lost. ``alt`` is how the output
    describes an image (:func:`source_images`)."""
    shown = {letters(text) for text in alts}
    images = source_images(article, alt)
    absent = [i for i in images if i.line in left_out and letters(i.text) not in shown]
    kept = [image for image in images if image not in absent]
    warnings = [f"line {image.line}: {left_out[image.line]}" for image in absent]
    return image_problems(kept, alts, output), warnings


def image_problems(expected: list[Block], alts: list[str], output: str) -> list[str]:
    """Every image of the source, by its alternative text, present and in order; a figure
    may float later (past the images after it), never earlier."""
    found = [letters(alt) for alt in alts]
    floats = {letters(image.text) for image in expected if image.kind == "figure"}
    for floating in (False, True):
        # the figures in their order, the other images in theirs
        mine = [(i, b) for i, b in enumerate(expected) if (b.kind == "figure") == floating]
        where = [i for i, alt in enumerate(found) if (alt in floats) == floating]
        for (index, image), at in zip(mine, where + [-1] * len(mine), strict=False):
            if at < 0:
                return [f"line {image.line}: image '{image.text[:40]}' missing from the {output}"]
            if found[at] != letters(image.text) or (floating and at < index):
                return [
                    f"line {image.line}: image '{image.text[:40]}' not where the {output} has it"
                ]
    if len(found) > len(expected):
        return [f"{len(found) - len(expected)} more images in the {output} than in the source"]
    return []


def verify_press(
    article: Article, path: Path, publisher: str, left_out: LeftOut = NONE_LEFT_OUT
) -> Finding:
    """The print PDF's checks, and an OutputIntent naming the press's colour condition."""
    from pypdf import PdfReader

    from briefexport.readback.pdfx import check_pdfx

    finding = verify_pdf(article, path, publisher, left_out)
    root: Any = PdfReader(path).trailer["/Root"]
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    if any(intent.get("/S") == "/GTS_PDFX" for intent in intents):
        problems = [f"PDF/X: {problem}" for problem in check_pdfx(path.read_bytes())]
    else:
        problems = ["no PDF/X OutputIntent: a press cannot tell the colours it needs"]
    return Finding(path, finding.missing, [*finding.problems, *problems], finding.warnings)


def verify_summary(
    article: Article, path: Path, publisher: str, left_out: LeftOut = NONE_LEFT_OUT
) -> Finding:
    """Exactly one page holding the bottom line, every key point and recommendation (the
    summary has no images: ``left_out`` is for the verifiers' common signature)."""
    pages = read_pages(path)
    text = "".join(page.text("body") for page in pages)
    pages_problem = [] if len(pages) == 1 else [f"{len(pages)} pages, not one"]
    return Finding(
        path, missing_in_order(summary_blocks(article), text), pages_problem + pdf_checks(path)
    )
