"""Open once, then only the handle: regular files, opened without following links.

Light on purpose (``os`` only), so that deciding what is stale can use it without importing
the image sandbox. Checking a path and then opening it again by name would let a link flipped
in between lead elsewhere; here the one open is the check: each folder from the root down is
opened relative to the one before with ``O_NOFOLLOW``, and the file found is ``fstat``-ed on
its handle (a regular file, within the size cap) before a byte of it is read.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefexport.errors import ResourceError

FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
STEP = FOLDER | os.O_NOFOLLOW
FILE = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFLNK: "a symbolic link",
}


def local_path(url: str) -> Path:
    """The real path of a file: URL, symlinks resolved so none can escape a root (ValueError
    for a name no file can have, such as one with a NUL)."""
    return Path(unquote(urlsplit(url).path)).resolve()


def root_of(path: Path, roots: Iterable[Path]) -> Path | None:
    """The first of ``roots`` (resolved) that holds ``path`` (an absolute, resolved path)."""
    return next((root for root in map(Path.resolve, roots) if path.is_relative_to(root)), None)


def open_inside(path: Path, root: Path) -> io.BufferedReader:
    """``path`` (lexically inside ``root``) opened from ``root`` down, no link followed, as a
    regular file; ResourceError says why not."""
    parts = path.relative_to(root).parts
    if not parts:
        raise ResourceError("is a folder, not a file")
    try:
        folder = os.open(root, FOLDER)
        try:
            for part in parts[:-1]:
                inner = os.open(part, STEP, dir_fd=folder)
                os.close(folder)
                folder = inner
            handle = os.open(parts[-1], FILE, dir_fd=folder)
        finally:
            os.close(folder)
    except OSError as exc:
        raise ResourceError(why(exc)) from None
    return regular(handle)


def open_regular(path: Path) -> io.BufferedReader:
    """A trusted path (a source named by the user, a project file) opened as a regular file:
    links are followed, but a pipe, device or folder is refused before anything is read."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as exc:
        raise ResourceError(why(exc)) from None
    return regular(handle)


def regular(handle: int) -> io.BufferedReader:
    """The open file descriptor as a binary stream, when it is a regular file (else closed)."""
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        raise ResourceError(f"is {KINDS.get(stat.S_IFMT(mode), 'not a file')}, not a regular file")
    os.set_blocking(handle, True)
    return os.fdopen(handle, "rb")


def read_capped(stream: io.BufferedReader, cap: int) -> bytes:
    """All of an open file, the size checked on the handle first and while reading (a file
    that grows meanwhile is still cut off at ``cap``)."""
    too_big = ResourceError(f"over the {cap // 1_000_000} MB limit")
    size = os.fstat(stream.fileno()).st_size
    if size > cap:
        raise too_big
    chunks = [stream.read(size)]
    total = len(chunks[0])
    while chunk := stream.read(65536):
        total += len(chunk)
        if total > cap:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks) if len(chunks) > 1 else chunks[0]


def why(exc: OSError) -> str:
    """An open's failure in the sandbox's words."""
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        return "a symbolic link in its path (changed after it was checked?)"
    if exc.errno == errno.ENOENT:
        return "no such file"
    return f"cannot be read ({exc.strerror})"
