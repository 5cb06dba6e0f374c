"""The build as a straight line: find sources, read, decide what is stale, render, write, record.

Each step is a function that can be tested alone, in the module of its responsibility:
:mod:`.plan` (sources, stale outputs, jobs), :mod:`.manifest` (fingerprints and the record of
what was built), :mod:`.jobs` (one output rendered in a worker), :mod:`.pool` (the workers)
and :mod:`.preload` (what they share, loaded before they fork). Every stale output of every
article is one job, so even one article's outputs render side by side; a failure in one never
stops the others, and every good output is written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport.build import hashes
from briefexport.build.atomic import write_atomic
from briefexport.build.manifest import MANIFEST, by_source, read_manifest, record
from briefexport.build.plan import Job, Plan, jobs_of, plan_article
from briefexport.build.results import ArticleResult, BuildReport, Progress
from briefexport.errors import BriefExportError, shown
from briefexport.settings import Settings
from briefexport.writers import DEFAULT_FORMATS, REGISTRY, with_profile

if TYPE_CHECKING:
    from briefexport.build.jobs import Done
    from briefexport.build.pool import KeptWorkers


def finish(plan: Plan, done: Sequence[Done], formats: Sequence[str], out: Path) -> ArticleResult:
    """Fold an article's finished jobs into its result, in the order the formats were asked,
    and write its outputs when every one of them rendered."""
    result = plan.result
    ordered = sorted(done, key=lambda d: formats.index(d.format))
    found = dict.fromkeys((*result.messages, *(m for item in ordered for m in item.messages)))
    result.messages = sorted(found, key=lambda m: m.line)  # in reading order, as check lists them
    for item in ordered:
        result.seconds += item.seconds
        result.error = result.error or item.error
        result.inputs = result.inputs or item.inputs
    # An article's outputs are written together or not at all, except that a format that does
    # not hold back (a summary too long for its page) fails alone (its error says so).
    if not any(item.error for item in ordered if REGISTRY[item.format].holds_back):
        try:
            for item in ordered:
                if item.output:
                    write_inside(out, item.output.path, item.data)
                    result.outputs.append(item.output)
        except (OSError, BriefExportError) as exc:
            result.error = f"{shown(result.source)}:1: outputs not written: {written(exc)}"
    result.outputs.sort(key=lambda o: formats.index(o.format))
    return result


def write_inside(out: Path, path: Path, data: bytes) -> None:
    """Write an output atomically, only if its folder is a real folder inside ``out`` (a
    link there, to anywhere, is refused rather than followed)."""
    folder = path.parent
    if folder.parent != out or folder.name in ("", ".", ".."):
        raise BriefExportError(f"{shown(path)} is not inside {shown(out)}")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BriefExportError(f"{shown(folder)} is a link or a file, not a folder")
    write_atomic(path, data)  # which replaces a link at ``path`` rather than follow it


def written(exc: BaseException) -> str:
    """Why writing failed, in one line (disk full, read-only, name too long...)."""
    if isinstance(exc, OSError):
        where = f" ({shown(exc.filename)})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return str(exc)


def rendered(
    work: Sequence[Job], out: Path, settings: Settings, jobs: int, kept: KeptWorkers | None
) -> Iterator[Done]:
    """Each job's outcome as it finishes (:func:`.pool.render`); the workers' modules are
    imported only when there is work, so a build that finds nothing stale never loads them."""
    if not work:
        return iter(())
    from briefexport.build.pool import render

    return render(work, out, settings, jobs, kept)


def build(
    sources: Sequence[Path],
    out: Path,
    settings: Settings,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    force: bool = False,
    jobs: int = 0,
    on_result: Progress | None = None,
    kept: KeptWorkers | None = None,
) -> BuildReport:
    """Build every source; ``jobs`` 0 means one worker per core, ``kept`` the workers of a
    process that lives on (:class:`.pool.KeptWorkers`). Writers load only when needed."""
    formats = with_profile(formats, settings.profile)
    manifest = read_manifest(out)
    recorded_outputs = by_source(manifest.outputs)
    plans = [plan_article(s, out, settings, formats, force, recorded_outputs) for s in sources]
    work = jobs_of(plans)
    waiting = {job.plan for job in work}
    for index, plan in enumerate(plans):
        if index not in waiting and on_result:
            on_result(plan.result)
    done: dict[int, list[Done]] = {index: [] for index in waiting}
    for item in rendered(work, out, settings, jobs, kept):
        done[item.plan].append(item)
        hashes.remember(item.hashes)
        if len(done[item.plan]) == len(plans[item.plan].stale):
            result = finish(plans[item.plan], done[item.plan], formats, out)
            if on_result:
                on_result(result)
    results = [plan.result for plan in plans]
    warnings = list(manifest.warnings)
    if work:
        try:
            warnings += record(out, results)
        except (OSError, BriefExportError) as exc:
            warnings.append(f"{shown(out / MANIFEST)}: not recorded: {written(exc)}")
    return BuildReport(results, warnings)
