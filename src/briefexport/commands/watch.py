"""``invoke watch``: one warm process rebuilds what changed and keeps going after a bad edit."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from briefexport.build.pipeline import BuildReport, build, discover
from briefexport.errors import BriefExportError
from briefexport.settings import Settings


def watch(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    report: Callable[[BuildReport], None],
    stop: threading.Event | None = None,
) -> None:
    """Build once, then rebuild on every change under the sources, templates and styles.

    The manifest decides what is stale, so a template edit rebuilds only its outputs.
    """
    from watchfiles import watch as changes

    session = Rebuilds(source, out, settings, formats, report)
    session.run()
    folders = [
        p
        for p in (source if source.is_dir() else source.parent, settings.templates, settings.styles)
        if p.exists()
    ]
    print(f"watching {', '.join(map(str, folders))} (Ctrl-C to stop)", file=sys.stderr)
    for batch in changes(*folders, stop_event=stop, debounce=200, raise_interrupt=False):
        if relevant(path for _, path in batch):
            session.after_change()


def relevant(paths: Iterable[str]) -> bool:
    """Ignore editor droppings and our own temporary files."""
    return any(not Path(p).name.startswith((".", "~", "#")) and not p.endswith("~") for p in paths)


class Rebuilds:
    """The builds of one watcher, all from this process.

    Until every format has been rendered here once (which loads WeasyPrint, the fonts, parsed
    stylesheets, hyphenation dictionaries and the memo's styles), builds run in this process
    (``jobs=1``). After that each rebuild forks its workers from this warm process, one per core,
    so that an article's outputs render side by side and every worker starts warm.
    """

    def __init__(
        self,
        source: Path,
        out: Path,
        settings: Settings,
        formats: Sequence[str],
        report: Callable[[BuildReport], None],
    ) -> None:
        self.source = source
        self.out = out
        self.settings = settings
        self.formats = formats
        self.report = report
        self.warm: set[str] = set()

    def run(self) -> None:
        """One build; errors are printed, never raised, so the watcher survives a bad edit."""
        jobs = 0 if self.warm.issuperset(self.formats) else 1
        try:
            result = build(discover(self.source), self.out, self.settings, self.formats, jobs=jobs)
        except BriefExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return
        if jobs == 1:
            self.warm.update(o.format for r in result.results for o in r.outputs if o.built)
        self.report(result)

    def after_change(self) -> None:
        """Forget decoded images (files may have changed), then build."""
        from briefexport.weasy.engine import forget_images

        forget_images()
        self.run()
