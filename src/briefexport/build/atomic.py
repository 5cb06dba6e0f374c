"""Atomic writes: a temporary file beside the target, fsynced, then moved into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a mix.

    The temporary file is named ``.<name>.<pid>.<random>.tmp``; one left by a process that no
    longer runs (killed mid-write) is removed the next time ``path`` is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_orphans(path)
    prefix = f".{path.name}.{os.getpid()}."
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sweep_orphans(path: Path) -> None:
    """Remove temporary files of ``path`` whose writing process has died."""
    for orphan in path.parent.glob(f".{path.name}.*.tmp"):
        pid = orphan.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not running(int(pid)):
            orphan.unlink(missing_ok=True)


def running(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
