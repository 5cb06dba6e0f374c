"""The corpus of real public documents, built as a user would (minimal front matter) on Letter
and A4: every document gives all three outputs, and verify finds nothing lost, except where the
outputs really are wrong (:data:`TRUE_FINDINGS`, each checked against the pages): those cases
are expected failures that turn into errors once the output is fixed."""

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

LONE_MARKER = (
    "a loose list item's (or a quoted list's) marker prints alone on the line above its text "
    "(list-style-position: inside before a block)"
)
TRUE_FINDINGS = {
    (paper, stem): LONE_MARKER
    for paper in ("letter", "a4")
    for stem in (
        "opensource-guide-ja-starting-a-project",
        "opensource-guide-ru-starting-a-project",
        "uk-ons-duck-book-generative-ai",
        "us-omb-m-13-13-open-data-policy",
        "us-omb-m-16-21-federal-source-code-policy",
    )
}


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
        pytest.param(
            paper,
            source,
            id=f"{paper}-{source.stem}",
            marks=[pytest.mark.xfail(strict=True, reason=TRUE_FINDINGS[paper, source.stem])]
            if (paper, source.stem) in TRUE_FINDINGS
            else [],
        )
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
