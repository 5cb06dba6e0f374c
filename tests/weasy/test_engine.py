"""The stylesheets every laid-out output reads, parsed once per process and file version."""

from __future__ import annotations

import os
from pathlib import Path

from briefexport.settings import PACKAGED, Settings
from briefexport.weasy.engine import stylesheets
from briefexport.writers import REGISTRY


def test_the_brief_and_the_one_pager_share_the_sheets_both_read_and_an_edit_is_read_again(
    project: Path,
):
    settings = Settings(project=project)
    brief = stylesheets(settings, REGISTRY["pdf"].styles)  # brand, page, base.css, article.css
    summary = stylesheets(settings, REGISTRY["summary"].styles)  # ..., base.css, summary.css
    assert [a is b for a, b in zip(brief, summary, strict=True)] == [True, True, True, False]
    assert stylesheets(settings, REGISTRY["pdf"].styles) == brief

    own = project / "styles" / "article.css"  # a project's own file replaces the packaged one
    own.write_text((PACKAGED / "styles" / "article.css").read_text() + "h1 { color: red }\n")
    edited = stylesheets(settings, REGISTRY["pdf"].styles)
    assert [a is b for a, b in zip(brief, edited, strict=True)] == [True, True, True, False]
    later = own.stat().st_mtime_ns + 1_000_000_000
    os.utime(own, ns=(later, later))
    again = stylesheets(settings, REGISTRY["pdf"].styles)
    assert again[:3] == edited[:3] and again[3] is not edited[3]
