"""``invoke build`` (and ``pdf``, ``memo``, ``summary``): the daemon of the output folder builds
when one runs (``invoke serve``), else this process; each article is shown as it ends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from briefexport.build.sources import discover
from briefexport.commands.console import progress, report, skipped_notice
from briefexport.commands.handover import handed_over
from briefexport.settings import Settings


def build_and_report(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    *,
    force: bool,
    jobs: int,
    as_json: bool,
) -> bool:
    """Build the sources at ``source`` into ``out``, then print the report (:mod:`.console`);
    True when no article failed."""
    sources = discover(source)
    skipped_notice(source)
    with progress(len(sources), as_json) as on_result:
        result = handed_over(
            source, out, settings, list(formats), force=force, jobs=jobs, on_result=on_result
        )
        if result is None:
            from briefexport.build.pipeline import build  # not needed to hand the build over

            result = build(
                sources, out, settings, formats, force=force, jobs=jobs, on_result=on_result
            )
    report(result)
    return result.ok
