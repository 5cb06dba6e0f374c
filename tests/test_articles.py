"""Articles of every kind build into all three outputs, and `verify` finds nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefexport.build.pipeline import build
from briefexport.commands.verify import verify_article
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from conftest import KAZAKHSTAN, ROOT

ARTICLES = [KAZAKHSTAN, *sorted((ROOT / "tests" / "articles").glob("*.md"))]
FORMATS = ["pdf", "memo", "summary"]


@pytest.mark.parametrize("source", ARTICLES, ids=lambda p: p.stem)
def test_article_builds_and_verifies(source: Path, tmp_path: Path, settings: Settings):
    report = build([source], tmp_path, settings, FORMATS, jobs=1)
    assert report.ok, report.failed[0].error
    [result] = report.results
    assert {o.format: o.built for o in result.outputs} == dict.fromkeys(FORMATS, True)
    assert {o.format: o.pages for o in result.outputs}["summary"] == 1
    article = read_article(source)
    publisher = article.publisher or "American Foreign Policy Council"
    for finding in verify_article(article, tmp_path, FORMATS, publisher):
        assert finding.ok, (finding.path.name, finding.missing, finding.problems)


def test_a_batch_in_parallel(tmp_path: Path, settings: Settings):
    report = build(ARTICLES, tmp_path, settings, FORMATS, jobs=2)
    assert report.ok
    assert sorted(p.name for p in tmp_path.glob("*/*-summary.pdf")) == sorted(
        f"{p.stem}-summary.pdf" for p in ARTICLES
    )
