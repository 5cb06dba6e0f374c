"""The corpus of real public documents: each parses, keeps to the minimal front matter, finds
its figures, and has its row in the corpus README and its licence (rendering is left to slower
tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from briefexport.source.reader import read_article

CORPUS = Path(__file__).resolve().parent / "corpus"
FRONT_KEYS = {"title", "date", "author", "lang"}


@pytest.fixture(scope="module")
def corpus_documents() -> list[Path]:
    """Every corpus source, README excepted."""
    return sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md")


@pytest.fixture(scope="module")
def front_matters(corpus_documents) -> dict[str, dict[str, object]]:
    """Each document's front matter, by file name."""
    return {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])
        for p in corpus_documents
    }


@pytest.fixture(scope="module")
def readme_rows() -> dict[str, str]:
    """The corpus README's table rows, by the file name in their first cell."""
    rows = {}
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+\.md)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def test_corpus_has_its_mix(corpus_documents, front_matters):
    assert len(corpus_documents) >= 7
    assert {"en", "fr", "ru", "ja"} <= {f.get("lang", "en") for f in front_matters.values()}


def test_every_document_parses_without_notice(corpus_documents):
    for path in corpus_documents:
        article = read_article(path)
        assert article.title, path.name
        assert article.warnings == (), path.name


def test_front_matter_is_minimal(front_matters):
    for name, front in front_matters.items():
        assert {"title", "date", "author"} <= set(front) <= FRONT_KEYS, name


def test_every_figure_is_beside_its_source(corpus_documents):
    for path in corpus_documents:
        for target in re.findall(r"!\[[^\]]*\]\(([^ )]+)", path.read_text(encoding="utf-8")):
            assert (CORPUS / target).is_file(), f"{path.name}: {target}"


def test_every_document_has_its_row_and_licence(corpus_documents, readme_rows):
    assert set(readme_rows) == {p.name for p in corpus_documents}
    for name, row in readme_rows.items():
        licences = re.findall(r"\]\((LICENSES/[^)]+)\)", row)
        assert licences, name
        assert all((CORPUS / lic).is_file() for lic in licences), name


def test_commonmark_examples_are_data():
    examples = json.loads((CORPUS / "commonmark" / "spec.json").read_text(encoding="utf-8"))
    assert len(examples) == 652
    assert [e["example"] for e in examples] == list(range(1, 653))
    assert {"markdown", "html", "section"} <= set(examples[0])
