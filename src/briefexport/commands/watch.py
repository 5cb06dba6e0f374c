"""``invoke watch``: one warm process rebuilds what changed and keeps going after a bad edit."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefexport.build.pipeline import build
from briefexport.build.results import BuildReport
from briefexport.build.sources import discover
from briefexport.commands.console import report as console_report
from briefexport.errors import BriefExportError
from briefexport.settings import Settings

Reporter = Callable[[BuildReport, bool], None]
"""Shows a build's results; the flag is true when only what was rebuilt should be shown."""


def watch(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    jobs: int = 0,
    report: Reporter = console_report,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then rebuild on every change under the sources, templates and styles,
    saying which files changed.

    The manifest decides what is stale, so a template edit rebuilds only its outputs.
    """
    from watchfiles import watch as changes

    session = Rebuilds(source, out, settings, formats, jobs, report)
    session.run()
    folders = [
        p
        for p in (source if source.is_dir() else source.parent, settings.templates, settings.styles)
        if p.exists()
    ]
    print(f"watching {', '.join(map(str, folders))} (Ctrl-C to stop)", file=sys.stderr)
    for batch in changes(*folders, stop_event=stop, debounce=200, raise_interrupt=False):
        changed = relevant(path for _, path in batch)
        if changed:
            print(f"changed: {', '.join(map(shown, changed))}", file=sys.stderr)
            session.after_change()


def relevant(paths: Iterable[str]) -> list[str]:
    """The changed files, sorted, without editor droppings and our own temporary files."""
    return sorted(
        {p for p in paths if not Path(p).name.startswith((".", "~", "#")) and not p.endswith("~")}
    )


def shown(path: str) -> str:
    """A changed file as the user knows it: relative to the current folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


@dataclass
class Rebuilds:
    """The builds of one watcher, all from this process.

    Until every format has been rendered here once (which loads WeasyPrint, the fonts, parsed
    stylesheets, hyphenation dictionaries and the memo's styles), builds run in this process
    (``jobs=1``). After that each rebuild forks its workers (``--jobs``, default one per core)
    from this warm process, so an article's outputs render side by side, every worker warm.
    """

    source: Path
    out: Path
    settings: Settings
    formats: Sequence[str]
    jobs: int = 0
    report: Reporter = console_report
    warm: set[str] = field(default_factory=set)
    """The formats rendered in this process so far."""

    def run(self, rebuilt_only: bool = False) -> None:
        """One build; errors are printed, never raised, so the watcher survives a bad edit.
        ``rebuilt_only`` reports only what this build rendered (not what was up to date)."""
        jobs = self.jobs if self.warm.issuperset(self.formats) else 1
        try:
            result = build(discover(self.source), self.out, self.settings, self.formats, jobs=jobs)
        except BriefExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return
        if jobs == 1:
            self.warm.update(o.format for r in result.results for o in r.outputs if o.built)
        self.report(result, rebuilt_only)

    def after_change(self) -> None:
        """Forget decoded images (files may have changed), then build."""
        from briefexport.weasy.engine import forget_images

        forget_images()
        self.run(rebuilt_only=True)
