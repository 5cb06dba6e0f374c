"""``briefexport serve``: a warm build process for one output folder, like mypy's ``dmypy``.

The daemon listens on a Unix socket in the output folder (``<out>/.briefexport.sock``, mode
0600: only its owner can connect; never a TCP port); ``invoke build`` hands its work to it
(:mod:`.handover`, which also describes the protocol). A build handed over costs a connection
and the daemon's warm rebuild: WeasyPrint, the fonts, the stylesheets, the templates and the
hyphenation patterns are loaded once, and its workers, forked from the warm process at its
first build, are kept for the next ones (:class:`~briefexport.build.pool.KeptWorkers`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from briefexport.build.manifest import file_stamps
from briefexport.build.pool import KeptWorkers
from briefexport.commands.handover import (
    PACKAGE,
    PROTOCOL,
    Request,
    connect,
    identity,
    result_json,
    socket_path,
)

STEP = 5
"""Milliseconds between two looks at the watched folders' changes: an edit is seen 5-10 ms
after it is saved (watchfiles waits a step more to see that no change follows), and the
daemon's rebuild starts that early, well before the ``invoke build`` that follows the edit
has started Python and Invoke; an idle daemon spends about 0.5% of a core looking."""


class Daemon:
    """The server: one build at a time, each from this warm process.

    Like ``invoke watch``, it also rebuilds on every change to a source folder it has built
    from, so a build asked for just after an edit often finds its work done or under way; the
    outputs rebuilt so are reported to the next request as built.
    """

    def __init__(self, out: Path, project: Path) -> None:
        self.path = socket_path(out)
        self.project = project.resolve()
        self.code = code_files(self.project)
        """What this process loaded, as it was when it started."""
        self.identity = identity()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lock = threading.Lock()
        self.requests: dict[str, Request] = {}
        self.rebuilt: dict[str, list[Any]] = {}
        """Outputs rebuilt after a change and not yet reported, by path."""
        self.stop = threading.Event()
        self.wake = threading.Event()
        """Set to stop watching, to end or to watch the folders of a new request too."""
        self.workers = KeptWorkers(os.cpu_count() or 1)

    def bind(self) -> None:
        """Listen at the socket path, created 0600; a live daemon there is an error, a dead
        one's socket is removed."""
        from briefexport.errors import BriefExportError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() or self.path.is_symlink():
            probe = connect(self.path)
            if probe is not None:
                probe.close()
                self.listener.close()
                raise BriefExportError(f"{self.path}: a daemon already serves this folder")
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        mask = os.umask(0o177)
        try:
            self.listener.bind(str(self.path))
        except OSError as exc:
            self.listener.close()
            raise BriefExportError(f"{self.path}: cannot listen here ({exc})") from None
        finally:
            os.umask(mask)
        self.path.chmod(0o600)
        self.listener.listen(8)

    def close(self) -> None:
        """Stop listening, watching and the workers, and remove the socket (if it is still
        ours)."""
        self.stop.set()
        self.wake.set()
        self.workers.close()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept()
        self.listener.close()
        with contextlib.suppress(OSError):
            self.path.unlink()

    def serve(self, warm: Callable[[], None]) -> None:
        """Warm up, then answer requests until stopped or until the code changes."""
        warm()
        threading.Thread(target=self.watch, daemon=True).start()
        print(f"serving {self.path.parent} at {self.path.name} (Ctrl-C to stop)", file=sys.stderr)
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                if self.stop.is_set():
                    return  # closed
                raise
            with connection:
                stream = connection.makefile("rwb")
                try:
                    outcome = self.answer(stream)
                finally:
                    with contextlib.suppress(OSError):  # a client gone away
                        stream.close()
            if outcome == "restart":
                return

    def answer(self, stream: Any) -> str:
        """Read one request from ``stream`` and answer it; returns what happened."""
        line = stream.readline()
        if not line:
            return "probed"  # a connection that asks nothing: a client checking we are alive
        try:
            message = json.loads(line)
            request = Request(**message["build"])
            protocol, code = message["protocol"], message["code"]
        except (ValueError, TypeError, KeyError):
            return reply(stream, {"refused": "not a build request"})
        if protocol != PROTOCOL:
            return reply(stream, {"refused": f"protocol {protocol}, this daemon speaks {PROTOCOL}"})
        if code_files(self.project) != self.code:
            return reply(stream, {"restart": "the daemon's code, templates or styles changed"})
        ours = (Path(request.project), Path(request.out)) == (self.project, self.path.parent)
        if code != self.identity or not ours:
            return reply(stream, {"mismatch": "another installation, project or folder"})
        with self.lock:
            done = run(
                request,
                lambda result: reply(stream, {"result": self.reported(result)}),
                self.workers,
            )
            for result in done.get("results", ()):
                self.reported(result)
                for output in result["outputs"]:
                    self.rebuilt.pop(output[1], None)
        reply(stream, {"done": done})
        self.remember(request)
        log("served", request, done)
        return "served"

    def reported(self, result: dict[str, Any]) -> dict[str, Any]:
        """``result`` with the outputs this daemon rebuilt after a change, since the last
        request, reported as built (the same fingerprint: the same bytes)."""
        for output in result["outputs"]:
            if not output[3] and self.rebuilt.get(output[1], [None] * 3)[2] == output[2]:
                output[3] = True
        return result

    def remember(self, request: Request) -> None:
        """Rebuild ``request`` whenever its sources change (``--force`` left out)."""
        key = json.dumps({**request.__dict__, "force": False}, sort_keys=True)
        if key not in self.requests:
            self.requests[key] = Request(**{**request.__dict__, "force": False})
            self.wake.set()

    def watch(self) -> None:
        """Until stopped: rebuild the remembered requests after each change to their sources."""
        from watchfiles import watch

        from briefexport.commands.watch import relevant

        while True:
            self.wake.clear()  # before looking at stop: close() sets stop, then wake
            if self.stop.is_set():
                return
            folders = {folder(Path(r.source)) for r in self.requests.values()}
            if not folders:
                self.wake.wait()
                continue
            for changes in watch(*folders, stop_event=self.wake, debounce=50, step=STEP):
                paths = [p for _, p in changes if self.path.parent not in Path(p).parents]
                if relevant(paths):
                    self.rebuild()

    def rebuild(self) -> None:
        """Build every remembered request now; nothing when the code changed (the next
        request restarts the daemon)."""
        with self.lock:
            if code_files(self.project) != self.code:
                return
            for request in list(self.requests.values()):
                done = run(request, lambda result: None, self.workers)
                for result in done.get("results", ()):
                    for output in result["outputs"]:
                        if output[3]:
                            self.rebuilt[output[1]] = output
                log("rebuilt after a change", request, done)


def code_files(project: Path) -> list[str]:
    """What a warm process has loaded and would not see change, by size and modification
    time: the package's files (its modules and packaged defaults, the version among them) and
    the project's templates and styles."""
    return [
        *file_stamps(PACKAGE),
        *file_stamps(project / "templates"),
        *file_stamps(project / "styles"),
    ]


def folder(source: Path) -> Path:
    """The folder to watch for a source file or folder."""
    return source if source.is_dir() else source.parent


def log(what: str, request: Request, done: dict[str, Any]) -> None:
    """One line on the daemon's stderr per build."""
    outputs = [o for r in done.get("results", ()) for o in r["outputs"]]
    error = f": {done['error']}" if "error" in done else ""
    print(
        f"{what}: {sum(o[3] for o in outputs)} of {len(outputs)} outputs built from "
        f"{request.source}{error}",
        file=sys.stderr,
        flush=True,
    )


def reply(stream: Any, answer: dict[str, Any]) -> str:
    """Send one answer line; a client gone away is not an error."""
    with contextlib.suppress(OSError):
        stream.write(json.dumps(answer).encode() + b"\n")
        stream.flush()
    return next(iter(answer))


def run(
    request: Request, send: Callable[[dict[str, Any]], Any], workers: KeptWorkers
) -> dict[str, Any]:
    """Build ``request`` here (in ``workers``), sending each finished article; the summary of
    the report."""
    from briefexport.build.pipeline import build
    from briefexport.build.sources import discover
    from briefexport.errors import BriefExportError
    from briefexport.settings import Settings

    try:
        settings = Settings(
            Path(request.project),
            request.paper,
            request.profile,
            request.strict,
            request.allow_remote,
        )
        report = build(
            discover(Path(request.source)),
            Path(request.out),
            settings,
            request.formats,
            force=request.force,
            jobs=request.jobs,
            on_result=lambda result: send(result_json(result)),
            kept=workers,
        )
    except BriefExportError as exc:
        return {"error": str(exc)}
    from briefexport.weasy.engine import forget_images

    forget_images()  # files may change before the next request
    return {"results": [result_json(result) for result in report.results]}


def warm(project: Path, formats: list[str]) -> None:
    """Render every format once, here, from a scaffolded source (``invoke new``): WeasyPrint,
    the fonts, the stylesheets, the templates, the hyphenation patterns and python-docx are
    loaded before the first request, and kept (:func:`~briefexport.build.preload.kept`): no
    collection walks them again, here or in the workers, which fork from this process."""
    import tempfile

    from briefexport.build.preload import kept
    from briefexport.commands.scaffold import new_source
    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.writers import writer

    settings = Settings(project)
    with kept(), tempfile.TemporaryDirectory(prefix="briefexport-serve-") as folder:
        article = read_article(new_source(Path(folder), "Warm-up", "Author", "Publisher"))
        for name in formats:
            writer(name).render(article, settings)


@contextlib.contextmanager
def stopped_cleanly(daemon: Daemon) -> Iterator[None]:
    """SIGTERM and SIGHUP end the daemon like Ctrl-C; the socket is removed either way."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.default_int_handler)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        daemon.close()


def serve(out: Path, project: Path, formats: list[str]) -> None:
    """Run the daemon for ``out`` until stopped; when its code changes, replace this process
    with a fresh one (same command line)."""
    daemon = Daemon(out, project)
    daemon.bind()
    with stopped_cleanly(daemon):
        daemon.serve(lambda: warm(project, formats))
        daemon.close()
        print("code, templates or styles changed: restarting", file=sys.stderr, flush=True)
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
