"""Messages that say what to do: foreign files, a folder's other files, counts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from briefexport.build.sources import discover, not_sources
from briefexport.commands.console import plural
from briefexport.errors import SourceError
from briefexport.source.reader import read_article
from conftest import run_invoke

ARTICLE = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nText.\n"


def docx_bytes() -> bytes:
    """The first bytes of any Word document: a zip archive (dated 1980, so the test ids are
    the same in every process: pytest-xdist's workers must collect the same tests)."""
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("word/document.xml"), "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("brief.docx", docx_bytes(), "a Word document"),
        ("brief.odt", docx_bytes(), "an OpenDocument text"),
        ("brief.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF"),
        ("brief.html", b"<!DOCTYPE html><html><body>x</body></html>", "an HTML page"),
        ("brief.md", docx_bytes(), "a zipped document (Word or OpenDocument, say)"),
    ],
)
def test_a_document_that_is_not_markdown_says_what_it_is(write_source, name, data, kind):
    path = write_source(data, name)
    with pytest.raises(SourceError) as caught:
        read_article(path)
    stem = Path(name).stem
    assert str(caught.value) == (
        f"{path}:1: this is {kind}, not a Markdown source (sources are Markdown with YAML front "
        f"matter: convert it, e.g. 'pandoc {name} -t commonmark_x -o {stem}.md', then add "
        "title, date and author)"
    )


def test_a_folder_reads_markdown_and_names_the_other_files(tmp_path: Path):
    for name in ("a.md", "b.markdown", "notes.txt", "draft.docx", "figure.png", ".hidden.md"):
        (tmp_path / name).write_text(ARTICLE)
    assert [p.name for p in discover(tmp_path)] == ["a.md", "b.markdown"]
    assert [p.name for p in not_sources(tmp_path)] == ["draft.docx", "notes.txt"]
    run = run_invoke("check", "--source", str(tmp_path))
    assert (
        f"notice: {tmp_path}: 2 files skipped, not Markdown (draft.docx, notes.txt); "
        "sources are .md or .markdown files"
    ) in run.stderr
    assert "0 errors, 2 warnings" in run.stderr  # no summary, in each source


@pytest.mark.parametrize(
    ("count", "word", "shown"),
    [(0, "error", "0 errors"), (1, "warning", "1 warning"), (2, "article", "2 articles")],
)
def test_counts_are_singular_or_plural(count, word, shown):
    assert plural(count, word) == shown


def test_a_printable_name_is_shown_as_is_without_compiling_the_pattern():
    """``shown`` escapes exactly what the pattern matches, and a name with nothing to escape
    (every name, nearly) costs no regular expression: a build handed over starts lighter."""
    import re

    from briefexport import errors

    errors.unprintable.cache_clear()
    assert errors.shown(Path("source/brief-1.md")) == "source/brief-1.md"
    assert errors.unprintable.cache_info().currsize == 0
    pattern = re.compile(errors.UNPRINTABLE)
    every = "".join(map(chr, range(0x3000)))
    assert errors.shown(every) == pattern.sub(lambda m: f"\\u{ord(m[0]):04x}", every)
    assert errors.shown("a\u202eb\nc") == "a\\u202eb\\u000ac"
