"""The trust boundary: the project is trusted, an article folder is not.

The project (templates, styles, brand) comes from the current folder or ``--project``, never
from where a source lies, and its templates render in Jinja's sandbox all the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from briefexport.errors import ConfigError
from briefexport.settings import PACKAGED, find_project
from briefexport.weasy.templating import environment
from conftest import KAZAKHSTAN, ROOT

EXPLOIT = "{{ cycler.__init__.__globals__.os.popen('echo CANARY-$((6*7))').read() }}"


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    """An article folder that brings its own brand and a template that runs a shell command."""
    folder = tmp_path / "incoming"
    shutil.copytree(ROOT / "styles", folder / "styles")
    shutil.copytree(PACKAGED / "templates", folder / "templates")
    for template in (folder / "templates").glob("*.j2"):
        template.write_text(EXPLOIT + template.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(KAZAKHSTAN, folder / "article.md")
    return folder


def test_a_template_cannot_reach_python_internals(hostile_folder):
    template = environment((hostile_folder / "templates",)).from_string(EXPLOIT)
    with pytest.raises(SecurityError):
        template.render()


def test_the_project_is_never_found_from_the_source(hostile_folder, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    command = ["briefexport", "pdf", "--source", str(hostile_folder / "article.md")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}  # this checkout, from any folder
    refused = subprocess.run(
        [*command, "--out", str(out)], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert refused.returncode == 2  # no project: a usage error
    assert refused.stderr.startswith(
        f"error: no briefexport project (styles/brand.yaml) in or above {elsewhere}"
    )
    assert not out.exists()
    built = subprocess.run(
        [*command, "--out", str(out), "--project", str(ROOT)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    )
    assert built.returncode == 0, built.stderr
    text = subprocess.run(
        ["pdftotext", str(out / "article" / "article.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "CANARY" not in text and "Kazakhstan" in text


def test_an_explicit_project_must_be_one(tmp_path):
    with pytest.raises(ConfigError, match=f"no briefexport project .* in {tmp_path} "):
        find_project(tmp_path, exact=True)
    assert find_project(ROOT / "source") == ROOT
