"""The jobs of a build side by side: in worker processes forked from this one."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport.build.jobs import Done, bound_to_parent, render_job
from briefexport.build.plan import Job
from briefexport.build.preload import prepare, warm_up
from briefexport.errors import shown
from briefexport.settings import Settings

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext


def render(work: Sequence[Job], out: Path, settings: Settings, jobs: int) -> Iterator[Done]:
    """Each job's outcome as it finishes: in this process for one worker, else in workers
    forked once WeasyPrint is imported and the hyphenation patterns loaded (:func:`prepare`)."""
    if not work:
        return
    workers = min(jobs or os.cpu_count() or 1, len(work))
    if workers <= 1:
        warm_up((job.format for job in work), settings)
        yield from (render_job(job, out, settings) for job in work)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    lost: list[Job] = []
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
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
    yield from (alone(job, out, settings, context) for job in lost)


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
                "(out of memory, or a crash in a library; try it alone with --jobs 1)"
            )
            return Done(job.plan, job.format, None, b"", (), error, 0.0)
