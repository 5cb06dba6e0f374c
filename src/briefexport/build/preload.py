"""What is loaded once, before the workers fork, so that every worker shares it.

What a build process loads for good (WeasyPrint and the other libraries, the stylesheets and
fonts, the hyphenation patterns) is loaded with the cyclic garbage collector paused and then
frozen (:func:`kept`): collecting among objects that live as long as the process finds
nothing, and every full collection during a layout would walk them all again.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from briefexport.build.jobs import Done, bound_to_parent, render_job
from briefexport.build.plan import Job
from briefexport.settings import Settings
from briefexport.writers import REGISTRY

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

SHARED = ("briefexport.source.reader", "briefexport.source.crossref", "fontTools.subset")
"""What every writer loads, WeasyPrint's and python-docx's alike: the source reader and the
cross-references (markdown-it, YAML, the HTML tree renderer, the sandbox) and fontTools'
subsetter (WeasyPrint's PDF fonts, the memo's embedded fonts). Imported before the helper
forks, once for both processes instead of once in each."""


def prepare(
    work: Sequence[Job], out: Path, settings: Settings, context: BaseContext, stack: ExitStack
) -> dict[Future[Done], Job]:
    """Load what the workers share before forking them, and keep the other core busy meanwhile.

    This process imports what every writer needs (:data:`SHARED`) and forks a helper, then
    imports WeasyPrint and parses the first laid-out output's stylesheets (registering the
    brand's fonts); meanwhile the helper parses the hyphenation patterns of the articles'
    languages (see :mod:`briefexport.weasy.hyphenation`), then renders jobs that need no
    WeasyPrint (memos) until the import is done. The workers fork once the patterns are
    installed, without waiting for the helper to finish the job it is on: its futures are
    returned, with their jobs, and ``stack`` shuts it down. A process that has WeasyPrint
    already (``watch``) skips all this.
    """
    laid_out = {job.format for job in work if REGISTRY[job.format].laid_out}
    if not laid_out or "weasyprint" in sys.modules:
        return {}
    from concurrent.futures import ProcessPoolExecutor

    from briefexport.weasy import hyphenation

    languages = sorted({job.language for job in work if job.format in laid_out})
    light = [job for job in work if job.format not in laid_out]
    if light:
        with kept():
            for name in SHARED:
                import_module(name)
    helper = stack.enter_context(
        ProcessPoolExecutor(1, mp_context=context, initializer=bound_to_parent)
    )
    parsed = helper.submit(hyphenation.parse, languages)
    early = {helper.submit(render_job, job, out, settings): job for job in light}
    # The brief's stylesheets only: its layout starts as soon as the workers fork, and a worker
    # laying out another output (the one-pager) parses that output's own sheets meanwhile.
    warm_up([next(job.format for job in work if job.format in laid_out)], settings)
    if parsed.exception() is None:  # else (the helper died) the workers parse them themselves
        with kept():
            hyphenation.install(parsed.result())
    # Those not yet started go to the workers; one that killed the helper is run again alone.
    return {future: job for future, job in early.items() if not future.cancel()}


def warm_up(formats: Iterable[str], settings: Settings) -> None:
    """Import WeasyPrint (the heaviest import by far), parse the stylesheets of the formats
    laid out with it, which registers the brand's fonts (and, importing weasy.engine, the C
    types a layout allocates: weasy.arrays): once, before any fork, so that every worker
    shares them. Other writers load in the worker that first needs them: importing
    python-docx here would delay every worker, the brief's too."""
    laid_out = sorted({name for name in formats if REGISTRY[name].laid_out})
    if not laid_out:
        return
    with kept() if "weasyprint" not in sys.modules else nullcontext():
        with sonames_only():
            from briefexport.weasy.engine import stylesheets

        for name in laid_out:
            stylesheets(settings, REGISTRY[name].styles)


@contextmanager
def kept() -> Iterator[None]:
    """Load what this process keeps for good without the cyclic garbage collector, then freeze
    everything it holds: no later collection walks it, here or in a worker forked from here
    (whose pages then stay shared with this process). Objects that turn to cyclic garbage
    after this are never freed, so a process that lives on (``watch``, ``serve``) uses this
    once, for what it loads at the start."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def sonames_only() -> Iterator[None]:
    """Let cffi load C libraries by their sonames without ``ctypes.util.find_library``.

    WeasyPrint tries several names for each of its libraries (``libgobject-2.0-0``,
    ``gobject-2.0``, ..., ``libgobject-2.0.so.0``); cffi hands every name dlopen cannot load
    to ``find_library``, which on Linux runs ``ldconfig``, ``gcc`` and ``ld`` in subprocesses:
    22 searches, about half of WeasyPrint's import time. Answering "not found" makes cffi move
    on to the next name, and each list ends with the soname the dynamic loader finds itself.
    """
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search
