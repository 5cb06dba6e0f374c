"""One job, as a worker process runs it: parse the source (once per process), render one
output in memory within the article's budgets, and hand back the bytes or a located error."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefexport.build.hashes import Entry, handed_back
from briefexport.build.manifest import fingerprint, referenced_files
from briefexport.build.plan import Job
from briefexport.build.results import OutputResult
from briefexport.errors import BriefExportError, ResourceError, one_line, shown
from briefexport.messages import Message
from briefexport.model import Article
from briefexport.settings import Settings
from briefexport.writers import output_path, writer

PR_SET_PDEATHSIG = 1


def load(source: Path, styles: Path | None = None) -> Article:
    """:func:`read_article` (``styles`` holds the default citation style), remembered for the
    last few sources by path, modification time and size (like :func:`.hashes.file_hash`),
    failures too: a worker rendering several outputs of one article parses it once."""
    try:
        stat = source.stat()
    except OSError:
        return _load(source, 0, 0, styles).read()
    return _load(source, stat.st_mtime_ns, stat.st_size, styles).read()


@dataclass(frozen=True)
class Loaded:
    """A parsed source, or the error reading it gave."""

    article: Article | None
    error: BriefExportError | None

    def read(self) -> Article:
        if self.error:
            raise self.error
        assert self.article
        return self.article


@lru_cache(maxsize=8)
def _load(source: Path, mtime: int, size: int, styles: Path | None) -> Loaded:
    from briefexport.source.reader import (
        read_article,  # YAML and markdown-it: not needed to find nothing stale
    )

    try:
        return Loaded(read_article(source, styles), None)
    except BriefExportError as exc:
        return Loaded(None, exc)


@dataclass(frozen=True)
class Done:
    """What became of a job: the output rendered (not yet written), or the error."""

    plan: int
    format: str
    output: OutputResult | None
    data: bytes
    messages: tuple[Message, ...]
    error: str
    seconds: float
    inputs: tuple[Path, ...] = ()
    hashes: tuple[Entry, ...] = ()
    """The file hashes the worker found, for the manifest (:mod:`.hashes`)."""


def render_job(job: Job, out: Path, settings: Settings) -> Done:
    """Render one output in memory, within the article's time and memory budgets. Never
    raises: every failure becomes a located error for this article alone."""
    from briefexport.sandbox import budget

    started = time.perf_counter()
    messages: tuple[Message, ...] = ()
    inputs: tuple[Path, ...] = ()
    output, data, error = None, b"", ""
    where = f"{shown(job.source)}:1: {job.format}"
    seconds, megabytes = settings.time_budget, settings.memory_budget
    stuck = (
        f"{where} took over {seconds:g} s, the time budget, in a library (a bug: please report it)"
    )
    try:
        with budget.hard_stop(seconds, stuck), budget.bounded(seconds, megabytes):
            article = load(job.source, settings.styles)
            inputs = tuple(referenced_files(article))
            key = fingerprint(article.path, inputs, job.format, settings)
            produced = writer(job.format).render(article, settings)
        messages, data = (*article.warnings, *produced.messages), produced.data
        if settings.strict and messages:
            first = messages[0]
            hint = "; ".join(filter(None, (first.hint, "--strict turns warnings into errors")))
            raise ResourceError(f"{first.severity}: {first.text}", first.path, first.line, hint)
        path = output_path(out, article, job.format)
        output = OutputResult(job.format, path, key, built=True, pages=produced.pages)
    except BriefExportError as exc:
        error = str(exc)
    except (budget.BudgetExceeded, MemoryError) as exc:
        text, hint = budget.overrun(exc, seconds, megabytes) or ("", "")
        error = f"{where} {text} ({hint})"
    except Exception as exc:  # a library's bug on hostile input must not cost the batch
        error = (
            f"{where} could not be rendered: {type(exc).__name__}: {one_line(str(exc))} "
            "(a bug: please report it with the source)"
        )
    took = time.perf_counter() - started
    return Done(job.plan, job.format, output, data, messages, error, took, inputs, handed_back())


def render_fresh(job: Job, out: Path, settings: Settings) -> Done:
    """:func:`render_job` in a worker kept between builds: the images it decoded for an earlier
    build are dropped first, as their files may have changed since."""
    if "briefexport.weasy.engine" in sys.modules:  # else no image was decoded here
        from briefexport.weasy.engine import forget_images

        forget_images()
    return render_job(job, out, settings)


def bound_to_parent() -> None:
    """A worker's first act: die with the build (Linux ``PR_SET_PDEATHSIG``), so a killed
    build leaves no worker behind, and take SIGTERM and SIGINT's default meaning back."""
    import ctypes
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which stops us
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown must do
        return
    if os.getppid() == 1:  # the build died before prctl took effect
        os._exit(1)
