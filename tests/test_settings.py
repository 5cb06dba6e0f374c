"""Settings given a relative project folder, as an API caller (not the CLI) may give it."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers import writer

ROOT = Path(__file__).resolve().parent.parent


def test_a_relative_project_is_made_absolute_and_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    settings = Settings(project=Path())
    assert settings.project == ROOT
    source = next((ROOT / "source").glob("*.md"))
    article = read_article(source)
    assert writer("pdf").render(article, settings).data.startswith(b"%PDF")
