"""What a build remembers: the fingerprint of every output, in a manifest beside the outputs.

An output's fingerprint hashes everything it depends on (its source, the files the source
references, the format's project files, the version, the flags, the build date); the manifest
records it with what reading the source found, so that a later build knows an output is fresh
from bytes alone, as make and ninja trust their depfiles.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefexport import __version__
from briefexport.build import hashes
from briefexport.build.atomic import write_atomic
from briefexport.build.hashes import Entry, file_hash
from briefexport.build.results import ArticleResult
from briefexport.errors import shown
from briefexport.settings import Settings
from briefexport.writers import REGISTRY

if TYPE_CHECKING:
    from briefexport.model import Article

MANIFEST = ".briefexport-manifest.json"


MANIFEST_CAP = 50_000_000


LOCK = ".briefexport.lock"


def resource_roots(source: Path, settings: Settings) -> tuple[Path, ...]:
    """Where an article's local resources may come from: its folder and the project's."""
    return (source.parent, settings.templates, settings.styles)


def referenced_files(article: Article) -> list[Path]:
    """The local files the article reads that the sandbox would open (regular files): its
    bibliography and citation style (already read through the sandbox) and the images the
    body names inside its folder. What the manifest records and hashes;
    a refused image is never read or hashed here, its reader reports it."""
    from urllib.parse import urljoin, urlsplit

    from briefexport.sandbox.files import local_path, root_of

    base = article.folder.resolve().as_uri() + "/"
    roots = (article.folder,)  # images come from the article's folder only
    found = list(article.references.files) if article.references else []
    for node in article.body.walk():
        src = str(node.attrs.get("src", "")) if node.type == "image" else ""
        if not src or src.startswith("data:"):
            continue
        try:
            url = urljoin(base, src)
            path = local_path(url) if urlsplit(url).scheme == "file" else None
            if path and root_of(path, roots) and path.is_file():
                found.append(path)
        except (OSError, ValueError):
            continue
    return list(dict.fromkeys(found))


def fingerprint(source: Path, inputs: Sequence[Path], name: str, settings: Settings) -> str:
    """A hash of everything one output depends on: the source, the files it references
    (``inputs``, opened as the sandbox opens them), the format's project files, the code that
    renders it, the flags and the build date."""
    digest = hashlib.sha256()
    parts = [
        code_identity(),
        name,
        json.dumps(settings.flags(), sort_keys=True),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        file_hash(source),
    ]
    roots = resource_roots(source, settings)
    for path in inputs:
        parts += [str(path), file_hash(path, roots)]
    for path in REGISTRY[name].dependencies(settings):
        parts += [str(path), file_hash(path)]
    digest.update("\0".join(parts).encode())
    return digest.hexdigest()


PACKAGE = Path(__file__).resolve().parent.parent


@cache
def code_identity(package: Path = PACKAGE) -> str:
    """The version, and the name, size and modification time of every file of the installed
    package (its code and packaged defaults): an edited or reinstalled briefexport rebuilds
    what it made, though its version number did not change."""
    return hashlib.sha256("\n".join([__version__, *file_stamps(package)]).encode()).hexdigest()


def file_stamps(folder: Path) -> list[str]:
    """``path:size:mtime`` of every file under ``folder`` in a fixed order, compiled bytecode
    left out (none when the folder is absent): what shows a file added, removed or edited."""
    stamps = []
    for parent, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            with suppress(OSError):  # removed since the folder was listed
                stat = Path(parent, name).stat()
                stamps.append(f"{parent}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return stamps


@dataclass(frozen=True)
class Recorded:
    """What the manifest remembers of one output: its fingerprint and page count, and what
    reading its source found (the files it references, its warnings), so that a source whose
    bytes have not changed need not be parsed again to know its outputs are fresh."""

    fingerprint: str
    pages: int = 0
    source: str = ""
    format: str = ""
    inputs: tuple[str, ...] = ()
    notices: tuple[tuple[int, str], ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Recorded:
        """A record as the manifest holds it; ValueError when any field is not what this
        module writes (the manifest is validated, never trusted)."""
        if not isinstance(data, dict):
            raise ValueError("not a mapping")
        record = cls(
            data["fingerprint"],
            data.get("pages", 0),
            data.get("source", ""),
            data.get("format", ""),
            tuple(data.get("inputs", ())),
            tuple(tuple(notice) for notice in data.get("notices", ())),
        )
        texts = (record.fingerprint, record.source, record.format, *record.inputs)
        if not (
            all(isinstance(text, str) for text in texts)
            and type(record.pages) is int
            and 0 <= record.pages < 1_000_000
            and all(
                len(n) == 2 and type(n[0]) is int and isinstance(n[1], str) for n in record.notices
            )
        ):
            raise ValueError("a field of the wrong type")
        return record

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "pages": self.pages,
            "source": self.source,
            "format": self.format,
            "inputs": list(self.inputs),
            "notices": [list(notice) for notice in self.notices],
        }


@dataclass(frozen=True)
class Manifest:
    """The recorded outputs, keyed by path relative to the output folder, and the warning
    reading them gave (a manifest set aside)."""

    outputs: dict[str, Recorded]
    warnings: tuple[str, ...] = ()


def read_manifest(out: Path) -> Manifest:
    """The recorded outputs of ``out``; none when there is no manifest. The file hashes it
    remembers become known (:mod:`.hashes`)."""
    read, found = _read(out)
    hashes.remember(found)
    return read


def _read(out: Path) -> tuple[Manifest, list[Entry]]:
    """The manifest and its file hashes. A manifest that cannot be read or holds anything
    this module would not write is set aside (renamed ``*.corrupt``, said in the warnings) and
    everything is rebuilt."""
    path = out / MANIFEST
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(MANIFEST_CAP + 1).decode("utf-8"))
        outputs = {str(k): Recorded.from_json(v) for k, v in data["outputs"].items()}
        return Manifest(outputs), hashes.from_json(data.get("hashes", {}))
    except FileNotFoundError:
        return Manifest({}), []
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        aside = path.with_name(MANIFEST + ".corrupt")
        try:
            path.replace(aside)
        except OSError:
            aside = path
        warning = (
            f"{shown(path)}: unreadable manifest ({type(exc).__name__}) set aside as "
            f"{shown(aside)}; every output is rebuilt"
        )
        return Manifest({}, (warning,)), []


Outputs = dict[str, dict[str, tuple[str, Recorded]]]
"""The manifest by source: resolved source path → format → (output key, record)."""


def by_source(manifest: dict[str, Recorded]) -> Outputs:
    """Index the manifest by the source each output was built from."""
    index: Outputs = {}
    for key, recorded in manifest.items():
        if recorded.source and recorded.format:
            index.setdefault(recorded.source, {})[recorded.format] = (key, recorded)
    return index


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder's manifest, for concurrent builds."""
    out.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    handle = os.open(out / LOCK, flags, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def record(out: Path, results: Sequence[ArticleResult]) -> tuple[str, ...]:
    """Merge this build's records and the file hashes it found into the manifest, atomically
    and under the lock; a manifest that would not change is not rewritten, nor one that
    records no output. The warnings reading it again gave."""
    with locked(out):
        read, found = _read(out)
        hashes.remember(found)
        manifest, before = dict(read.outputs), read.outputs
        for result in results:
            notices = tuple((n.line, n.text) for n in result.messages if n.path == result.source)
            for output in result.outputs:
                manifest[output.path.relative_to(out).as_posix()] = Recorded(
                    output.fingerprint,
                    output.pages,
                    str(result.source.resolve()),
                    output.format,
                    tuple(str(path) for path in result.inputs),
                    notices,
                )
        known = hashes.to_json()
        recorded = {name: [*stamp, digest] for name, stamp, digest in found}
        if manifest == before and (not manifest or known == recorded):
            return read.warnings  # the hashes serve only to find recorded outputs fresh
        outputs = {key: r.to_json() for key, r in sorted(manifest.items())}
        data = {"version": __version__, "outputs": outputs, "hashes": known}
        write_atomic(out / MANIFEST, (json.dumps(data, indent=1) + "\n").encode())
    return read.warnings
