"""The command line: help for every flag, doctor, clean, configuration, clean errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefexport.commands.doctor import diagnose
from briefexport.tasks import ns
from conftest import ROOT, run_invoke


@pytest.mark.parametrize("name", sorted(ns.task_names))
def test_every_task_has_a_docstring_and_help_for_every_flag(name):
    task = ns[name]
    assert task.__doc__ and "\n" not in task.__doc__.strip()
    flags = [arg for arg in task.get_arguments() if arg.name != "c"]
    assert all(arg.help for arg in flags), [a.name for a in flags if not a.help]


def test_doctor_finds_what_this_machine_has():
    results = list(diagnose(ROOT))
    assert all(ok for ok, _ in results), [line for ok, line in results if not ok]
    assert any("harfbuzz-subset" in line for _, line in results)


def test_doctor_prints_the_fix_for_what_is_missing(tmp_path):
    ok, line = next((ok, line) for ok, line in diagnose(tmp_path) if "brand file" in line)
    assert not ok and "missing" in line


def test_configuration_from_invoke_yaml(project: Path):
    (project / "invoke.yaml").write_text("briefexport:\n  out: elsewhere\n  formats: [pdf]\n")
    (project / "tasks.py").write_text("from briefexport.tasks import ns\n")
    run = run_invoke("build", cwd=project)
    assert run.returncode == 0, run.stderr
    assert (project / "elsewhere" / "kazakhstan-crisis-central-asia-policy-reboot").is_dir()
    line = run.stdout.strip()
    assert line.startswith("built\t") and line.count("\t") == 3


def test_bad_flags_and_sources_give_one_clean_line(tmp_path):
    bad = run_invoke("pdf", "--paper", "a5", "--out", str(tmp_path))
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: unknown paper 'a5' (use one of: letter, a4)"
    missing = run_invoke("pdf", "--source", str(tmp_path / "nope.md"), "--out", str(tmp_path))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert f"error: {tmp_path / 'nope.md'}:1: no such file (check the path)" in missing.stderr


def test_clean_removes_the_output_folder(tmp_path):
    out = tmp_path / "out"
    (out / "x").mkdir(parents=True)
    assert run_invoke("clean", "--out", str(out)).returncode == 0
    assert not out.exists()
    assert run_invoke("clean", "--out", str(ROOT)).returncode == 1


def test_the_console_script_works_from_any_folder(tmp_path):
    source = ROOT / "source" / "kazakhstan-crisis-central-asia-policy-reboot.md"
    run = subprocess.run(
        ["briefexport", "pdf", "--source", str(source), "--out", str(tmp_path)],
        cwd=ROOT / "source",
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / source.stem / f"{source.stem}.pdf").exists()
    lost = subprocess.run(
        ["briefexport", "pdf", "--source", str(tmp_path / "x.md")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lost.returncode == 1
    assert lost.stderr.startswith("error: no briefexport project (styles/brand.yaml) in or above")


def test_a_long_title_gets_a_running_head_that_fits(write_source):
    from briefexport.source.reader import read_article

    title = (
        "A Very Long Title About Energy Corridors, Pipelines, Ports and the Politics of the Caspian"
    )
    path = write_source(f"---\ntitle: {title}\ndate: 2024-01-01\nauthor: A\n---\n\nText.\n")
    assert (
        read_article(path).running_title
        == "A Very Long Title About Energy Corridors, Pipelines, Ports…"
    )
