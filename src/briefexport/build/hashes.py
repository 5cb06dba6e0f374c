"""Content hashes of files, remembered by their stat as git's index remembers them.

A file is hashed once: while its device, inode, size and modification and change times are
those it had when it was hashed, its hash is taken as known, in this process and, through the
manifest, in the next build (a no-op build then reads no file it depends on, the fonts
included). A file changed within :data:`SETTLED` of its hashing could change again within
the same timestamp tick, unseen by its stat (git's "racily clean" entries): its hash is
used but never remembered.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from briefexport.errors import BriefExportError

Stamp = tuple[int, int, int, int, int]
"""What a file's stat says of its bytes: device, inode, size, mtime and ctime (ns)."""
Entry = tuple[str, Stamp, str]
"""A remembered hash: the file's absolute path, its stamp, the SHA-256 of its bytes."""

SETTLED = 2_000_000_000
"""Nanoseconds a file must have been left alone before it was hashed for its hash to be kept."""

_KNOWN: dict[str, tuple[Stamp, str]] = {}
_NEW: dict[str, tuple[Stamp, str]] = {}
"""Hashes this process found and has not handed back yet (:func:`handed_back`)."""


def file_hash(path: Path, roots: Sequence[Path] = ()) -> str:
    """SHA-256 of a regular file, read from its one open handle unless its stamp shows it
    unchanged since it was hashed. With ``roots`` (an article's resources) the file is opened
    from the root that holds it down, following no link. A file that cannot be read, or may
    not be, hashes as "missing" (its reader reports why)."""
    from briefexport.sandbox.files import open_inside, open_regular, root_of

    try:
        if roots:
            root = root_of(path, roots)
            if root is None:
                return "missing"
            stream = open_inside(path, root)
        else:
            stream = open_regular(path)
        with stream:
            info = os.fstat(stream.fileno())
            stamp = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            name = str(path.absolute())
            known = _KNOWN.get(name)
            if known and known[0] == stamp:
                return known[1]
            settled = max(info.st_mtime_ns, info.st_ctime_ns) < time.time_ns() - SETTLED
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
    except (BriefExportError, OSError, ValueError):
        return "missing"
    if settled:
        _KNOWN[name] = _NEW[name] = (stamp, digest)
    return digest


def handed_back() -> tuple[Entry, ...]:
    """The hashes found here since the last call: a worker hands them to the build with each
    job, for the manifest to keep."""
    entries = tuple((name, stamp, digest) for name, (stamp, digest) in _NEW.items())
    _NEW.clear()
    return entries


def remember(entries: Iterable[Entry]) -> None:
    """Take hashes found elsewhere (a worker, the manifest) as known; of two for one file, the
    one hashed after its later change."""
    for name, stamp, digest in entries:
        if name not in _KNOWN or _KNOWN[name][0][4] <= stamp[4]:
            _KNOWN[name] = (stamp, digest)


def to_json() -> dict[str, list[Any]]:
    """The known hashes of files that still exist, for the manifest: path → stamp and hash."""
    return {
        name: [*stamp, digest]
        for name, (stamp, digest) in sorted(_KNOWN.items())
        if Path(name).exists()
    }


def from_json(data: Any) -> list[Entry]:
    """The entries :func:`to_json` wrote; ValueError for anything else (never trusted)."""
    if not isinstance(data, dict):
        raise ValueError("hashes: not a mapping")
    entries: list[Entry] = []
    for name, row in data.items():
        if not (
            isinstance(row, list)
            and len(row) == 6
            and all(type(number) is int for number in row[:5])
            and isinstance(row[5], str)
        ):
            raise ValueError("hashes: a row of the wrong shape")
        entries.append((name, (row[0], row[1], row[2], row[3], row[4]), row[5]))
    return entries
