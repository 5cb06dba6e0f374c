"""The command line as a user meets it: help, version, flags, exit codes, --json, init, and a
project's own templates and styles over the packaged ones."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from invoke.config import Config
from invoke.context import Context
from pypdf import PdfReader

from briefexport import __version__, cli
from briefexport.brand import load_brand
from briefexport.build.pipeline import build
from briefexport.build.results import ArticleResult, BuildReport, OutputResult
from briefexport.build.sources import discover
from briefexport.cli import CORE, BriefexportProgram, main
from briefexport.commands.console import plain_line, report, table
from briefexport.commands.scaffold import init_project
from briefexport.commands.watch import relevant, shown
from briefexport.errors import BriefExportError, ConfigError
from briefexport.messages import Message
from briefexport.settings import NUMBERS, PACKAGED, Settings, number
from briefexport.source.reader import read_article
from briefexport.tasks import FLAGS, USAGE, ns, option
from briefexport.writers import REGISTRY
from briefexport.writers.pdf import PdfWriter
from conftest import KAZAKHSTAN, ROOT, run_invoke

INVOKE_ONLY = ("--dry", "--hide", "--echo", "--pty", "--warn-only", "--prompt-for-sudo-password")


@pytest.fixture(autouse=True)
def fresh_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the collection for the console script: Invoke pops a task's help texts as it
    builds its parser, which would leave other tests none to read."""
    monkeypatch.setattr(cli, "ns", copy.deepcopy(ns))


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The console script in this process: exit status, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(["briefexport", *args])
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


def options(help_text: str) -> set[str]:
    """The long flags a task's --help lists."""
    section = help_text.split("Options:", 1)[1]
    return {word.split("=")[0] for word in section.split() if word.startswith("--")}


def test_help_shows_our_tasks_and_options_only(capsys):
    status, out, _ = run_main(capsys, "--help")
    assert status == 0
    assert not any(flag in out for flag in (*INVOKE_ONLY, "-T", "--write-pyc", "--core-opts"))
    sections = re.split(r"(?m)^(\w+):$", out.split("Exit status")[0])[1:]
    groups = dict(zip(sections[::2], sections[1::2], strict=True))
    assert list(groups) == ["Build", "Sources", "Project"]
    for heading, text in groups.items():
        listed = re.findall(r"(?m)^  (\S+)   ", text)
        assert listed == [name for name in ns.task_names if ns[name].group == heading.lower()]
    assert {ns[name].group for name in ns.task_names} == {"build", "sources", "project"}
    assert "Exit status: 0 ok, 1 an article or a check failed, 2 a usage" in out


def test_version_names_briefexport(capsys):
    status, out, _ = run_main(capsys, "--version")
    assert status == 0 and out.startswith(f"briefexport {__version__} (Invoke ")


@pytest.mark.parametrize("name", sorted(ns.task_names))
def test_each_task_help_shows_its_own_flags(capsys, name):
    status, out, _ = run_main(capsys, name, "--help")
    assert status == 0 and out.startswith(f"Usage: briefexport {name} [--options]")
    flags = {f"--{arg.name.replace('_', '-')}" for arg in cli.ns[name].get_arguments()}
    assert options(out) == flags
    assert "Available tasks" not in out and "--core-opts" not in out


def test_flags_mean_the_same_everywhere_and_none_is_short():
    # in a fresh process: Invoke pops a task's help texts as it reads them
    code = (
        "import json; from briefexport.tasks import ns; print(json.dumps({n: [(a.names, a.help)"
        " for a in ns[n].get_arguments()] for n in ns.task_names}))"
    )
    tasks = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    own: dict[str, set[str]] = {}
    for name, arguments in tasks.items():
        for names, help_text in arguments:
            assert all(len(n) > 1 for n in names), (name, names)
            flag = names[0].replace("-", "_")
            if flag in FLAGS and help_text != FLAGS[flag]:
                own.setdefault(flag, set()).add(name)
    # the shared text everywhere, but where one task says what the flag means for it
    assert own == {
        "strict": {"check"},
        "force": {"reference-docx"},
        "out": {"clean"},
        "profile": {"verify"},
        "source": {"new"},
        "project": {"doctor"},
    }


def test_each_task_takes_the_flags_that_apply():
    def flags(name: str) -> set[str]:
        return {arg.name for arg in cli.ns[name].get_arguments()}

    assert flags("watch") == set(FLAGS) - {"force", "json"}  # it builds, and shows no JSON
    assert "profile" not in flags("memo") and "profile" not in flags("summary")
    assert "no_embed_fonts" in flags("memo") and "no_embed_fonts" not in flags("summary")
    assert flags("build") == set(FLAGS)
    assert flags("pdf") == set(FLAGS) - {"no_embed_fonts"}
    assert flags("init") == {"folder", "name"}
    assert [arg.name for arg in cli.ns["init"].get_arguments() if arg.positional] == ["folder"]


@pytest.mark.parametrize("argv", [["build", "--nope"], ["nope"], ["--dry", "build"]])
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    status, _, err = run_main(capsys, *argv)
    assert status == 2
    assert err.startswith("error: No idea what") and err.count("\n") == 1


def test_invoke_list_leads_each_help_line_with_the_task_group():
    listed = run_invoke("--list")
    assert listed.returncode == 0, listed.stderr
    tags = dict(re.findall(r"(?m)^  (\S+) +\[(\w+)\] +\S", listed.stdout))
    assert tags == {
        **{name: ns[name].group for name in ns.task_names},
        **dict.fromkeys(("test", "lint", "bench"), "develop"),
    }


@pytest.mark.parametrize(
    ("flag", "value", "error"),
    [
        ("--jobs", "-1", "-1 is not a whole number, 0 or more (0 = one worker per core)"),
        ("--jobs", "1.5", "1.5 is not a whole number, 0 or more (0 = one worker per core)"),
        ("--time-budget", "-0.5", "-0.5 is not a number from 0 to 86,400 (0 = no limit)"),
        ("--time-budget", "inf", "inf is not a number from 0 to 86,400 (0 = no limit)"),
        ("--memory-budget", "2e6", "2e6 is not a whole number from 0 to 1,000,000 (0 = no limit)"),
        (
            "--memory-budget",
            "lots",
            "lots is not a whole number from 0 to 1,000,000 (0 = no limit)",
        ),
    ],
)
def test_a_number_out_of_range_is_a_usage_error(capsys, flag, value, error):
    status, out, err = run_main(capsys, "build", flag, value, "--project", str(ROOT))
    assert (status, out, err) == (USAGE, "", f"error: {flag}: {error}\n")


def test_zero_means_one_worker_per_core_or_no_limit_and_overrides_the_settings():
    config = Config(defaults={"briefexport": {"jobs": 4, "time_budget": 60, "memory_budget": 9}})
    c = Context(config)
    assert [option(c, name, "0") for name in NUMBERS] == [0, 0.0, 0]
    assert [option(c, name, None) for name in NUMBERS] == [4, 60.0, 9]
    assert option(c, "time_budget", "2.5") == 2.5
    c.config.briefexport.jobs = -2
    with pytest.raises(ConfigError) as bad:
        option(c, "jobs", None)
    assert str(bad.value) == (
        "invoke.yaml: jobs: -2 is not a whole number, 0 or more (0 = one worker per core)"
    )
    with pytest.raises(ConfigError, match=r"^--pairs: 0 is not a whole number, 1 or more$"):
        number("--pairs", "0", int)


def test_reference_docx_refuses_to_replace_a_designers_file(capsys, tmp_path):
    (tmp_path / "styles").mkdir()
    shutil.copy(ROOT / "styles" / "brand.yaml", tmp_path / "styles" / "brand.yaml")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "memo-reference.docx").write_bytes(b"a designer's")
    status, _, err = run_main(capsys, "reference-docx", "--project", str(tmp_path))
    assert (status, err) == (
        1,
        f"error: {tmp_path / 'templates' / 'memo-reference.docx'} exists; its styles already "
        "win (--force replaces it)\n",
    )


def test_core_flags_are_ours():
    assert {arg.name for arg in BriefexportProgram().core_args()} == set(CORE)


def test_the_readme_documents_every_task():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in ns.task_names if f"invoke {name}" not in readme]
    assert not missing
    assert "## Exit status" in readme


RECORD = {
    "type": "object",
    "required": ["source", "format", "path", "pages", "warnings", "status"],
    "additionalProperties": False,
    "properties": {
        "source": {"type": "string"},
        "format": {"type": ["string", "null"], "enum": [*REGISTRY, None]},
        "path": {"type": ["string", "null"]},
        "pages": {"type": ["integer", "null"], "minimum": 1},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "status": {"enum": ["built", "up to date", "failed"]},
        "error": {"type": "string"},
    },
    "if": {"properties": {"status": {"const": "failed"}}},
    "then": {"required": ["error"]},
    "else": {"properties": {"format": {"type": "string"}, "path": {"type": "string"}}},
}


def test_json_output_has_one_valid_object_per_output(project: Path):
    (project / "source" / "broken.md").write_text("---\ntitle: [broken\n---\n")
    (project / "source" / "raw.md").write_text(
        "---\ntitle: Raw\ndate: 2024-01-01\nauthor: A\n---\n\nSome <b>raw</b> HTML.\n"
    )
    command = ["briefexport", "memo", "--json", "--jobs", "1", "--out", str(project / "out")]
    run = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert run.returncode == 1
    records = [json.loads(line) for line in run.stdout.splitlines()]
    for record in records:
        jsonschema.validate(record, RECORD)
    by_source = {r["source"]: r for r in records}
    assert by_source["source/broken.md"]["status"] == "failed"
    assert by_source["source/raw.md"]["status"] == "built"
    assert by_source["source/raw.md"]["warnings"][0].startswith(
        "source/raw.md:7: warning: raw HTML"
    )
    assert len(records) == 3 and {r["format"] for r in records} == {"memo", None}
    again = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert {json.loads(line)["status"] for line in again.stdout.splitlines()} == {
        "up to date",
        "failed",
    }


def test_init_writes_a_project_that_names_the_institute(tmp_path: Path):
    name = 'Institute for "Quoted" Studies: Paris'
    written = init_project(tmp_path / "new", name)
    assert sorted(str(p.relative_to(tmp_path / "new")) for p in written) == [
        ".gitignore",
        "README.md",
        "invoke.yaml",
        "source/getting-started.md",
        "styles/brand.yaml",
        "tasks.py",
    ]
    assert load_brand(tmp_path / "new" / "styles" / "brand.yaml").organisation == name
    assert name in (tmp_path / "new" / "README.md").read_text()
    assert read_article(tmp_path / "new" / "source" / "getting-started.md").summary
    with pytest.raises(BriefExportError, match=r"README.md: already exists; init never"):
        init_project(tmp_path / "new", "Other")


def test_a_project_template_and_stylesheet_replace_the_packaged_ones(project: Path):
    templates = project / "templates"
    article = (PACKAGED / "templates" / "article.html.j2").read_text(encoding="utf-8")
    (templates / "article.html.j2").write_text(
        article.replace("</body>", '<p class="house">House imprint</p></body>', 1)
    )
    sheet = (PACKAGED / "styles" / "article.css").read_text(encoding="utf-8")
    (project / "styles" / "article.css").write_text(sheet + "\n@page { size: 148mm 210mm }\n")
    settings = Settings(project=project)
    assert settings.template("article.html.j2") == templates / "article.html.j2"
    assert settings.template("summary.html.j2") == PACKAGED / "templates" / "summary.html.j2"
    files = REGISTRY["pdf"].dependencies(settings)
    assert project / "styles" / "article.css" in files
    assert PACKAGED / "styles" / "base.css" in files
    html = PdfWriter().html(read_article(KAZAKHSTAN), settings).html
    assert "House imprint" in html
    out = project / "out"
    result = build(discover(project / "source"), out, settings, ["pdf", "summary"], jobs=1).results[
        0
    ]
    pdf, summary = (PdfReader(o.path) for o in result.outputs)
    assert [round(float(x)) for x in pdf.pages[0].mediabox[2:]] == [420, 595]  # A5, ours
    assert [round(float(x)) for x in summary.pages[0].mediabox[2:]] == [612, 792]  # Letter
    assert "House imprint" in pdf.pages[-1].extract_text()
    shutil.rmtree(templates)
    assert settings.template("article.html.j2") == PACKAGED / "templates" / "article.html.j2"


def results() -> BuildReport:
    """A build of two articles: one rebuilt with a warning, one up to date with a warning."""
    built = ArticleResult(
        Path("source/a.md"),
        [
            OutputResult("pdf", Path("build/a/a.pdf"), "x", True, 8),
            OutputResult("memo", Path("build/a/a-memo.docx"), "x", True),
            OutputResult("summary", Path("build/a/a-summary.pdf"), "x", True, 1),
        ],
        [Message(Path("source/a.md"), 3, "new trouble")],
        seconds=2.4,
    )
    old = ArticleResult(
        Path("source/b.md"),
        [OutputResult("pdf", Path("build/b/b.pdf"), "y", False, 2)],
        [Message(Path("source/b.md"), 9, "old trouble")],
    )
    return BuildReport([built, old])


def test_a_pipe_gets_one_compact_line_per_article():
    built, old = results().results
    assert plain_line(built) == (
        "built       source/a.md -> build/a/: pdf (8 pages), memo, summary (1 page) in 2.4 s"
    )
    assert plain_line(old) == "up to date  source/b.md -> build/b/: pdf (2 pages)"


def test_the_table_has_a_row_per_output_and_plain_page_counts(capsys):
    table(results().results)
    err = capsys.readouterr().err
    assert re.search(r"article\s+┃ output\s+┃ file\s+┃ pages ┃ status\s+┃ seconds", err)
    assert re.search(r"a\s+│ pdf\s+│ a\.pdf\s+│ 8\s+│ built", err)
    assert re.search(r"│ memo\s+│ a-memo\.docx\s+│ -\s+│ built", err)
    assert "/" not in err.replace("build/", "")


def test_watch_reports_only_what_it_rebuilt(capsys):
    report(results(), rebuilt_only=True)
    err = capsys.readouterr().err
    assert "source/a.md:3: warning: new trouble" in err and "old trouble" not in err
    report(results())
    assert "old trouble" in capsys.readouterr().err


def test_watch_names_the_files_that_changed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    changed = relevant(
        [str(tmp_path / "styles/b.css"), str(tmp_path / "source/.a.md.swp"), "/x/a.md~", "/y/z.md"]
    )
    assert [shown(p) for p in changed] == ["styles/b.css", "/y/z.md"]


def test_the_console_script_reads_the_project_invoke_yaml(project: Path):
    (project / "invoke.yaml").write_text("briefexport:\n  out: elsewhere\n  formats: [memo]\n")
    inside = project / "source"
    command = ["briefexport", "build", "--source", "."]  # paths are relative to the cwd
    run = subprocess.run(command, cwd=inside, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert [p.name for p in (inside / "elsewhere").glob("*/*")] == [
        "kazakhstan-crisis-central-asia-policy-reboot-memo.docx"
    ]


@pytest.mark.parametrize("flags", [[], ["-B"]])
def test_the_package_s_bytecode_is_cached_though_invoke_turns_that_off(flags: list[str]):
    """Invoke's Program stops bytecode writing (``--write-pyc``); once ``tasks.py`` imports the
    package, and in the ``briefexport`` script, it is back on unless ``python -B`` said no."""
    code = (
        "import sys\nfrom invoke.program import Program\nsys.dont_write_bytecode = True\n"
        "import briefexport\nafter_tasks = sys.dont_write_bytecode\n"
        "from briefexport.cli import BriefexportProgram\n"
        "BriefexportProgram().parse_core(['briefexport', 'build'])\n"
        "print(after_tasks, sys.dont_write_bytecode)\n"
    )
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": ""}
    run = subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True, env=env
    )
    expected = ["True", "True"] if flags else ["False", "False"]
    assert run.stdout.split() == expected, run.stderr
