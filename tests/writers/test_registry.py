"""The format registry: one complete row per format, asked by build, tasks, verify and check."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from briefexport.errors import ConfigError
from briefexport.tasks import DEFAULTS, ns
from briefexport.writers import (
    DEFAULT_FORMATS,
    REGISTRY,
    Format,
    lookup,
    verifier,
    with_profile,
)


def test_the_default_formats_are_the_rows_marked_default():
    assert DEFAULT_FORMATS == ("pdf", "memo", "summary")
    assert DEFAULTS["formats"] == list(DEFAULT_FORMATS)


def test_press_joins_pdf_only_under_its_profile():
    assert with_profile(["pdf", "memo"], "press") == ["pdf", "memo", "press"]
    assert with_profile(["memo", "summary"], "press") == ["memo", "summary"]
    assert with_profile(["pdf"], "default") == ["pdf"]
    assert with_profile(["pdf", "press"], "press") == ["pdf", "press"]


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(
        ConfigError, match=r"unknown format 'epub' \(use one of: pdf, press, memo, summary\)"
    ):
        with_profile(["pdf", "epub"], "default")


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_row_names_a_writer_and_a_verifier_that_exist(name):
    row = lookup(name)
    assert row.laid_out == (row.engine == "weasyprint") == bool(row.template)
    assert callable(verifier(name))
    module, _, cls = row.target.partition(":")
    assert hasattr(__import__(module, fromlist=[cls]), cls)


def test_a_format_a_profile_adds_has_no_task_of_its_own():
    own = {name for name, row in REGISTRY.items() if not row.joins}
    assert own == {"pdf", "memo", "summary"}
    assert own <= set(ns.task_names) and "press" not in ns.task_names


def test_format_tasks_hide_the_flags_that_cannot_change_their_output():
    def flags(task: str) -> set[str]:  # not get_arguments(): Invoke pops the help it reads
        return set(inspect.signature(ns[task].body).parameters)

    assert {"profile"} <= flags("pdf") and "no_embed_fonts" not in flags("pdf")
    assert "no_embed_fonts" in flags("memo") and "profile" not in flags("memo")
    assert not {"profile", "no_embed_fonts"} & flags("summary")


def test_the_registry_imports_no_writer_and_no_weasyprint():
    code = (
        "import sys; import briefexport.writers as w; w.REGISTRY['pdf'].laid_out;"
        "print(sorted(m for m in sys.modules if m.startswith(('weasyprint', 'docx',"
        " 'briefexport.writers.', 'briefexport.commands', 'markdown_it'))))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_the_profiles_are_default_and_those_the_rows_name():
    from briefexport.settings import PROFILES

    assert PROFILES == ("default", "press")


def test_a_format_without_a_verifier_is_a_clear_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(REGISTRY, "odd", Format("tests:Odd", ".txt"))
    assert not REGISTRY["odd"].laid_out and REGISTRY["odd"].holds_back
    with pytest.raises(ConfigError, match="format 'odd' has no verifier"):
        verifier("odd")
