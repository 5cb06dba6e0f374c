"""The corpus of real public documents, built as a user would (minimal front matter) on Letter
and A4: every document gives all three outputs, and verify finds nothing lost (nor a list
marker alone above its item's text, as loose lists printed before issue 13)."""

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

PAPERS = ["letter", "a4"]
_BUILT: dict[str, Path] = {}


def built(paper: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus built once per paper in this session: every document, all three outputs."""
    if paper not in _BUILT:
        out = tmp_path_factory.mktemp(f"corpus-{paper}")
        report = build(DOCUMENTS, out, Settings(project=ROOT, paper=paper), FORMATS, jobs=2)
        assert [r.source.name for r in report.failed] == [], report.failed[0].error
        _BUILT[paper] = out
    return _BUILT[paper]


@pytest.mark.parametrize(
    ("paper", "source"),
    [
        pytest.param(paper, source, id=f"{paper}-{source.stem}")
        for paper in PAPERS
        for source in DOCUMENTS
    ],
)
def test_verify_finds_nothing_lost(
    paper: str, source: Path, tmp_path_factory: pytest.TempPathFactory
):
    out = built(paper, tmp_path_factory)
    article = read_article(source)
    for finding in verify_article(article, out, FORMATS, PUBLISHER):
        assert finding.ok, (finding.path.name, finding.missing[:5], finding.problems[:5])
