"""The jobs of a build side by side: in worker processes forked from this one."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport.build.jobs import Done, bound_to_parent, render_fresh, render_job
from briefexport.build.plan import Job
from briefexport.build.preload import prepare, warm_up
from briefexport.errors import shown
from briefexport.settings import Settings

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext


BELOW = 2
"""How much nicer than the build the kept workers of an article's other outputs run."""


class KeptWorkers:
    """Worker processes kept for every build of a process that lives on (``serve``).

    Forked from the warm process at its first build, they keep between builds what they load
    and parse (the fonts shaped, the memo's font subsets, the sources read), as the warm
    process does itself; a worker forked for one build starts again from the warm process's
    state each time and copies every page it writes to. Workers that broke (one was killed)
    are replaced at the next build.

    A build of one article runs in two lanes: its first job (the brief, the longest) in a
    worker at the build's priority, the others (memo, one-pager) in workers :data:`BELOW`
    nicer, so that the brief keeps a core of its own when another process (the ``invoke
    build`` that asked for this build, starting up) wants one too; several articles' jobs
    all run at the build's priority.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.executor: ProcessPoolExecutor | None = None
        self.below: ProcessPoolExecutor | None = None
        """The lane of an article's other jobs, started at the first build that has some."""

    def submit(
        self, work: Sequence[Job], out: Path, settings: Settings
    ) -> dict[Future[Done], Job] | None:
        """Hand every job to the workers, started first if need be; None when they died as
        the jobs were handed over (the build then forks its own)."""
        from concurrent.futures.process import BrokenProcessPool

        first, rest = lanes(work)
        try:
            futures = {
                self.lane(False).submit(render_fresh, job, out, settings): job for job in first
            }
            return futures | {
                self.lane(True).submit(render_fresh, job, out, settings): job for job in rest
            }
        except BrokenProcessPool:
            return None

    def lane(self, below: bool) -> ProcessPoolExecutor:
        """The workers of one lane, started (again, if one broke: a killed worker) if need be."""
        from concurrent.futures import ProcessPoolExecutor

        executor = self.below if below else self.executor
        if executor is None or executor._broken:  # the one way to know: private
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            executor = ProcessPoolExecutor(
                max(self.count - 1, 1) if below else self.count,
                mp_context=fork_context(),
                initializer=bound_below if below else bound_to_parent,
            )
            if below:
                self.below = executor
            else:
                self.executor = executor
        return executor

    def close(self) -> None:
        """Stop the workers (those busy are killed with this process anyway)."""
        for executor in (self.executor, self.below):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self.below = None


def lanes(work: Sequence[Job]) -> tuple[list[Job], list[Job]]:
    """The jobs to run at the build's priority and those to run :data:`BELOW` it: one
    article's first job and its others; every job when there are several articles."""
    if len({job.source for job in work}) > 1:
        return list(work), []
    return list(work[:1]), list(work[1:])


def bound_below() -> None:
    """:func:`bound_to_parent`, then :data:`BELOW` nicer than the build."""
    bound_to_parent()
    os.nice(BELOW)


def render(
    work: Sequence[Job], out: Path, settings: Settings, jobs: int, kept: KeptWorkers | None = None
) -> Iterator[Done]:
    """Each job's outcome as it finishes: in this process for one worker, in the ``kept``
    workers when they are as many as asked, else in workers forked once WeasyPrint is
    imported and the hyphenation patterns loaded (:func:`prepare`)."""
    if not work:
        return
    workers = min(jobs or os.cpu_count() or 1, len(work))
    if workers <= 1:
        warm_up((job.format for job in work), settings)
        yield from (render_job(job, out, settings) for job in work)
        return
    context = fork_context()
    asked = jobs or os.cpu_count()
    handed = kept.submit(work, out, settings) if kept and kept.count == asked else None
    if handed is None:
        lost = yield from forked(work, out, settings, workers, context)
    else:
        lost = yield from finished(handed)
    yield from (alone(job, out, settings, context) for job in lost)


def forked(
    work: Sequence[Job], out: Path, settings: Settings, workers: int, context: BaseContext
) -> Generator[Done, None, list[Job]]:
    """Each job's outcome as it finishes, in ``workers`` processes forked for this build (this
    one among them when that saves a fork); returns the jobs whose worker died."""
    from concurrent.futures import ProcessPoolExecutor

    with ExitStack() as stack:
        futures = prepare(work, out, settings, context, stack)
        started = {(job.plan, job.format) for job in futures.values()}
        rest = [job for job in work if (job.plan, job.format) not in started]
        # When every job has a process of its own anyway, this one renders the first (the
        # biggest: the brief) instead of waiting: a fork fewer, and its bytes need no pickling.
        mine = rest[:1] if len(rest) <= workers else []
        if rest[len(mine) :]:
            size = min(workers, len(rest)) - len(mine)
            pool = stack.enter_context(
                ProcessPoolExecutor(size, mp_context=context, initializer=bound_to_parent)
            )
            futures |= {
                pool.submit(render_job, job, out, settings): job for job in rest[len(mine) :]
            }
        yield from (render_job(job, out, settings) for job in mine)
        return (yield from finished(futures))


def finished(futures: dict[Future[Done], Job]) -> Generator[Done, None, list[Job]]:
    """Each future's outcome as it finishes; returns the jobs whose worker died (killed, or
    crashed in C code: :func:`render_job` itself never raises)."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    lost: list[Job] = []
    for future in as_completed(futures):
        try:
            yield future.result()
        except BrokenProcessPool:
            lost.append(futures[future])
    return lost


def fork_context() -> BaseContext:
    """Workers fork: they start with everything this process has loaded."""
    import multiprocessing

    return multiprocessing.get_context("fork")


def alone(job: Job, out: Path, settings: Settings, context: BaseContext) -> Done:
    """A job whose worker died (killed, or crashed in C code) run again in a process of its
    own, so that only the job that kills its process fails, with a located error."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, mp_context=context, initializer=bound_to_parent) as pool:
        try:
            return pool.submit(render_job, job, out, settings).result()
        except BrokenProcessPool:
            error = (
                f"{shown(job.source)}:1: {job.format}: the process rendering it died "
                "(a library stuck past the time budget, out of memory, or a crash in a library)"
            )
            return Done(job.plan, job.format, None, b"", (), error, 0.0)
