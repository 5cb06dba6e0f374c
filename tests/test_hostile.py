"""The hostile corpus: every bad source builds correctly or fails with one located line.

``tests/hostile/expected.yaml`` gives each source's outcome. One library build of the whole
corpus (all three formats) is checked source by source; a few sources also go through the
command line. Sources too big to commit are generated here, once per session.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType, SimpleNamespace

import docx
import pytest
import yaml
from pypdf import PdfReader

from briefexport.brand import load_brand
from briefexport.build.pipeline import build
from briefexport.build.results import ArticleResult
from briefexport.commands.verify import letters, missing_in_order, source_blocks, verify_article
from briefexport.errors import SourceError
from briefexport.settings import Settings
from briefexport.source import markdown
from briefexport.source.markdown import raw_html_lines
from briefexport.source.reader import read_article
from briefexport.writers import REGISTRY
from briefexport.writers.pdf import PdfWriter
from conftest import ROOT, invoke_command

HOSTILE = Path(__file__).resolve().parent / "hostile"
EXPECTED: dict[str, str | list[str]] = yaml.safe_load(
    (HOSTILE / "expected.yaml").read_text(encoding="utf-8")
)
FORMATS = ("pdf", "memo", "summary")
HEAD = (
    "---\ntitle: A generated source\ndate: 2024-03-01\nauthor: Jane Doe\n"
    "summary:\n  bottom-line: Generated at run time.\n---\n\n"
)
GENERATED: dict[str, Callable[[], str | bytes]] = {
    "undecodable.md": lambda: (HEAD + "Saved as Latin-1: caf").encode() + b"\xe9 au lait.\n",
    "nul-byte.md": lambda: HEAD + "A NUL byte \x00 in the body.\n",
    "control-character.md": lambda: HEAD + "Pasted from a terminal: \x1b[31mred\x1b[0m.\n",
    "big-5mb.md": lambda: HEAD + ("Lorem ipsum dolor sit amet. " * 40 + "\n\n") * 4500,
    "long-word.md": lambda: HEAD + "Before " + "x" * 10_000 + " after.\n",
    "nested-lists-50.md": lambda: (
        HEAD + "".join("  " * i + f"- level {i + 1}\n" for i in range(50))
    ),
    "table-60-columns.md": lambda: (
        HEAD
        + "|"
        + "|".join(f"H{i}" for i in range(60))
        + "|\n|"
        + "---|" * 60
        + "\n"
        + ("|" + "|".join(f"c{i}" for i in range(60)) + "|\n") * 3
    ),
    "title-2000.md": lambda: (
        HEAD.replace("A generated source", ("Crisis and reboot " * 112)[:2000].strip()) + "Body.\n"
    ),
    "footnotes-1000.md": lambda: (
        HEAD
        + "".join(f"Paragraph {i} makes a claim.[^{i}]\n\n" for i in range(1, 1001))
        + "".join(f"[^{i}]: Source {i}.\n" for i in range(1, 1001))
    ),
    "footnote-longer-than-a-page.md": lambda: (
        HEAD + "A claim.[^1]\n\n[^1]: " + "A very long note. " * 1000 + "\n"
    ),
    "url-too-long.md": lambda: (
        HEAD.replace("---\n\n", "url: https://example.org/" + "a" * 2400 + "\n---\n\n", 1)
        + "Body.\n"
    ),
    "footnote-chain-500.md": lambda: (
        HEAD
        + "Body[^1] text.\n\n"
        + "".join(f"[^{i}]: Note {i} cites[^{i + 1}].\n" for i in range(1, 500))
        + "[^500]: The end.\n"
    ),
}
SLOW = set() if os.environ.get("BRIEFEXPORT_SLOW") else {"footnotes-1000.md"}


def expected(name: str) -> list[str]:
    value = EXPECTED[name]
    return [value] if isinstance(value, str) else value


def outcome(result: ArticleResult) -> list[str]:
    """A build result in the table's terms."""
    if result.error:
        return ["error " + result.error.removeprefix(f"{result.source}:")]
    warnings = dict.fromkeys(f"warning {n.line}: {n.text}" for n in result.messages)
    return ["builds", *warnings]


def output_names(slug: str) -> list[str]:
    return sorted(f"{slug}{REGISTRY[name].suffix}" for name in FORMATS)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed corpus and the generated sources, in one folder."""
    folder = tmp_path_factory.mktemp("hostile") / "source"
    shutil.copytree(HOSTILE, folder)
    for name, make in GENERATED.items():
        content = make()
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    return folder


@pytest.fixture(scope="session")
def built(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, ArticleResult]]:
    """One build of the corpus over previous outputs (placeholders that must survive errors)."""
    out = tmp_path_factory.mktemp("out")
    names = sorted(set(EXPECTED) - SLOW)
    for name in names:
        slug = Path(name).stem
        (out / slug).mkdir()
        for file in output_names(slug):
            (out / slug / file).write_bytes(f"previous {file}".encode())
    report = build([corpus / name for name in names], out, Settings(project=ROOT), FORMATS, jobs=2)
    return out, {result.source.name: result for result in report.results}


def test_the_corpus_is_complete():
    files = {p.name for p in HOSTILE.glob("*.md")} | set(GENERATED)
    assert files == set(EXPECTED)
    assert len(files) >= 25


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def docx_text(path: Path) -> str:
    """The memo's body text in reading order, table cells included."""
    parts = []
    for item in docx.Document(str(path)).iter_inner_content():
        if isinstance(item, docx.table.Table):
            parts += [cell.text for row in item.rows for cell in row.cells]
        else:
            parts.append(item.text)
    return "\n".join(parts)


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - SLOW))
def test_each_source_gets_what_the_table_says(built, corpus, name):
    out, results = built
    result = results[name]
    assert outcome(result) == expected(name)
    slug = Path(name).stem
    files = sorted(p.name for p in (out / slug).iterdir())
    assert files == output_names(slug), "a temporary or partial file was left behind"
    if result.error:
        assert "\n" not in result.error and "Traceback" not in result.error
        # A failed article touches none of its outputs, even when only one format failed.
        for file in files:
            assert (out / slug / file).read_bytes() == f"previous {file}".encode()
        return
    article = read_article(corpus / name)
    publisher = article.publisher or load_brand(ROOT / "styles" / "brand.yaml").organisation
    for finding in verify_article(article, out, FORMATS, publisher):
        assert finding.ok, (finding.path.name, finding.missing, finding.problems)


def test_a_thousand_footnotes_reach_the_html(corpus, settings):
    article = read_article(corpus / "footnotes-1000.md")
    html = PdfWriter().html(article, settings).html
    assert len(re.findall(r'<aside class="footnote" id="fn\d+"', html)) == 1000
    _, notes = source_blocks(article)
    assert missing_in_order(notes, letters(re.sub(r"<[^>]+>", " ", html))) == []


# Markup injection: what each output shows for the hostile sources that build.


def texts(out: Path, slug: str) -> dict[str, str]:
    return {
        "pdf": pdftotext(out / slug / f"{slug}.pdf"),
        "memo": docx_text(out / slug / f"{slug}-memo.docx"),
        "summary": pdftotext(out / slug / f"{slug}-summary.pdf"),
    }


@pytest.mark.parametrize(
    ("slug", "formats", "shown"),
    [
        ("raw-html", ("pdf", "memo"), "<script>alert(1)</script>"),
        ("raw-html", ("pdf", "memo"), "<style>body{display:none}</style>"),
        ("raw-html", ("pdf", "memo"), "<iframe src="),
        ("markup-in-front-matter", FORMATS, "<b>Bold</b> & <script>alert(1)</script>"),
        ("markup-in-front-matter", ("pdf",), "</title><style>*{display:none}</style>"),
        ("markup-in-front-matter", ("pdf", "memo"), "<img src=x onerror=alert(1)>"),
        ("template-injection", FORMATS, "{{ 7*7 }} and {% raw %}"),
        ("template-injection", ("pdf", "memo"), "{{ 7*7 }}"),
        ("template-injection", ("pdf", "memo"), "{% for x in range(9) %}{{ x }}{% endfor %}"),
        ("template-injection", ("pdf", "memo"), "${7*7}"),
    ],
)
def test_markup_is_printed_as_text(built, slug, formats, shown):
    out, _ = built
    for name, text in texts(out, slug).items():
        if name in formats:
            assert shown in text.replace("“", '"').replace("”", '"'), name
        if slug == "template-injection":
            assert "49" not in text, name


def test_only_web_mail_and_anchor_links_survive(built):
    out, _ = built
    reader = PdfReader(out / "hostile-links" / "hostile-links.pdf")
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert sorted(u for u in uris if u) == [
        "https://example.org",
        "https://example.org/a?b=1&c=2",
        "mailto:press@example.org",
    ]
    memo = docx.Document(str(out / "hostile-links" / "hostile-links-memo.docx"))
    targets = sorted(
        rel.target_ref for rel in memo.part.rels.values() if rel.reltype.endswith("/hyperlink")
    )
    assert targets == [
        "https://example.org",
        "https://example.org/a?b=1&c=2",
        "mailto:press@example.org",
    ]
    for text in texts(out, "hostile-links").values():
        assert "file:///etc/passwd" not in text


# The command line, end to end, for a representative few.

CLI_SUBSET = ("crlf.md", "malformed-yaml.md", "escape-paths.md", "svg-entity-bomb.md", "big-5mb.md")


@pytest.fixture
def cli_corpus(corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "source"
    source.mkdir()
    for name in (*CLI_SUBSET, "figure.png", "svg-entity-bomb.svg"):
        shutil.copy(corpus / name, source / name)
    out = tmp_path / "out"
    (out / "malformed-yaml").mkdir(parents=True)
    (out / "malformed-yaml" / "malformed-yaml.pdf").write_bytes(b"the previous good PDF")
    return source, out


@pytest.mark.parametrize(
    "command", [invoke_command("build"), ["briefexport", "build"]], ids=["invoke", "briefexport"]
)
def test_command_line(cli_corpus, command):
    source, out = cli_corpus
    args = ["--source", str(source), "--out", str(out), "--jobs", "2"]
    finished = subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True)
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr + finished.stdout
    errors = [line for line in finished.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {source / name}:{expected(name)[0].removeprefix('error ')}"
        for name in sorted(CLI_SUBSET)
        if expected(name)[0].startswith("error")
    ]
    for name in CLI_SUBSET:
        for warning in expected(name)[1:]:
            line, message = warning.removeprefix("warning ").split(": ", 1)
            assert f"{source / name}:{line}: warning: {message}" in finished.stderr
    assert (out / "malformed-yaml" / "malformed-yaml.pdf").read_bytes() == b"the previous good PDF"
    assert not (out / "big-5mb").exists()
    for slug in ("crlf", "escape-paths", "svg-entity-bomb"):
        assert sorted(p.name for p in (out / slug).iterdir()) == output_names(slug)


# Inputs that take markdown-it quadratic time meet a time budget instead of hanging.


def test_parsing_has_a_time_budget(write_source, monkeypatch):
    """The parser's rules read the clock as they go, so a quadratic parse stops at the first
    reading past the budget. The clock moves a quarter second a reading; the real seconds are
    a bound of ``benchmarks/bounds.py --only hostile``."""
    quarters = itertools.count(1)
    monkeypatch.setattr(markdown, "time", SimpleNamespace(monotonic=lambda: next(quarters) / 4))
    monkeypatch.setattr(markdown, "PARSE_SECONDS", 60.0)  # the real-time fallback stays out
    path = write_source(HEAD + "Fine.\n\n" + "[" * 200_000 + "\n")
    with pytest.raises(SourceError) as caught:
        read_article(path)
    assert 60 * 4 < next(quarters) - 1 < 60 * 4 + 10  # the front matter reads it a few times
    assert str(caught.value) == (
        f"{path}:11: parsing took over 60 s (look near here for thousands of unmatched brackets"
        " or markers, or split the text)"
    )


def test_the_typographer_is_inside_the_parse_budget(write_source, monkeypatch):
    """Smart quotes are a pass after the inline rules (quadratic on a run of quotes), so the
    rules' own checks never see it: the timer must."""
    monkeypatch.setattr(markdown, "PARSE_SECONDS", 0.3)
    path = write_source(HEAD + "Fine.\n\n" + "''\"\"" * 25_000 + "\n")
    with pytest.raises(SourceError, match=r"article\.md:11: parsing took over 0\.3 s"):
        read_article(path)


def python_lines(work: Callable[[], object]) -> int:
    """Lines of Python that ``work()`` runs in briefexport and the Markdown parser: a count of
    the work done that no machine's speed changes."""
    counted = ("briefexport", "markdown_it", "mdit_py_plugins")
    lines = 0

    def line(frame: FrameType, event: str, arg: object) -> object:
        nonlocal lines
        lines += event == "line"
        return line

    def call(frame: FrameType, event: str, arg: object) -> object:
        return line if any(f"/{name}/" in frame.f_code.co_filename for name in counted) else None

    sys.settrace(call)
    try:
        work()
    finally:
        sys.settrace(None)
    return lines


PATHOLOGICAL = {
    "identical headings": ("", "## Same\n\n", '<h2 id="same-9" data-bookmark="Same">Same</h2>'),
    "initials": ("", "A. ", "<p>" + "A. " * 9),
    "open tags": ("", "<a ", "<p>" + "&lt;a " * 9),
    "open comments": ("", "<!-- ", "<p>" + "&lt;!-- " * 9),
    "initials in a section": (
        "## Lede\n\n",
        "A. ",
        '<h2 id="lede" data-bookmark="Lede">Lede</h2>\n<p>' + "A. " * 9,
    ),
}


@pytest.mark.parametrize(("lead", "unit", "shown"), PATHOLOGICAL.values(), ids=PATHOLOGICAL)
def test_linear_work_on_pathological_bodies(write_source, settings, lead, unit, shown):
    """Four times the body costs at most a little over four times the lines of Python (a
    quadratic step would cost sixteen); their seconds at full size are bounds of
    ``benchmarks/bounds.py --only hostile``."""

    def render(repeats: int) -> str:
        article = read_article(write_source(HEAD + lead + unit * repeats))
        return PdfWriter().html(article, settings).html

    small, large = (python_lines(lambda n=n: render(n)) for n in (250, 1_000))
    assert large < 4.5 * small, f"{large / small:.2f} times the lines"
    assert shown in render(10)


def test_raw_html_check_is_linear_on_open_tags_and_comments():
    """Thousands of tags and comments that never close: the raw-HTML check (a second parse
    with HTML on) does work in proportion to the text, and finds none of them HTML."""

    def body(n: int) -> str:
        return "<a " * n + "<!-- " * n + "x>"

    small, large = (python_lines(lambda n=n: raw_html_lines(body(n))) for n in (250, 1_000))
    assert large < 4.5 * small, f"{large / small:.2f} times the lines"
    assert raw_html_lines(body(10)) == []


STUCK_IN_C = """
import re, sys, time
from briefexport.sandbox import budget
budget.GRACE = 0.2
stuck = {
    # releases the interpreter's lock, like cairo and pango through cffi: the watchdog acts
    "sleep": lambda: time.sleep(30),
    # holds it: only the CPU-time limit can end it
    "regex": lambda: re.match(r"(a+)+$", "a" * 40 + "!"),
}[sys.argv[1]]
def job():
    with budget.hard_stop(0.3, "article.md:1: pdf took over 0.3 s"):
        stuck()
if sys.argv[2] == "worker":
    import multiprocessing
    child = multiprocessing.get_context("fork").Process(target=job)
    child.start()
    child.join(30)
    print(child.exitcode)
else:
    job()
"""


@pytest.mark.parametrize(
    ("stuck", "where", "status", "said"),
    [
        ("sleep", "main", 1, "article.md:1: pdf took over 0.3 s\n"),
        ("regex", "main", -signal.SIGXCPU, ""),
        ("regex", "worker", 0, f"{-signal.SIGXCPU}\n"),
    ],
)
def test_code_stuck_in_c_past_the_budget_ends(stuck, where, status, said):
    """A signal cannot interrupt C code: past the budget, the build's own process says which
    article held it and exits; a worker (or C code that holds the interpreter's lock) is
    ended by the CPU-time limit, and its parent sees the signal."""
    done = subprocess.run(
        [sys.executable, "-c", STUCK_IN_C, stuck, where],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == status, done.stderr
    assert (done.stdout if where == "worker" else done.stderr) == said
