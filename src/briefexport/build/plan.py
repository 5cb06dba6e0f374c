"""What a build has to do: for each source the outputs that are stale, as jobs (the sources
themselves are found by :mod:`.sources`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefexport.build.manifest import Outputs, Recorded, fingerprint
from briefexport.build.results import ArticleResult, OutputResult
from briefexport.messages import Message
from briefexport.settings import Settings
from briefexport.writers import REGISTRY


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
