"""Shared fixtures: the project root, the Kazakhstan article, a scratch project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from hypothesis import settings as hypothesis_settings

from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import REGISTRY, writer

ROOT = Path(__file__).resolve().parent.parent
KAZAKHSTAN = ROOT / "source" / "kazakhstan-crisis-central-asia-policy-reboot.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The console scripts the tests run (briefexport) are this environment's, as if it were
# activated: `.venv/bin/invoke test` runs the tests without putting .venv/bin on PATH.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

# The property tests draw the same examples on every run, so that the suite (and CI) is
# reproducible; `HYPOTHESIS_PROFILE=explore invoke test --args tests/test_fuzz.py` draws new
# ones, ten times as many, to look for what the fixed set has not found.
hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with slow tests first, in their order: pytest-xdist (invoke test, with
    --no-loadscope-reorder) then starts the long files first and none is left to run alone at
    the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


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


UNCHECKED: set[str] = set()  # the tests that write nonconforming PDFs on purpose


@pytest.fixture(autouse=True, scope="session")
def every_pdf_passes_the_matterhorn_checker():
    """Every tagged PDF written in this process (by a test or a fixture) meets none of the
    machine-checkable Matterhorn failure conditions (readback.pdfua), or what wrote it fails;
    a test marked ``nonconforming`` writes such PDFs on purpose."""
    from weasyprint import Document

    from briefexport.readback.pdfua import check_pdfua

    write_pdf = Document.write_pdf

    def checked(self, *args, **kwargs):
        data = write_pdf(self, *args, **kwargs)
        if kwargs.get("pdf_tags") and isinstance(data, bytes) and not UNCHECKED:
            failures = [str(failure) for failure in check_pdfua(data)]
            assert failures == [], f"{len(failures)} Matterhorn failures"
        return data

    Document.write_pdf = checked
    yield
    Document.write_pdf = write_pdf


@pytest.fixture(autouse=True)
def nonconforming(request):
    """Let a test marked ``nonconforming`` write PDFs that fail PDF/UA."""
    if request.node.get_closest_marker("nonconforming"):
        UNCHECKED.add(request.node.nodeid)
        yield
        UNCHECKED.discard(request.node.nodeid)
    else:
        yield


def rendered(name: str, source: Path, folder: Path, settings: Settings) -> Path:
    """``source`` rendered as format ``name`` into ``folder``, named as a build names it."""
    path = folder / f"{source.stem}{REGISTRY[name].suffix}"
    path.write_bytes(writer(name).render(read_article(source), settings).data)
    return path


def structure_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of a tagged PDF (kept open by the caller), in tree order."""
    found: list[pikepdf.Dictionary] = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if node.get("/Type") == "/StructElem":
            found.append(node)
        if isinstance(kids, pikepdf.Array):
            stack.extend(reversed([k for k in kids if isinstance(k, pikepdf.Dictionary)]))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)
    return found
