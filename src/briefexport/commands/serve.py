"""``briefexport serve``: a warm build process for one output folder, like mypy's ``dmypy``.

The daemon listens on a Unix socket in the output folder (``<out>/.briefexport.sock``, mode
0600: only its owner can connect; never a TCP port). ``invoke build`` asks it first
(:func:`delegate`) and, when no daemon answers, builds as it always did. A build handed over
costs a connection and the daemon's warm rebuild: WeasyPrint, the fonts, the stylesheets and
the hyphenation patterns are loaded once, and its workers fork from a warm process.

The protocol is one JSON request line; the answer is one JSON line per finished article, then
``{"done": ...}``. JSON, not pickle: a socket found in a folder is not trusted to run code.
Every request carries the client's :func:`code_stamp` (package version, its modules, the
project's templates and styles); a daemon whose own files changed since it started answers
``restart`` and replaces itself (``exec``), and one running other code than the client answers
``mismatch``: either way the client builds by itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefexport import __version__

SOCKET = ".briefexport.sock"
PROTOCOL = 1
PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Request:
    """One build, as the client's flags and configuration resolved it (absolute paths)."""

    source: str
    out: str
    project: str
    formats: list[str]
    paper: str = "letter"
    profile: str = "default"
    strict: bool = False
    allow_remote: bool = False
    force: bool = False
    jobs: int = 0


def socket_path(out: Path) -> Path:
    """Where the daemon for the output folder ``out`` listens."""
    return out.resolve() / SOCKET


def code_stamp(project: Path) -> str:
    """A hash of what a warm process has loaded and would not see change: the package version
    and the modification times and sizes of its modules, templates and styles."""
    files = [
        *PACKAGE.rglob("*.py"),
        *(project / "templates").rglob("*"),
        *(project / "styles").rglob("*"),
    ]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(files):
        with contextlib.suppress(OSError):
            info = path.stat()
            digest.update(f"\0{path}\0{info.st_mtime_ns}\0{info.st_size}".encode())
    return digest.hexdigest()


def trusted(path: Path) -> bool:
    """True when ``path`` is a socket owned by this user that nobody else may open."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def connect(path: Path) -> socket.socket | None:
    """A connection to the daemon at ``path``; a socket nobody listens on is removed."""
    if not trusted(path):
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
    except (ConnectionRefusedError, FileNotFoundError):
        client.close()
        with contextlib.suppress(OSError):
            path.unlink()  # stale: its daemon died without cleaning up
        return None
    except OSError:
        client.close()
        return None
    return client


def delegate(request: Request, on_result: Callable[[dict[str, Any]], None]) -> Any | None:
    """Hand ``request`` to the daemon of its output folder: the final answer (a dict) after
    ``on_result`` saw every article, or None when no daemon can take it (build yourself)."""
    client = connect(socket_path(Path(request.out)))
    if client is None:
        return None
    with client, client.makefile("rwb") as stream:
        message = {"protocol": PROTOCOL, "stamp": code_stamp(Path(request.project))}
        stream.write(json.dumps({**message, "build": request.__dict__}).encode() + b"\n")
        stream.flush()
        for line in stream:
            answer = json.loads(line)
            if "result" in answer:
                on_result(answer["result"])
            elif "done" in answer:
                return answer["done"]
            else:
                return None  # restart, mismatch or a refused request: build here
    return None  # the daemon died mid-build: its outputs are written atomically; build here


class Daemon:
    """The server: one build at a time, each from this warm process.

    Like ``invoke watch``, it also rebuilds on every change to a source folder it has built
    from, so a build asked for just after an edit often finds its work done or under way; the
    outputs rebuilt so are reported to the next request as built.
    """

    def __init__(self, out: Path, project: Path) -> None:
        self.path = socket_path(out)
        self.project = project
        self.stamp = code_stamp(project)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lock = threading.Lock()
        self.requests: dict[str, Request] = {}
        self.rebuilt: dict[str, list[Any]] = {}
        """Outputs rebuilt after a change and not yet reported, by path."""
        self.stop = threading.Event()
        self.refresh = threading.Event()

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
        """Stop listening and watching, and remove the socket (if it is still ours)."""
        self.stop.set()
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
            protocol, stamp = message["protocol"], message["stamp"]
        except (ValueError, TypeError, KeyError):
            return reply(stream, {"refused": "not a build request"})
        if protocol != PROTOCOL:
            return reply(stream, {"refused": f"protocol {protocol}, this daemon speaks {PROTOCOL}"})
        if code_stamp(self.project) != self.stamp:
            return reply(stream, {"restart": "the daemon's code, templates or styles changed"})
        if stamp != self.stamp or Path(request.out).resolve() != self.path.parent:
            return reply(stream, {"mismatch": "another installation, project or folder"})
        with self.lock:
            done = run(request, lambda result: reply(stream, {"result": self.reported(result)}))
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
            self.refresh.set()

    def watch(self) -> None:
        """Until stopped: rebuild the remembered requests after each change to their sources."""
        from watchfiles import watch

        from briefexport.commands.watch import relevant

        until = Either(self.stop, self.refresh)
        while not self.stop.is_set():
            self.refresh.clear()
            folders = {folder(Path(r.source)) for r in self.requests.values()}
            if not folders:
                self.refresh.wait(1)
                continue
            for changes in watch(*folders, stop_event=until, debounce=50, step=20):
                paths = [p for _, p in changes if self.path.parent not in Path(p).parents]
                if relevant(paths):
                    self.rebuild()

    def rebuild(self) -> None:
        """Build every remembered request now; nothing when the code changed (the next
        request restarts the daemon)."""
        with self.lock:
            if code_stamp(self.project) != self.stamp:
                return
            for request in list(self.requests.values()):
                done = run(request, lambda result: None)
                for result in done.get("results", ()):
                    for output in result["outputs"]:
                        if output[3]:
                            self.rebuilt[output[1]] = output
                log("rebuilt after a change", request, done)


class Either:
    """An event set when either of two is (watchfiles' ``stop_event``)."""

    def __init__(self, first: threading.Event, second: threading.Event) -> None:
        self.events = (first, second)

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


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


def run(request: Request, send: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Build ``request`` here, sending each finished article; the summary of the report."""
    from briefexport.build.pipeline import build, discover
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
        )
    except BriefExportError as exc:
        return {"error": str(exc)}
    from briefexport.weasy.engine import forget_images

    forget_images()  # files may change before the next request
    return {"results": [result_json(result) for result in report.results]}


def result_json(result: Any) -> dict[str, Any]:
    """An :class:`ArticleResult` as JSON."""
    return {
        "source": str(result.source),
        "outputs": [
            [o.format, str(o.path), o.fingerprint, o.built, o.pages] for o in result.outputs
        ],
        "notices": [[str(n.path), n.line, n.message] for n in result.notices],
        "error": result.error,
        "seconds": result.seconds,
        "inputs": [str(path) for path in result.inputs],
    }


def result_from_json(data: dict[str, Any]) -> Any:
    """The :class:`ArticleResult` that :func:`result_json` wrote."""
    from briefexport.build.pipeline import ArticleResult, OutputResult
    from briefexport.model import Notice

    return ArticleResult(
        Path(data["source"]),
        [OutputResult(f, Path(p), h, bool(b), int(n)) for f, p, h, b, n in data["outputs"]],
        [Notice(Path(p), int(line), str(m)) for p, line, m in data["notices"]],
        str(data["error"]),
        float(data["seconds"]),
        tuple(Path(p) for p in data["inputs"]),
    )


def warm(project: Path, formats: list[str]) -> None:
    """Render every format once, here, from a scaffolded source (``invoke new``): WeasyPrint,
    the fonts, the stylesheets, the templates, the hyphenation patterns and python-docx are
    loaded before the first request, and every build's workers fork from this process."""
    import tempfile

    from briefexport.commands.scaffold import new_source
    from briefexport.settings import Settings
    from briefexport.source.reader import read_article
    from briefexport.writers import writer

    settings = Settings(project)
    with tempfile.TemporaryDirectory(prefix="briefexport-serve-") as folder:
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


def handed_over(
    source: Path,
    out: Path,
    settings: Any,
    formats: list[str],
    *,
    force: bool,
    jobs: int,
    on_result: Callable[[Any], None],
) -> Any | None:
    """The :class:`BuildReport` of a build done by the daemon of ``out``, or None when there is
    none to take it. A :class:`BriefExportError` the daemon met is raised here."""
    from briefexport.errors import BriefExportError

    request = Request(
        str(source.resolve()),
        str(out.resolve()),
        str(settings.project.resolve()),
        list(formats),
        settings.paper,
        settings.profile,
        settings.strict,
        settings.allow_remote,
        force,
        jobs,
    )
    done = delegate(request, lambda data: on_result(result_from_json(data)))
    if done is None:
        return None
    if "error" in done:
        raise BriefExportError(done["error"])
    from briefexport.build.pipeline import BuildReport

    return BuildReport([result_from_json(data) for data in done["results"]])
