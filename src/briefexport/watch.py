"""``invoke watch``: one warm process rebuilds what changed and keeps going after a bad edit."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .build import BuildReport, build, discover
from .errors import BriefExportError
from .settings import Settings


def watch(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    report: Callable[[BuildReport], None],
    stop: threading.Event | None = None,
) -> None:
    """Build once, then rebuild on every change under the sources, templates and styles.

    Rebuilds run in this process (``jobs=1``), so WeasyPrint, fonts and parsed stylesheets stay
    warm; the manifest decides what is stale, so a template edit rebuilds only its outputs.
    """
    from watchfiles import watch as changes

    from .weasy import forget_images

    rebuild(source, out, settings, formats, report)
    folders = [
        p
        for p in (source if source.is_dir() else source.parent, settings.templates, settings.styles)
        if p.exists()
    ]
    print(f"watching {', '.join(map(str, folders))} (Ctrl-C to stop)", file=sys.stderr)
    for batch in changes(*folders, stop_event=stop, debounce=200, raise_interrupt=False):
        if not relevant(path for _, path in batch):
            continue
        forget_images()
        rebuild(source, out, settings, formats, report)


def relevant(paths: Iterable[str]) -> bool:
    """Ignore editor droppings and our own temporary files."""
    return any(not Path(p).name.startswith((".", "~", "#")) and not p.endswith("~") for p in paths)


def rebuild(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    report: Callable[[BuildReport], None],
) -> None:
    """One build; errors are printed, never raised, so the watcher survives a bad edit."""
    try:
        report(build(discover(source), out, settings, formats, jobs=1))
    except BriefExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
