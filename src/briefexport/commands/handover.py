"""The client side of ``briefexport serve``: hand a build to the daemon of its output folder.

``invoke build`` calls :func:`handed_over` first; when no daemon answers (none runs, its
socket is stale, not this user's alone, or it runs other code) the build runs here as it
always did. Only the standard library is imported until a daemon's socket is found, so the
builds that find none pay almost nothing for asking, and a build handed over imports none of
the pipeline's modules.

The protocol is one JSON request line; the answer is one JSON line per finished article, then
``{"done": ...}``. JSON, not pickle: a socket found in a folder is not trusted to run code.
Every request carries the client's :func:`identity` (package version and folder, Python
environment): a daemon of another installation answers ``mismatch``, and one whose own files
(its modules, packaged defaults, the project's templates and styles) changed since it started
answers ``restart`` and replaces itself; either way the client builds by itself. The client
reads and hashes no file to ask: the daemon, which stats them, is the one that can be stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefexport import __version__

if TYPE_CHECKING:
    import socket

SOCKET = ".briefexport.sock"
PROTOCOL = 2
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


def identity() -> list[str]:
    """What a client and its daemon must share to build alike: the package's version and
    folder and the Python environment (``sys.prefix``: a virtual environment's own)."""
    return [__version__, str(PACKAGE), sys.prefix]


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
    import socket  # only now: its import costs more than a no-op build's own work

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
        message = {"protocol": PROTOCOL, "code": identity(), "build": request.__dict__}
        stream.write(json.dumps(message).encode() + b"\n")
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


def result_json(result: Any) -> dict[str, Any]:
    """An :class:`ArticleResult` as JSON."""
    return {
        "source": str(result.source),
        "outputs": [
            [o.format, str(o.path), o.fingerprint, o.built, o.pages] for o in result.outputs
        ],
        "messages": [[str(m.path), m.line, m.text, m.severity, m.hint] for m in result.messages],
        "error": result.error,
        "seconds": result.seconds,
        "inputs": [str(path) for path in result.inputs],
    }


def result_from_json(data: dict[str, Any]) -> Any:
    """The :class:`ArticleResult` that :func:`result_json` wrote."""
    from briefexport.build.results import ArticleResult, OutputResult
    from briefexport.messages import Message

    return ArticleResult(
        Path(data["source"]),
        [OutputResult(f, Path(p), h, bool(b), int(n)) for f, p, h, b, n in data["outputs"]],
        [
            Message(Path(p), int(line), str(text), severity, str(hint))
            for p, line, text, severity, hint in data["messages"]
        ],
        str(data["error"]),
        float(data["seconds"]),
        tuple(Path(p) for p in data["inputs"]),
    )


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
    from briefexport.build.results import BuildReport

    return BuildReport([result_from_json(data) for data in done["results"]])
