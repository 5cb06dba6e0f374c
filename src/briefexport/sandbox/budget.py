"""Budgets: no input may hold a build longer, or make it larger, than a set amount.

:func:`deadline` interrupts whatever Python code runs when its time is up (one real-time
timer, shared by nested deadlines: the earliest wins); :func:`memory_cap` lowers the soft
address-space limit, so an allocation past it fails with MemoryError instead of swapping
the machine. Both restore what was there before. Deadlines need the main thread (signals);
elsewhere they do nothing and only the parsers' own checks apply.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

_DEADLINES: list[tuple[float, Callable[[], BaseException]]] = []


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
