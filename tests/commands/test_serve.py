"""The build daemon: its socket, its protocol, its restarts and the client's fallback."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import briefexport
import briefexport.commands.handover as handover
import briefexport.commands.serve as serve
from briefexport.build.pipeline import build
from briefexport.build.results import ArticleResult
from briefexport.build.sources import discover
from briefexport.commands.handover import connect, handed_over, socket_path
from briefexport.commands.serve import Daemon
from briefexport.errors import BriefExportError
from briefexport.messages import Message
from briefexport.settings import Settings
from conftest import ROOT

MEMO = ["memo"]  # no WeasyPrint: the protocol's tests stay fast


@contextmanager
def serving(project: Path) -> Iterator[threading.Thread]:
    """A daemon for ``project/build`` answering in a thread (not warmed up): the thread."""
    running = Daemon(project / "build", project)
    running.bind()
    thread = threading.Thread(target=running.serve, args=(lambda: None,), daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        running.close()
        thread.join(10)


@pytest.fixture
def daemon(project: Path) -> Iterator[threading.Thread]:
    with serving(project) as thread:
        yield thread


def ask(project: Path, **flags: object) -> tuple[object, list[ArticleResult]]:
    """A memo build of ``project/source`` handed over: the report and the streamed results."""
    streamed: list[ArticleResult] = []
    report = handed_over(
        project / "source",
        project / "build",
        Settings(project=project),
        MEMO,
        force=bool(flags.get("force", False)),
        jobs=1,
        on_result=streamed.append,
    )
    return report, streamed


def test_the_socket_is_the_owners_alone_and_goes_with_the_daemon(project: Path):
    running = Daemon(project / "build", project)
    running.bind()
    info = socket_path(project / "build").lstat()
    assert stat.S_ISSOCK(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == os.getuid()
    running.close()
    assert not socket_path(project / "build").exists()


def test_a_build_handed_over_streams_each_article_and_writes_what_a_local_build_does(
    project: Path, daemon: threading.Thread
):
    report, streamed = ask(project)
    assert report is not None and report.ok and streamed == report.results
    [result] = report.results
    assert [o.format for o in result.outputs] == MEMO and result.outputs[0].built
    local = build(discover(project / "source"), project / "local", Settings(project=project), MEMO)
    assert result.outputs[0].path.read_bytes() == local.results[0].outputs[0].path.read_bytes()
    again, _ = ask(project)
    assert again is not None and not again.results[0].outputs[0].built  # up to date


def test_an_edit_is_rebuilt_by_the_daemon_and_reported_built_to_the_next_build(
    project: Path, daemon: threading.Thread
):
    ask(project)
    [source] = discover(project / "source")
    source.write_text(source.read_text().replace("lightning-speed", "lightning-fast"))
    report, _ = ask(project)
    assert report is not None and report.results[0].outputs[0].built


def test_a_daemon_whose_styles_changed_hands_the_build_back_and_restarts(
    project: Path, daemon: threading.Thread
):
    sheet = project / "styles" / "brand.yaml"
    sheet.write_text(sheet.read_text() + "\n")
    report, _ = ask(project)
    assert report is None  # the client builds by itself
    daemon.join(10)
    assert not daemon.is_alive()  # serve() returned: the command exec's a fresh daemon


def test_a_daemon_whose_packaged_defaults_changed_restarts(
    project: Path, tmp_path: Path, monkeypatch
):
    """Every file of the package counts, not only its modules: a packaged template too."""
    package = tmp_path / "package"
    (package / "defaults" / "templates").mkdir(parents=True)
    template = package / "defaults" / "templates" / "brief.html.j2"
    template.write_text("<p>{{ title }}</p>")
    monkeypatch.setattr(serve, "PACKAGE", package)
    with serving(project) as thread:
        assert ask(project)[0] is not None
        template.write_text("<p>{{ title }}!</p>")
        assert ask(project)[0] is None
        thread.join(10)
        assert not thread.is_alive()


def test_a_build_handed_over_imports_none_of_the_pipeline(project: Path, daemon: threading.Thread):
    """The client reads the results and prints them: no manifest, hashing or planning."""
    code = (
        "import sys\nfrom invoke import Program\nfrom tasks import ns\n"
        "Program(namespace=ns).run(['invoke', 'memo', *sys.argv[1:]], exit=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith('briefexport.build')))\n"
    )
    flags = ["--source", "source", "--out", "build", "--project", str(project)]
    run = subprocess.run(
        [sys.executable, "-c", code, *flags],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},  # this code
    )
    modules = ["briefexport.build", "briefexport.build.results", "briefexport.build.sources"]
    assert run.stdout.splitlines()[-1] == str(modules), run.stderr
    assert "1 output written" in run.stderr


def test_a_client_of_other_code_is_not_served(project: Path, daemon: threading.Thread, monkeypatch):
    monkeypatch.setattr(handover, "identity", lambda: ["another installation"])
    assert ask(project)[0] is None


def test_a_request_that_is_not_one_is_refused(project: Path, daemon: threading.Thread):
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(socket_path(project / "build")))
        client.sendall(b'{"protocol": 1}\n')
        assert json.loads(client.makefile().readline()) == {"refused": "not a build request"}


def test_an_error_the_daemon_meets_is_raised_by_the_client(project: Path, daemon: threading.Thread):
    with pytest.raises(BriefExportError, match="no such source"):
        handed_over(
            project / "nope",
            project / "build",
            Settings(project=project),
            MEMO,
            force=False,
            jobs=1,
            on_result=lambda result: None,
        )


def test_a_dead_daemons_socket_is_removed_and_a_new_daemon_takes_its_place(project: Path):
    path = socket_path(project / "build")
    path.parent.mkdir()
    for _ in range(2):
        with socket.socket(socket.AF_UNIX) as dead:
            dead.bind(str(path))  # bound, never listening: what a killed daemon leaves
        path.chmod(0o600)
        if path.exists() and connect(path) is None:
            assert not path.exists()
    running = Daemon(project / "build", project)
    running.bind()  # over the stale one
    running.close()


def test_a_second_daemon_for_the_same_folder_is_refused(project: Path, daemon: threading.Thread):
    with pytest.raises(BriefExportError, match="a daemon already serves this folder"):
        Daemon(project / "build", project).bind()


def test_a_socket_others_may_open_or_a_plain_file_is_not_trusted(
    project: Path, daemon: threading.Thread
):
    path = socket_path(project / "build")
    path.chmod(0o666)
    assert ask(project)[0] is None
    path.chmod(0o600)
    assert ask(project)[0] is not None


def test_without_a_daemon_invoke_build_builds_as_before(project: Path):
    out = project / "build"
    out.mkdir()
    socket_path(out).write_text("not a socket")
    code = "import sys\nfrom briefexport.cli import main\nmain(['briefexport', *sys.argv[1:]])"
    run = subprocess.run(
        [sys.executable, "-c", code, "memo", "--source", "source", "--out", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(briefexport.__file__).parent.parent)},
    )
    assert run.returncode == 0, run.stderr
    assert list(out.rglob("*.docx")) and socket_path(out).read_text() == "not a socket"


def test_a_result_handed_back_keeps_each_messages_severity_and_hint():
    message = Message(Path("a.md"), 3, "link to '#x': no such heading", "warning", "add the id")
    result = ArticleResult(Path("a.md"), messages=[message], error="", seconds=1.5)
    again = handover.result_from_json(json.loads(json.dumps(handover.result_json(result))))
    assert again == result
