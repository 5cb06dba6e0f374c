"""Budgets: no input may hold a build longer, or make it larger, than a set amount.

:func:`deadline` interrupts whatever Python code runs when its time is up (one real-time
timer, shared by nested deadlines: the earliest wins); :func:`memory_cap` lowers the soft
address-space limit, so an allocation past it fails with MemoryError instead of swapping
the machine. Both restore what was there before. Deadlines need the main thread (signals);
elsewhere they do nothing and only the parsers' own checks apply.

A signal only interrupts Python code: a library stuck in C (cairo drawing a huge arc) never
sees it. :func:`hard_stop` ends such a process :data:`GRACE` seconds past its budget: a
worker process by a CPU-time limit (its parent reports the job it lost), the build's own
process by a watchdog thread that says which article held it, then exits.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

_DEADLINES: list[tuple[float, Callable[[], BaseException]]] = []
GRACE = 5.0
"""Seconds past the time budget before :func:`hard_stop` ends a process stuck in C code."""


class BudgetExceeded(BaseException):
    """An article's time ran out. A BaseException, so that no library's ``except Exception``
    (WeasyPrint logs and goes on after most errors) can swallow it."""


def _expire(signum: int, frame: FrameType | None) -> None:
    now = time.monotonic()
    due = [entry for entry in _DEADLINES if entry[0] <= now]
    if due:
        raise min(due, key=lambda entry: entry[0])[1]()
    _arm()


def _arm() -> None:
    """Set the timer to the earliest pending deadline (or off when none is left)."""
    if _DEADLINES:
        left = min(at for at, _ in _DEADLINES) - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextmanager
def deadline(seconds: float, error: Callable[[], BaseException]) -> Iterator[None]:
    """Raise ``error()`` in this thread if the block runs longer than ``seconds``."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    entry = (time.monotonic() + seconds, error)
    previous = signal.signal(signal.SIGALRM, _expire) if not _DEADLINES else None
    _DEADLINES.append(entry)
    _arm()
    try:
        yield
    finally:
        _DEADLINES.remove(entry)
        _arm()
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)


def address_space() -> int:
    """This process's mapped address space now, in bytes (0 when unknown)."""
    try:
        with Path("/proc/self/statm").open("rb") as stream:
            return int(stream.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def memory_cap(extra: int) -> Iterator[None]:
    """Let the block map at most ``extra`` bytes beyond what the process maps already."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    now = address_space()
    limit = now + extra
    if extra <= 0 or not now or (hard != resource.RLIM_INFINITY and limit > hard):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def bounded(seconds: float, megabytes: int) -> Iterator[None]:
    """One article's work within its time and memory budgets: :class:`BudgetExceeded` or
    MemoryError past them (see :func:`overrun`)."""
    with deadline(seconds, BudgetExceeded), memory_cap(megabytes * 1_000_000):
        yield


def overrun(error: BaseException, seconds: float, megabytes: int) -> tuple[str, str] | None:
    """What an article's work that overran a budget did, and the hint; None when ``error``
    is not a budget's."""
    if isinstance(error, BudgetExceeded):
        return (
            f"took over {seconds:g} s, the time budget",
            "split the article, or raise --time-budget",
        )
    if isinstance(error, MemoryError):
        return (
            f"needed over {megabytes:,} MB, the memory budget",
            "look for huge tables or images, or raise --memory-budget",
        )
    return None


@contextmanager
def hard_stop(seconds: float, last_words: str) -> Iterator[None]:
    """End this process if the block runs past ``seconds`` in C code (see the module).

    A CPU-time limit :data:`GRACE` seconds past the budget kills a worker process (SIGXCPU);
    in the main process a watchdog thread prints ``last_words`` and exits with status 1 at
    that time, and the CPU-time limit, one more :data:`GRACE` later, is the last resort for
    C code that holds the interpreter's lock.
    """
    if seconds <= 0:
        yield
        return
    worker = multiprocessing.parent_process() is not None
    with cpu_limit(seconds + GRACE * (1 if worker else 2)):
        if worker:
            yield
            return
        watchdog = threading.Timer(seconds + GRACE, _give_up, (last_words,))
        watchdog.daemon = True
        watchdog.start()
        try:
            yield
        finally:
            watchdog.cancel()


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Let the block use at most ``seconds`` more CPU time; the kernel's SIGXCPU past it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(used.ru_utime + used.ru_stime + seconds) + 1
    if hard != resource.RLIM_INFINITY and limit > hard:
        yield
        return
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _give_up(last_words: str) -> None:
    """The watchdog's act: the main thread is stuck in C code past its budget."""
    print(last_words, file=sys.stderr, flush=True)
    os._exit(1)
