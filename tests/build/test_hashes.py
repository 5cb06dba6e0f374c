"""File hashes remembered by their stat: a no-op build reads none of the files it depends on."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from briefexport.build import hashes
from briefexport.build.hashes import file_hash
from briefexport.build.manifest import MANIFEST
from briefexport.build.pipeline import build
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.writers import REGISTRY, Format, Output
from conftest import ROOT

HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nBody.\n"


class Plain:
    """A stand-in format: renders a few bytes, depends on the brand and the fonts."""

    def render(self, article: Article, settings: Settings) -> Output:
        return Output(b"ok")


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The inodes of the files hashed by reading them, in a process that knows no hash yet."""
    monkeypatch.setattr(hashes, "_KNOWN", {})
    monkeypatch.setattr(hashes, "_NEW", {})
    inodes: list[int] = []
    digest = hashlib.file_digest

    def counted(stream, name):  # type: ignore[no-untyped-def]
        inodes.append(os.fstat(stream.fileno()).st_ino)
        return digest(stream, name)

    monkeypatch.setattr(hashlib, "file_digest", counted)
    return inodes


def test_a_settled_file_is_read_once_and_again_once_changed(
    tmp_path: Path, read: list[int], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(hashes, "SETTLED", -(10**12))  # every file counts as long settled
    path = tmp_path / "a.css"
    path.write_text("one")
    first = file_hash(path)
    assert file_hash(path) == first and len(read) == 1
    before = path.stat()
    path.write_text("two")  # the same size, and the old modification time put back:
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moved
    assert file_hash(path) not in (first, "missing") and len(read) == 2


def test_a_file_changed_just_before_its_hashing_is_never_remembered(
    tmp_path: Path, read: list[int]
):
    path = tmp_path / "a.css"
    path.write_text("one")
    assert file_hash(path) == file_hash(path) and len(read) == 2
    assert hashes.handed_back() == ()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_manifest_keeps_the_hashes_a_noop_build_would_read_again(
    tmp_path: Path, read: list[int], monkeypatch: pytest.MonkeyPatch, jobs: int
):
    monkeypatch.setitem(REGISTRY, "plain", Format(f"{__name__}:Plain", ".txt"))
    sources = [tmp_path / f"{name}.md" for name in "abc"]  # more than the workers: none here
    for source in sources:
        source.write_text(HEAD)
    out = tmp_path / "out"
    settings = Settings(project=ROOT)
    assert build(sources, out, settings, ["plain"], jobs=jobs).ok
    fonts = [path for path in REGISTRY["plain"].dependencies(settings) if path.suffix == ".ttf"]
    assert fonts and str(fonts[0]) in (out / MANIFEST).read_text()  # from the workers too
    monkeypatch.setattr(hashes, "_KNOWN", {})  # as in the next build's process
    read.clear()
    again = build(sources, out, settings, ["plain"], jobs=jobs)
    assert {result.status for result in again.results} == {"skipped"}
    assert sorted(read) == sorted(source.stat().st_ino for source in sources)  # written just now
