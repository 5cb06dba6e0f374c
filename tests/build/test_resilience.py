"""No traceback, never a lost batch: whatever one article does to its worker, the others build.

A stand-in format (registered for the test) misbehaves by the article's slug: it raises a bug,
runs forever, eats memory or kills its process. Each becomes one located error for that
article, and the good articles beside it are written.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefexport.build import pipeline
from briefexport.build.manifest import MANIFEST, read_manifest
from briefexport.build.pipeline import build
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.writers import REGISTRY, Format, Output
from conftest import ROOT

HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nBody.\n"


class Misbehaving:
    """Renders ``ok``, unless the slug says otherwise."""

    def render(self, article: Article, settings: Settings) -> Output:
        if article.slug == "bug":
            return Output(str(1 // 0).encode())
        if article.slug == "hang":
            while True:
                time.sleep(0.01)
        if article.slug == "hog":
            return Output(bytes(2_000_000_000))
        if article.slug == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        return Output(b"ok")


@pytest.fixture
def odd_format(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(REGISTRY, "odd", Format(f"{__name__}:Misbehaving", ".txt"))
    return "odd"


def sources(folder: Path, *slugs: str) -> list[Path]:
    for slug in slugs:
        (folder / f"{slug}.md").write_text(HEAD)
    return [folder / f"{slug}.md" for slug in slugs]


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_failure_is_one_located_line_and_the_batch_goes_on(tmp_path, odd_format, jobs):
    slugs = ["good", "bug", "hang", "hog", "good2"] + (["die"] if jobs > 1 else [])
    settings = Settings(project=ROOT, time_budget=1, memory_budget=300)
    report = build(sources(tmp_path, *slugs), tmp_path / "out", settings, [odd_format], jobs=jobs)
    errors = {r.source.stem: r.error for r in report.results}
    where = {slug: f"{tmp_path / slug}.md:1: odd" for slug in slugs}
    assert errors["good"] == errors["good2"] == ""
    assert errors["bug"] == (
        f"{where['bug']} could not be rendered: ZeroDivisionError: integer division or modulo "
        "by zero (a bug: please report it with the source)"
    )
    assert errors["hang"] == (
        f"{where['hang']} took over 1 s, the time budget (split the article, or raise "
        "--time-budget)"
    )
    assert errors["hog"] == (
        f"{where['hog']} needed over 300 MB, the memory budget (look for huge tables or "
        "images, or raise --memory-budget)"
    )
    if jobs > 1:
        assert errors["die"].startswith(f"{where['die']}: the process rendering it died")
    for slug in ("good", "good2"):
        assert (tmp_path / "out" / slug / f"{slug}.txt").read_bytes() == b"ok"
    assert set(read_manifest(tmp_path / "out").outputs) == {"good/good.txt", "good2/good2.txt"}


@pytest.mark.parametrize(
    ("code", "message"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
)
def test_a_failed_write_is_one_line_for_that_article(
    tmp_path, odd_format, monkeypatch, code, message
):
    write = pipeline.write_atomic

    def failing(path: Path, data: bytes) -> None:
        if path.parent.name == "full":
            raise OSError(code, message, str(path))
        write(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", failing)
    out = tmp_path / "out"
    report = build(sources(tmp_path, "full", "good"), out, Settings(project=ROOT), [odd_format])
    assert report.results[0].error == (
        f"{tmp_path / 'full.md'}:1: outputs not written: {message} ({out / 'full' / 'full.txt'})"
    )
    assert (out / "good" / "good.txt").read_bytes() == b"ok"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "manifest",
    [
        '{"version": "1", "outputs": ' + nested(100_000) + "}",
        '{"version": "1", "outputs": {"good/good.txt": {"fingerprint": "x", "pages": 1e999}}}',
        '{"outputs": {"good/good.txt": {"fingerprint": 7}}}',
        "\xff\xfe not json",
        '{"outputs": {}, "hashes": {"/etc/hosts": [1, 2, 3, 4, "5", "x"]}}',
    ],
    ids=["nested 100,000 deep", "1e999", "a number for a string", "not text", "a hash's stamp"],
)
def test_a_corrupt_manifest_is_set_aside_and_everything_rebuilt(tmp_path, odd_format, manifest):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_bytes(manifest.encode("utf-8", "surrogateescape"))
    report = build(sources(tmp_path, "good"), out, Settings(project=ROOT), [odd_format])
    assert report.ok
    assert report.warnings[0].startswith(f"{out / MANIFEST}: unreadable manifest (")
    assert report.warnings[0].endswith(
        f"set aside as {out / (MANIFEST + '.corrupt')}; every output is rebuilt"
    )
    assert (out / (MANIFEST + ".corrupt")).exists()
    assert set(json.loads((out / MANIFEST).read_text())["outputs"]) == {"good/good.txt"}


def test_manifest_keys_never_name_paths(tmp_path, odd_format):
    out = tmp_path / "out"
    [source] = sources(tmp_path, "good")
    build([source], out, Settings(project=ROOT), [odd_format])
    data = json.loads((out / MANIFEST).read_text())
    data["outputs"] = {"../x": data["outputs"]["good/good.txt"]}
    (tmp_path / "x").write_text("elsewhere")
    (out / MANIFEST).write_text(json.dumps(data))
    (out / "good" / "good.txt").unlink()
    report = build([source], out, Settings(project=ROOT), [odd_format])
    assert report.results[0].status == "built"
    assert (out / "good" / "good.txt").read_bytes() == b"ok"


WORKER = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from briefexport.build.jobs import bound_to_parent
pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                           initializer=bound_to_parent)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 60)  # a busy worker does not notice its queue close
time.sleep(0.5)
print("busy", flush=True)
time.sleep(60)
"""


def gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def test_workers_die_with_their_build():
    with subprocess.Popen(
        [sys.executable, "-c", WORKER],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    ) as parent:
        assert parent.stdout
        worker = int(parent.stdout.readline())
        assert parent.stdout.readline() == "busy\n"
        parent.kill()
    for _ in range(100):
        if gone(worker):
            break
        time.sleep(0.05)
    assert gone(worker)
