"""Installed as a user installs it: ./bootstrap with Debian's own Python (PEP 668), and the
wheel installed with pipx (in a clean virtual environment of its own), used outside the
repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from briefexport import __version__
from conftest import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")
PROJECT_FILES = (
    "bootstrap",
    "constraints.txt",
    "pyproject.toml",
    "README.md",
    "tasks.py",
    "invoke.yaml",
)
PROJECT_FOLDERS = ("src", "styles", "source")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on PYTHONPATH or an active virtual environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


def run(*command: str | Path, cwd: Path, env: dict[str, str]) -> str:
    """Run a command; fail the test with its output if it fails."""
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def copy_of_the_repository(target: Path) -> Path:
    """The files a clean clone has that bootstrap and a build need."""
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(
            ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
    return target


def externally_managed(python: Path) -> bool:
    """Whether ``python`` is a PEP 668 interpreter (pip refuses to install into it)."""
    code = "import sysconfig; print(sysconfig.get_path('stdlib'))"
    stdlib = subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()
    return (Path(stdlib) / "EXTERNALLY-MANAGED").is_file()


@pytest.mark.slow
@pytest.mark.skipif(
    not SYSTEM_PYTHON.exists() or not externally_managed(SYSTEM_PYTHON),
    reason="needs Debian's own externally managed /usr/bin/python3",
)
def test_bootstrap_with_the_system_python_makes_and_uses_a_venv(tmp_path: Path):
    repository = copy_of_the_repository(tmp_path)
    env = clean_env(PATH="/usr/bin:/bin:/usr/sbin:/sbin")
    run("./bootstrap", cwd=repository, env=env)
    venv = repository / ".venv"
    base = run(
        venv / "bin" / "python", "-c", "import sys; print(sys.base_prefix)", cwd=tmp_path, env=env
    )
    assert base.strip() == "/usr"
    assert run(venv / "bin" / "briefexport", "--version", cwd=tmp_path, env=env).startswith(
        "briefexport "
    )
    assert "memo" in run(venv / "bin" / "invoke", "--list", cwd=repository, env=env)
    out = tmp_path / "out"
    run(venv / "bin" / "invoke", "memo", "--out", out, cwd=repository, env=env)
    assert list(out.glob("*/*-memo.docx"))


@pytest.mark.slow
def test_the_wheel_installed_with_pipx_inits_builds_and_verifies_a_project(tmp_path: Path):
    """The wheel carries the package data; pipx installs it in a venv of its own (as ``pipx
    install .`` does, without building a second time) and its ``briefexport`` works anywhere."""
    env = clean_env()
    wheels = tmp_path / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        wheels,
        ROOT,
        cwd=tmp_path,
        env=env,
    )
    [wheel] = wheels.glob("briefexport-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for packaged in (
        "templates/article.html.j2",
        "templates/_meta.html.j2",
        "styles/base.css",
        "styles/brand.yaml",
        "styles/fonts/PTSerif-Regular.ttf",
        "styles/fonts/LICENSE-ParaType.txt",
        "project/source/getting-started.md",
        "project/gitignore",
    ):
        assert f"briefexport/defaults/{packaged}" in names, packaged
    tools = tmp_path / "tools"  # pipx itself, in a venv of its own
    run(sys.executable, "-m", "venv", "--without-pip", tools, cwd=tmp_path, env=env)
    install = ["--python", tools / "bin" / "python", "install", "-q", "--no-compile", "pipx"]
    run(sys.executable, "-m", "pip", *install, cwd=tmp_path, env=env)  # this pip, that venv
    home, bin_ = tmp_path / "pipx", tmp_path / "bin"  # nothing goes to ~/.local
    env = clean_env(PIPX_HOME=str(home), PIPX_BIN_DIR=str(bin_), PIPX_MAN_DIR=str(tmp_path / "man"))
    run(tools / "bin" / "pipx", "install", "--pip-args=--no-compile", wheel, cwd=tmp_path, env=env)
    version = run(bin_ / "briefexport", "--version", cwd=tmp_path, env=env)
    assert version.startswith(f"briefexport {__version__} (Invoke ")
    venv = home / "venvs" / "briefexport"
    where = run(
        venv / "bin" / "python",
        "-c",
        "import briefexport; print(briefexport.__file__)",
        cwd=tmp_path,
        env=env,
    )
    assert where.startswith(str(venv)) and sysconfig.get_paths()["purelib"] not in where
    run(
        bin_ / "briefexport",
        "init",
        "institute",
        "--name",
        "Caspian Institute",
        cwd=tmp_path,
        env=env,
    )
    project = tmp_path / "institute"
    built = run(bin_ / "briefexport", "build", cwd=project, env=env)
    assert "built       source/getting-started.md -> build/getting-started/" in built
    verified = run(bin_ / "briefexport", "verify", cwd=project, env=env)
    assert verified.count("ok\t") == 3
    text = run(
        "pdftotext",
        project / "build/getting-started/getting-started.pdf",
        "-",
        cwd=project,
        env=env,
    )
    assert "CASPIAN INSTITUTE" in text.upper() and "Getting Started with briefexport" in text
