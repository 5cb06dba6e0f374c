"""Shared fixtures: the project root, the Kazakhstan article, a scratch project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article

ROOT = Path(__file__).resolve().parent.parent
KAZAKHSTAN = ROOT / "source" / "kazakhstan-crisis-central-asia-policy-reboot.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The console scripts the tests run (briefexport) are this environment's, as if it were
# activated: `.venv/bin/invoke test` runs the tests without putting .venv/bin on PATH.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(project=ROOT)


@pytest.fixture(scope="session")
def kazakhstan() -> Article:
    return read_article(KAZAKHSTAN)


@pytest.fixture
def write_source(tmp_path: Path):
    """Write a source file into a fresh folder and return its path."""

    def write(text: str | bytes, name: str = "article.md") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    return write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (its brand and sources; templates and the rest of the styles come
    from the package), safe to edit."""
    for name in ("styles", "source"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "templates").mkdir()  # empty: every template is the packaged one
    return tmp_path


def invoke_command(*args: str) -> list[str]:
    """The command line that runs one of the project's tasks."""
    return [sys.executable, "-m", "invoke", *args]


def run_invoke(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run a task as a user would and capture what it prints."""
    return subprocess.run(invoke_command(*args), cwd=cwd, capture_output=True, text=True)
