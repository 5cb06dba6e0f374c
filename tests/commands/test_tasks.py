"""The command line: help for every flag, doctor, clean, configuration, clean errors."""

from __future__ import annotations

import os
import re
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
    assert all(level != "MISSING" for level, _ in results), results
    assert ("ok", f"project: {ROOT}") in results
    assert any("harfbuzz-subset" in line for _, line in results)
    assert any(line.startswith("press profile:") and "CGATS TR 006" in line for _, line in results)


def test_doctor_prints_the_fix_for_what_is_missing(tmp_path):
    notes = [line for level, line in diagnose(tmp_path) if level == "note"]
    assert f"no project in or above {tmp_path}; fix: briefexport init {tmp_path}" in notes
    styles = tmp_path / "styles"
    styles.mkdir()
    brand = (ROOT / "styles" / "brand.yaml").read_text().replace("PTMono-", "Absent-")
    (styles / "brand.yaml").write_text(brand.replace("icc/gracol-tr006.icc", "icc/press.icc"))
    (styles / "icc").mkdir()
    (styles / "icc" / "press.icc").write_bytes(b"not a colour profile" * 4)
    missing = [line for level, line in diagnose(tmp_path) if level == "MISSING"]
    assert missing == [
        f"font PT Mono 400 normal: {styles / 'fonts' / 'Absent-Regular.ttf'} not "
        f"found; fix: put the file there or correct font-files in {styles / 'brand.yaml'}",
        f"press profile: {styles / 'icc' / 'press.icc'} is not a CMYK output ICC profile; fix: "
        f"put the printer's CMYK .icc file there or correct press: output-profile in "
        f"{styles / 'brand.yaml'}",
    ]


def test_doctor_notes_brand_fonts_memo_readers_lack(monkeypatch):
    import briefexport.commands.doctor as doctor

    monkeypatch.setattr(
        doctor.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, "DejaVu Sans\n")
    )
    notes = [line for level, line in diagnose(ROOT) if level == "note"]
    assert any(
        n.startswith("brand fonts not installed here: PT Mono, PT Sans, PT Serif;") for n in notes
    )


def test_configuration_from_invoke_yaml(project: Path):
    (project / "invoke.yaml").write_text("briefexport:\n  out: elsewhere\n  formats: [pdf]\n")
    (project / "tasks.py").write_text("from briefexport.tasks import ns\n")
    run = run_invoke("build", cwd=project)
    assert run.returncode == 0, run.stderr
    assert (project / "elsewhere" / "kazakhstan-crisis-central-asia-policy-reboot").is_dir()
    line = run.stdout.strip()
    assert line.startswith("built       source/kazakhstan-crisis-central-asia-policy-reboot.md")
    assert re.search(
        r" -> elsewhere/kazakhstan-crisis-central-asia-policy-reboot/: pdf \(\d+ pages\) in \d+\.\d s$",
        line,
    )


def test_bad_flags_and_sources_give_one_clean_line(tmp_path):
    bad = run_invoke("pdf", "--paper", "a5", "--out", str(tmp_path))
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: unknown paper 'a5' (use one of: letter, a4)"
    missing = run_invoke("pdf", "--source", str(tmp_path / "nope.md"), "--out", str(tmp_path))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert f"error: {tmp_path / 'nope.md'}:1: no such file (check the path)" in missing.stderr


def test_clean_removes_the_output_folder(tmp_path):
    out = tmp_path / "out"
    (out / "x").mkdir(parents=True)
    assert run_invoke("clean", "--out", str(out)).returncode == 0
    assert not out.exists()
    assert run_invoke("clean", "--out", str(ROOT)).returncode == 2


def test_the_console_script_works_from_any_folder(tmp_path):
    source = ROOT / "source" / "kazakhstan-crisis-central-asia-policy-reboot.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}  # this checkout, from any folder
    pdf = ["briefexport", "pdf", "--source", str(source)]
    run = subprocess.run(
        [*pdf, "--out", str(tmp_path), "--project", str(ROOT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / source.stem / f"{source.stem}.pdf").exists()
    lost = subprocess.run(
        pdf,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert lost.returncode == 2  # a usage error: run it inside a project
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
