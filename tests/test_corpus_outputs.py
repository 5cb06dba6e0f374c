"""The corpus of real public documents, built as a user would (minimal front matter) on Letter
and A4: every document gives all three outputs, and verify finds nothing lost. The one finding
it may report is true of the pages: characters printed as empty boxes when the machine has no
font for them (Japanese, without a CJK font)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefexport.build.pipeline import build
from briefexport.commands.verify import verify_article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
DOCUMENTS = sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md")
FORMATS = ["pdf", "memo", "summary"]
PUBLISHER = "American Foreign Policy Council"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["letter", "a4"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"corpus-{request.param}")
    report = build(DOCUMENTS, out, Settings(project=ROOT, paper=request.param), FORMATS, jobs=2)
    assert [r.source.name for r in report.failed] == [], report.failed[0].error
    return out


@pytest.mark.parametrize("source", DOCUMENTS, ids=lambda p: p.stem)
def test_verify_finds_nothing_lost(built: Path, source: Path):
    article = read_article(source)
    for finding in verify_article(article, built, FORMATS, PUBLISHER):
        assert finding.missing == [], (finding.path.name, finding.missing[:5])
        assert [p for p in finding.problems if "print as empty boxes" not in p] == [], (
            finding.path.name,
            finding.problems,
        )
