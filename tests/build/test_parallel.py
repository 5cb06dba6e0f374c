"""The build's jobs: one per output, side by side in forked workers, folded back in order."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import briefexport.commands.watch as watch_module
from briefexport.build.manifest import MANIFEST, read_manifest
from briefexport.build.pipeline import build
from briefexport.build.plan import Plan, jobs_of
from briefexport.build.pool import KeptWorkers
from briefexport.build.preload import kept
from briefexport.build.results import ArticleResult
from briefexport.build.sources import discover
from briefexport.commands.watch import Rebuilds
from briefexport.errors import LayoutError
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.writers import REGISTRY, Format, Output
from conftest import ROOT


class BrokenWriter:
    """A writer that always fails, wherever it runs."""

    def render(self, article: Article, settings: Settings) -> Output:
        raise LayoutError(f"{article.path}:1: broken on purpose")


@pytest.mark.parametrize("jobs", [1, 2])
def test_outputs_come_back_in_the_order_asked_whatever_finishes_first(project: Path, jobs: int):
    finished: list[ArticleResult] = []
    out = project / "build"
    report = build(
        discover(project / "source"),
        out,
        Settings(project=project),
        ["summary", "memo", "pdf"],
        jobs=jobs,
        on_result=finished.append,
    )
    assert report.ok and finished == report.results
    [result] = report.results
    assert [o.format for o in result.outputs] == ["summary", "memo", "pdf"]
    assert all(o.built and o.path.exists() for o in result.outputs)
    assert len(read_manifest(out).outputs) == 3


def test_workers_write_the_same_bytes_as_one_process(project: Path):
    outputs = []
    for jobs in (1, 2):
        out = project / f"build{jobs}"
        report = build(
            discover(project / "source"), out, Settings(project=project), ["pdf", "memo"], jobs=jobs
        )
        assert report.ok
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.*")})
        # what the manifest remembers of the inputs' hashes depends on when they were read
        manifest = json.loads(outputs[-1].pop(Path(MANIFEST)))
        outputs[-1][Path(MANIFEST)] = json.dumps({**manifest, "hashes": {}}).encode()
    assert outputs[0] == outputs[1]


def test_kept_workers_serve_every_build_and_are_replaced_once_one_died(project: Path):
    """A process that lives on keeps its workers between builds (same bytes as forking them
    for each build); a job whose kept worker was killed runs again alone, and the next build
    starts new workers."""
    [source] = discover(project / "source")
    shutil.copy(source, source.with_name("second.md"))
    sources, settings = discover(project / "source"), Settings(project=project)
    kept = KeptWorkers(2)
    try:
        built = [build(sources, project / "kept", settings, ["memo"], jobs=2, kept=kept)]
        workers = kept.executor
        built.append(build(sources, project / "again", settings, ["memo"], jobs=2, kept=kept))
        assert workers and kept.executor is workers
        killed = workers.submit(os.getpid).result()
        os.kill(killed, signal.SIGKILL)
        built.append(build(sources, project / "after", settings, ["memo"], jobs=2, kept=kept))
        built.append(build(sources, project / "new", settings, ["memo"], jobs=2, kept=kept))
        assert kept.executor is not workers and all(report.ok for report in built)
    finally:
        kept.close()
    fresh = build(sources, project / "fresh", settings, ["memo"], jobs=2)
    files = [
        {p.relative_to(out): p.read_bytes() for p in out.glob("*/*.docx")}
        for out in (project / n for n in ("fresh", "kept", "again", "after", "new"))
    ]
    assert fresh.ok and len(files[0]) == 2 and all(other == files[0] for other in files[1:])


class NiceWriter:
    """A writer whose output is the niceness of the process that rendered it."""

    def render(self, article: Article, settings: Settings) -> Output:
        return Output(str(os.nice(0)).encode())


def test_kept_workers_but_the_first_job_s_run_below_the_build_s_priority(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    """One article: its first job (the brief) at the build's priority, the others nicer, so the
    brief keeps a core; several articles: every job at the build's priority."""
    for name in ("first", "second", "third"):
        monkeypatch.setitem(REGISTRY, name, Format("test_parallel:NiceWriter", f"-{name}.txt"))
    sources, settings = discover(project / "source"), Settings(project=project)
    formats = ["first", "second", "third"]
    kept = KeptWorkers(2)
    try:
        assert build(sources, project / "one", settings, formats, jobs=2, kept=kept).ok
        shutil.copy(sources[0], sources[0].with_name("second.md"))
        two = discover(project / "source")
        assert build(two, project / "two", settings, formats, jobs=2, kept=kept).ok
    finally:
        kept.close()
    mine = os.nice(0)
    nice = {p.name: int(p.read_text()) for p in (project / "one").glob("*/*.txt")}
    assert sorted(nice.values()) == [mine, mine + 2, mine + 2] and len(nice) == 3
    assert {int(p.read_text()) for p in (project / "two").glob("*/*.txt")} == {mine}
    assert {
        p.name.rsplit("-", 1)[1]
        for p in (project / "one").glob("*/*.txt")
        if int(p.read_text()) == mine
    } == {"first.txt"}


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_failing_output_and_the_article_writes_none(
    project: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
):
    monkeypatch.setitem(REGISTRY, "broken", Format("test_parallel:BrokenWriter", "-broken.txt"))
    out = project / "build"
    report = build(
        discover(project / "source"), out, Settings(project=project), ["broken", "memo"], jobs=jobs
    )
    [result] = report.results
    assert result.status == "failed" and result.error.endswith(":1: broken on purpose")
    assert result.outputs == [] and not list(out.rglob("*.docx"))


def test_jobs_start_with_the_biggest_source_and_keep_an_article_together(tmp_path: Path):
    sizes = {"small.md": 10, "big.md": 30, "middle.md": 20}
    plans = []
    for name, size in sizes.items():
        (tmp_path / name).write_text("x" * size)
        plans.append(Plan(ArticleResult(tmp_path / name), ["pdf", "memo"]))
    order = [(job.source.name, job.format) for job in jobs_of(plans)]
    assert order == [
        ("big.md", "pdf"),
        ("big.md", "memo"),
        ("middle.md", "pdf"),
        ("middle.md", "memo"),
        ("small.md", "pdf"),
        ("small.md", "memo"),
    ]


def test_watch_forks_only_once_this_process_is_warm(project: Path, monkeypatch: pytest.MonkeyPatch):
    settings = Settings(project=project)
    source, out = project / "source", project / "build"
    build(discover(source), out, settings, ["memo"], jobs=1)
    jobs: list[int] = []

    def spy(*args, **kwargs):
        jobs.append(kwargs["jobs"])
        return build(*args, **kwargs)

    monkeypatch.setattr(watch_module, "build", spy)
    session = Rebuilds(source, out, settings, ["memo"], 0, lambda report, rebuilt_only: None)
    session.run()  # up to date: nothing rendered here, so this process is still cold
    [path] = discover(source)
    path.write_text(path.read_text(encoding="utf-8").replace("lightning-speed", "lightning-fast"))
    session.after_change()  # renders the memo here: warm
    session.run()
    assert jobs == [1, 1, 0]


def test_weasyprint_is_imported_without_the_library_search_and_kept_frozen():
    """What the warm-up loads is frozen: no later collection walks it (see preload.kept)."""
    code = (
        "import ctypes.util, gc\n"
        "searched = []\n"
        "counting = lambda name: searched.append(name)\n"
        "ctypes.util.find_library = counting\n"
        "from pathlib import Path\n"
        "from briefexport.build.preload import warm_up\n"
        "from briefexport.settings import Settings\n"
        "warm_up(['pdf'], Settings(project=Path.cwd()))\n"
        "from weasyprint.text import ffi\n"
        "print(searched, ffi.harfbuzz_subset is not None, ctypes.util.find_library is counting)\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 100_000)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["[]", "True", "True", "True", "True"]


def test_what_is_kept_loads_without_collections_and_leaves_the_collector_as_it_was():
    enabled = gc.isenabled()
    loaded: list[list[int]] = []
    try:
        for state in (gc.enable, gc.disable):
            state()
            before = gc.get_freeze_count()
            with kept():
                assert not gc.isenabled()
                loaded += [[index] for index in range(1000)]
            assert gc.get_freeze_count() >= before + 1000
            assert gc.isenabled() is (state is gc.enable)
    finally:
        gc.unfreeze()
        (gc.enable if enabled else gc.disable)()


def test_hyphenation_patterns_parsed_elsewhere_are_the_ones_pyphen_uses(
    monkeypatch: pytest.MonkeyPatch,
):
    import pyphen

    from briefexport.weasy import hyphenation

    monkeypatch.setattr(pyphen, "hdcache", {})
    parsed = hyphenation.parse(["en", "tlh"])  # Klingon: no patterns, nothing loaded
    monkeypatch.setattr(pyphen, "hdcache", {})
    hyphenation.install(parsed)
    assert list(pyphen.hdcache) == [pyphen.LANGUAGES[pyphen.language_fallback("en")]]
    assert pyphen.Pyphen(lang="en").hd is next(iter(pyphen.hdcache.values()))
    assert pyphen.Pyphen(lang="en").inserted("hyphenation") == "hy-phen-a-tion"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: T\nlang: ru\n", "ru"),
        ("lang: 'en-GB'\ntitle: T\n", "en-GB"),
        ("title: T\n", "en"),
        ("title: T\n---\n\nlang: de\n", "en"),  # in the body: not a declaration
    ],
)
def test_the_declared_language_is_read_without_parsing(tmp_path: Path, front, expected):
    from briefexport.weasy.hyphenation import declared_language

    source = tmp_path / "a.md"
    source.write_text(f"---\n{front}---\n\nBody.\n", encoding="utf-8")
    assert declared_language(source) == expected


def test_a_fresh_process_builds_all_three_with_the_helper(project: Path):
    """In a fresh process the helper parses hyphenation patterns and renders the memo while
    WeasyPrint is imported; the workers render the rest. Same files as one process makes."""
    command = [sys.executable, "-m", "invoke", "build", "--source", str(project / "source")]
    for jobs in (1, 2):
        out = project / f"build{jobs}"
        run = subprocess.run(
            [*command, "--jobs", str(jobs), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
    files = [
        {p.relative_to(out): p.read_bytes() for p in out.glob("*/*.*")}
        for out in (project / "build1", project / "build2")
    ]
    assert len(files[0]) == 3 and files[0] == files[1]
