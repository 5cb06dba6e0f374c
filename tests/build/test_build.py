"""The build as people use it: incremental, parallel, atomic, reproducible, verifiable."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefexport.build import atomic, manifest
from briefexport.build import jobs as jobs_module
from briefexport.build.manifest import MANIFEST, code_identity
from briefexport.build.pipeline import build
from briefexport.build.results import BuildReport
from briefexport.build.sources import discover
from briefexport.commands.verify import verify_article
from briefexport.settings import PACKAGED, Settings
from briefexport.source.reader import read_article
from briefexport.writers import REGISTRY, output_path, writer
from conftest import ROOT, invoke_command, run_invoke

PDF_ONLY = ["pdf"]


def short_article(number: int, body: str = "") -> str:
    return (
        f"---\ntitle: Article {number}\ndate: 2024-05-0{number % 9 + 1}\nauthor: A. Writer\n"
        f"---\n\n## Section\n\nParagraph {number} of a short article.{body}\n"
    )


def mtimes(out: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_noop_rebuild_rewrites_nothing(project: Path):
    settings = Settings(project=project, profile="press")
    out = project / "build"
    first = build(discover(project / "source"), out, settings, PDF_ONLY, jobs=1)
    assert first.ok and [o.built for o in first.results[0].outputs] == [True, True]
    before = mtimes(out)
    second = build(discover(project / "source"), out, settings, PDF_ONLY, jobs=1)
    assert second.ok and second.results[0].status == "skipped"
    assert [o.pages for o in second.results[0].outputs] == [3, 3]  # 11 pt on a 130 mm measure
    assert mtimes(out) == before


def build_memos(folder: Path, out: Path) -> BuildReport:
    return build(discover(folder), out, Settings(project=ROOT), ["memo"], jobs=1)


def test_a_noop_build_trusts_the_manifest_and_parses_nothing(tmp_path: Path, monkeypatch):
    shutil.copy(ROOT / "tests" / "hostile" / "figure.png", tmp_path / "figure.png")
    (tmp_path / "a.md").write_text(
        short_article(1, "\n\n![A figure](figure.png) and <b>raw</b>"), encoding="utf-8"
    )
    out = tmp_path / "out"
    first = build_memos(tmp_path, out)
    assert first.ok and first.results[0].status == "built"
    before = mtimes(out)

    def unexpected_parse(*args: object) -> None:
        raise AssertionError("an unchanged source was parsed")

    with monkeypatch.context() as patch:
        patch.setattr(jobs_module, "_load", unexpected_parse)
        again = build_memos(tmp_path, out)
    assert again.ok and again.results[0].status == "skipped"
    assert [str(n) for n in again.results[0].messages] == [
        str(n) for n in first.results[0].messages
    ]
    assert "raw HTML" in str(again.results[0].messages[0])
    assert mtimes(out) == before
    (tmp_path / "figure.png").write_bytes((tmp_path / "figure.png").read_bytes() + b"\0")
    after_image_edit = build_memos(tmp_path, out)
    assert after_image_edit.results[0].status == "built"


@pytest.mark.parametrize("jobs", [1, 2])
def test_strict_turns_an_article_warning_into_one_error_and_writes_nothing(
    tmp_path: Path, jobs: int
):
    (tmp_path / "a.md").write_text(short_article(1, " <b>raw</b>"), encoding="utf-8")
    out = tmp_path / "out"
    settings = Settings(project=ROOT, strict=True)
    report = build(discover(tmp_path), out, settings, ["memo", "summary"], jobs=jobs)
    [result] = report.results
    assert result.status == "failed" and result.outputs == []
    assert result.error.endswith(
        "raw HTML is not rendered; it is printed as text (--strict turns warnings into errors)"
    )
    assert not out.exists() or not list(out.rglob("*.docx"))


def test_the_laid_out_outputs_depend_on_the_template_partials():
    settings = Settings(project=ROOT)
    partial = PACKAGED / "templates" / "_meta.html.j2"
    assert all(partial in REGISTRY[name].dependencies(settings) for name in ("pdf", "summary"))
    assert partial not in REGISTRY["memo"].dependencies(settings)


def test_a_style_edit_rebuilds_only_the_outputs_that_use_it(project: Path):
    settings = Settings(project=project, profile="press")
    out = project / "build"
    build(discover(project / "source"), out, settings, PDF_ONLY, jobs=1)
    shutil.copy(PACKAGED / "styles" / "press.css", project / "styles" / "press.css")
    with (project / "styles" / "press.css").open("a") as stream:
        stream.write("\n/* edited */\n")
    result = build(discover(project / "source"), out, settings, PDF_ONLY, jobs=1)
    assert {o.format: o.built for o in result.results[0].outputs} == {"pdf": False, "press": True}
    forced = build(discover(project / "source"), out, settings, PDF_ONLY, jobs=1, force=True)
    assert all(o.built for o in forced.results[0].outputs)


def test_flags_are_part_of_the_fingerprint(project: Path):
    out = project / "build"
    build(discover(project / "source"), out, Settings(project=project), PDF_ONLY, jobs=1)
    a4 = build(
        discover(project / "source"), out, Settings(project=project, paper="a4"), PDF_ONLY, jobs=1
    )
    assert a4.results[0].outputs[0].built


def test_an_edit_to_briefexport_itself_rebuilds_what_it_made(project: Path, monkeypatch):
    """The code is part of the fingerprint, not only its version number: an edited (or
    reinstalled) package rebuilds every output."""
    out = project / "build"
    build(discover(project / "source"), out, Settings(project=project), PDF_ONLY, jobs=1)
    edited = code_identity() + "edited"
    monkeypatch.setattr(manifest, "code_identity", lambda: edited)
    again = build(discover(project / "source"), out, Settings(project=project), PDF_ONLY, jobs=1)
    assert again.results[0].outputs[0].built


def test_the_code_identity_follows_every_file_of_the_package(tmp_path: Path):
    """A file added, or one touched (its modification time), changes it."""
    identity = code_identity.__wrapped__  # uncached: the build computes it once a process
    package = tmp_path / "package"
    shutil.copytree(ROOT / "src" / "briefexport" / "wordml", package)
    first = identity(package)
    assert identity(package) == first
    (package / "new.py").write_text("")
    second = identity(package)
    os.utime(package / "new.py", ns=(1, 1))
    assert len({first, second, identity(package)}) == 3


def test_one_broken_article_in_five(tmp_path: Path):
    sources = tmp_path / "src"
    sources.mkdir()
    for number in range(1, 6):
        (sources / f"a{number}.md").write_text(short_article(number))
    (sources / "a3.md").write_text("---\ntitle: Broken\ndate: someday\nauthor: X\n---\nText\n")
    out = tmp_path / "out"
    run = run_invoke("build", "--source", str(sources), "--out", str(out), "--jobs", "2")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"error: {sources / 'a3.md'}:3: 'date' is not a valid date: 'someday'" in run.stderr
    assert sorted(p.name for p in out.glob("*/a*")) == sorted(
        f"a{n}{suffix}" for n in (1, 2, 4, 5) for suffix in (".pdf", "-memo.docx", "-summary.pdf")
    )
    assert not (out / "a3").exists()
    lines = [line for line in run.stdout.splitlines() if line.startswith(("built", "failed"))]
    assert len(lines) == 5, run.stdout


def test_two_clean_builds_are_byte_identical(project: Path, tmp_path: Path):
    other = tmp_path / "elsewhere"
    shutil.copytree(project, other)
    outputs = []
    for root in (project, other):
        settings = Settings(project=root)
        result = build(
            discover(root / "source"), root / "build", settings, ["pdf", "press"], jobs=1
        )
        assert result.ok
        outputs.append(
            {p.relative_to(root / "build"): p.read_bytes() for p in (root / "build").rglob("*.pdf")}
        )
        time.sleep(1.1)
    assert outputs[0] == outputs[1]


def test_source_date_epoch_is_honoured(kazakhstan, settings, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    from io import BytesIO

    from pypdf import PdfReader

    meta = PdfReader(BytesIO(writer("pdf").render(kazakhstan, settings).data)).metadata
    assert meta["/ModDate"].startswith("D:20231114221320")  # from SOURCE_DATE_EPOCH
    assert meta["/CreationDate"].startswith("D:20220124000000")  # the source's date


KILLER = """
import sys, time
from pathlib import Path
from briefexport.build import atomic
real = atomic.Path.replace
def slow_replace(self, target):
    Path(sys.argv[2]).write_text("writing")
    time.sleep(30)
    return real(self, target)
atomic.Path.replace = slow_replace
from briefexport.build.pipeline import build
from briefexport.build.sources import discover
from briefexport.settings import Settings
build(discover(Path(sys.argv[1])), Path(sys.argv[3]), Settings(project=Path(sys.argv[4])), ["pdf"],
      jobs=1, force=True)
"""


def test_sigkill_mid_write_leaves_previous_output_intact(project: Path, tmp_path: Path):
    out = project / "build"
    assert build(discover(project / "source"), out, Settings(project=project), PDF_ONLY, jobs=1).ok
    [pdf] = out.rglob("*.pdf")
    previous = pdf.read_bytes()
    flag = tmp_path / "writing"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(project / "source"), str(flag), str(out), str(project)]
    )
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert flag.exists(), "the build never reached the write"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert pdf.read_bytes() == previous
    assert sorted(p.name for p in pdf.parent.iterdir() if not p.name.startswith(".")) == [pdf.name]
    [orphan] = pdf.parent.glob(f".{pdf.name}.{child.pid}.*.tmp")
    settings = Settings(project=project)
    assert build(discover(project / "source"), out, settings, PDF_ONLY, jobs=1, force=True).ok
    assert not orphan.exists(), "the next write of the file removes what a dead writer left"
    assert sorted(p.name for p in pdf.parent.iterdir()) == [pdf.name]


def test_a_live_writers_temporary_file_is_left_alone(tmp_path: Path):
    target = tmp_path / "a.pdf"
    live = tmp_path / f".a.pdf.{os.getpid()}.x1.tmp"
    live.write_bytes(b"being written")
    atomic.write_atomic(target, b"new")
    assert live.exists() and target.read_bytes() == b"new"


def test_concurrent_builds_into_one_folder(tmp_path: Path):
    sources = tmp_path / "src"
    sources.mkdir()
    for number in range(1, 5):
        (sources / f"a{number}.md").write_text(short_article(number))
    out = tmp_path / "out"
    command = invoke_command(
        "pdf", "--source", str(sources), "--out", str(out), "--force", "--jobs", "1"
    )
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [run.communicate()[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["outputs"]) == 4
    from pypdf import PdfReader

    assert all(len(PdfReader(p).pages) == 1 for p in out.rglob("*.pdf"))
    assert not [p for p in out.rglob("*.tmp")]


def test_verify_passes_then_fails_when_a_paragraph_is_removed(project: Path):
    settings = Settings(project=project)
    out = project / "build"
    [source] = discover(project / "source")
    build([source], out, settings, PDF_ONLY, jobs=1)
    article = read_article(source)
    publisher = article.publisher
    assert all(f.ok for f in verify_article(article, out, PDF_ONLY, publisher))
    text = source.read_text()
    cut = text.replace(
        "Kazakhstan must also be seen in its regional context. In the last few years, Central "
        "Asian states have engaged in an unprecedented effort to develop regional cooperation, "
        "to ensure they can manage regional problems on their own. The CSTO intervention is in "
        "this context a setback because it gives the illusion that only outside powers can "
        "provide security in the region. It is, therefore, in the U.S. interest to support "
        "efforts at regional cooperation that will, in the longer run, enable Central Asians to "
        "withstand both Russian and Chinese aspirations for hegemony.\n\n",
        "",
    )
    assert cut != text
    damaged = project / "damaged" / source.name
    damaged.parent.mkdir()
    damaged.write_text(cut)
    output_path(out, article, "pdf").write_bytes(
        writer("pdf").render(read_article(damaged), settings).data
    )
    [finding] = verify_article(article, out, PDF_ONLY, publisher)
    assert not finding.ok
    assert [b.text[:40] for b in finding.missing] == ["Kazakhstan must also be seen in its regi"]


def test_verify_task_end_to_end(project: Path):
    out = project / "build"
    build(discover(project / "source"), out, Settings(project=project), PDF_ONLY, jobs=1)
    run = subprocess.run(
        ["briefexport", "verify", "--out", str(out), "--formats", "pdf"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("ok\t")
    (
        out
        / "kazakhstan-crisis-central-asia-policy-reboot"
        / "kazakhstan-crisis-central-asia-policy-reboot.pdf"
    ).unlink()
    run = subprocess.run(
        ["briefexport", "verify", "--out", str(out), "--formats", "pdf"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "not built (run invoke build)" in run.stdout


def test_watch_rebuilds_after_an_edit_and_survives_a_bad_one(project: Path):
    from briefexport.commands.watch import watch

    settings = Settings(project=project)
    out = project / "build"
    reports = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(project / "source", out, settings, PDF_ONLY, 0, lambda r, _: reports.append(r), stop),
    )
    thread.start()
    try:
        wait_for(lambda: len(reports) == 1)
        [source] = discover(project / "source")
        good = source.read_text()
        source.write_text(good.replace("---\n", "---\ntitle: [broken\n", 1))
        wait_for(lambda: len(reports) == 2)
        assert reports[1].failed
        source.write_text(good.replace("lightning-speed", "lightning-fast"))
        wait_for(lambda: len(reports) == 3)
        assert reports[2].ok and reports[2].results[0].status == "built"
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_check_reports_lint(tmp_path: Path):
    from briefexport.commands.check import check_source

    (tmp_path / "not-an-image.png").write_text("hello")
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\nsummary:\n  bottom-line: B\n  key-points:\n"
        f"    - {' '.join(['word'] * 45)}\n---\n\nText[^x] and [dead](missing.md) and [gone](#nope).\n\n"
        "![](not-an-image.png)\n\n![Alt](absent.png)\n\n[^y]: Never referenced.\n"
    )
    findings = [str(f).removeprefix(f"{path}:") for f in check_source(path, Settings(project=ROOT))]
    assert findings == [
        "8: warning: key point 1 has 45 words (keep it under 40)",
        "11: warning: footnote [^x] has no definition; printed as text",
        "11: warning: link to '#nope': no such heading",
        "11: warning: link to 'missing.md': no such file beside the source",
        "13: error: 'not-an-image.png' is not an image (PNG, JPEG, GIF, WebP or SVG)",
        "13: warning: image 'not-an-image.png' has no alt text (describe it for screen readers: ![description](file))",
        "15: error: image 'absent.png' refused: no such file",
        "17: warning: footnote [^y] is defined but never referenced; it appears in no output",
    ]


def test_new_scaffolds_and_refuses_to_overwrite(tmp_path: Path):
    arguments = ("new", "--title", "Central Asia: A Reboot?", "--source", str(tmp_path))
    first = run_invoke(*arguments)
    assert first.returncode == 0
    path = tmp_path / "central-asia-a-reboot.md"
    assert first.stdout.strip() == str(path)
    assert read_article(path).title == "Central Asia: A Reboot?"
    again = run_invoke(*arguments)
    assert again.returncode == 1 and "already exists; not overwritten" in again.stderr


@pytest.mark.parametrize("args", [["--list"], ["--help", "build"], ["check"]])
def test_fast_paths_do_not_import_weasyprint(args):
    code = (
        "import sys\nfrom invoke import Program\nfrom tasks import ns\n"
        "try:\n    Program(namespace=ns).run(['invoke', *sys.argv[1:]], exit=False)\n"
        "finally:\n    print('WEASY' if 'weasyprint' in sys.modules else 'LIGHT')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.stdout.strip().endswith("LIGHT"), run.stdout + run.stderr


def test_a_noop_build_imports_no_writer_no_worker_and_not_the_article_model(tmp_path: Path):
    (tmp_path / "a.md").write_text(short_article(1), encoding="utf-8")
    out = tmp_path / "out"
    assert build_memos(tmp_path, out).ok
    code = (
        "import sys\nfrom invoke import Program\nfrom tasks import ns\n"
        "Program(namespace=ns).run(['invoke', 'memo', *sys.argv[1:]], exit=False)\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in "
        "('weasyprint', 'docx', 'rich', 'jinja2', 'markdown_it', 'pyphen') or m in "
        "('briefexport.model', 'briefexport.build.jobs', 'briefexport.build.pool',"
        " 'briefexport.weasy.hyphenation')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "--source", str(tmp_path), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},  # this code
    )
    assert run.stdout.splitlines()[-1] == "[]" and "1 up to date" in run.stderr, run.stderr


def test_an_article_whose_one_format_fails_keeps_all_its_previous_outputs(tmp_path: Path):
    source = tmp_path / "long-note.md"
    source.write_text(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nText.[^1]\n\n"
        "[^1]: " + "A footnote far too long for one page. " * 900 + "\n"
    )
    out = tmp_path / "out"
    for name in ("long-note.pdf", "long-note-memo.docx", "long-note-summary.pdf"):
        (out / "long-note").mkdir(parents=True, exist_ok=True)
        (out / "long-note" / name).write_text("previous")
    report = build([source], out, Settings(project=ROOT), ["pdf", "memo", "summary"], jobs=1)
    assert "does not fit at the foot of the page" in report.failed[0].error
    assert {p.read_text() for p in (out / "long-note").iterdir()} == {"previous"}
