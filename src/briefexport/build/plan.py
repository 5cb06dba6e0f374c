"""What a build has to do: the sources, and for each the outputs that are stale, as jobs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefexport.build.manifest import Outputs, Recorded, fingerprint
from briefexport.build.results import ArticleResult, OutputResult
from briefexport.errors import BriefExportError
from briefexport.messages import Message
from briefexport.settings import Settings
from briefexport.writers import REGISTRY

SOURCE_SUFFIXES = (".md", ".markdown")


RESOURCE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".yaml", ".yml", ".bib")
"""Files an article's folder holds beside its sources: images, data, bibliographies."""


def discover(source: Path) -> list[Path]:
    """The source files under ``source`` (a file or a folder), sorted; hidden files skipped."""
    if source.is_dir():
        return sorted(
            p for p in _visible(source) if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
        )
    if source.exists() or source.suffix == ".md":
        return [source]
    raise BriefExportError(f"{source}: no such source file or folder (give a .md file or a folder)")


def not_sources(source: Path) -> list[Path]:
    """The files of a source folder that are neither sources nor an article's resources."""
    if not source.is_dir():
        return []
    known = SOURCE_SUFFIXES + RESOURCE_SUFFIXES
    return sorted(p for p in _visible(source) if p.is_file() and p.suffix.lower() not in known)


def _visible(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not p.name.startswith((".", "_"))]


@dataclass
class Plan:
    """What one source needs: the formats to render and the outputs already up to date."""

    result: ArticleResult
    stale: list[str] = field(default_factory=list)
    language: str = ""
    """The language the source declares: which hyphenation patterns to load ahead."""


def plan_article(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    force: bool,
    recorded_outputs: Outputs,
) -> Plan:
    """Split a source's outputs into stale and fresh from bytes and the manifest alone, as
    make and ninja trust their depfiles: an output is fresh when its recorded fingerprint,
    recomputed over the files recorded as its inputs, still holds. Nothing is parsed here:
    a stale output's source is parsed once, by the worker that renders it."""
    plan = Plan(ArticleResult(source))
    recorded = {} if force else recorded_outputs.get(str(source.resolve()), {})
    for name in formats:
        key, record = recorded.get(name, ("", Recorded("")))
        inputs = [Path(path) for path in record.inputs]
        if (
            key == f"{source.stem}/{source.stem}{REGISTRY[name].suffix}"  # a key names no path
            and (out / key).exists()
            and record.fingerprint == fingerprint(source, inputs, name, settings)
        ):
            plan.result.outputs.append(
                OutputResult(name, out / key, record.fingerprint, False, record.pages)
            )
            plan.result.inputs = tuple(inputs)
            plan.result.messages = [Message(source, line, text) for line, text in record.notices]
        else:
            plan.stale.append(name)
    if plan.stale:
        from briefexport.weasy.hyphenation import declared_language  # not for a no-op

        plan.language = declared_language(source)
    return plan


@dataclass(frozen=True)
class Job:
    """One stale output of one article: the unit of work, so that one article's outputs
    render side by side on several cores."""

    plan: int
    source: Path
    format: str
    language: str


def jobs_of(plans: Sequence[Plan]) -> list[Job]:
    """Every stale output, the biggest sources first, so that the last jobs to start are short
    ones and no core idles at the end of a batch; one article's jobs stay together."""
    jobs = [
        Job(index, plan.result.source, name, plan.language)
        for index, plan in enumerate(plans)
        for name in plan.stale
    ]
    return sorted(jobs, key=lambda job: -source_size(job.source))


def source_size(path: Path) -> int:
    """A source's size in bytes, 0 if it has gone: the estimate of a job's cost."""
    try:
        return path.stat().st_size
    except OSError:
        return 0
