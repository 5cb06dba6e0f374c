"""Hyphenation patterns, parsed in a helper process while the build imports WeasyPrint.

WeasyPrint hyphenates with pyphen, which parses a language's patterns the first time a process
needs them (about 0.2 s for English) and keeps them in ``pyphen.hdcache``. Left alone, every
worker that lays out a brief parses them itself, on the cold build's longest path. Parsed on
the otherwise idle core during the import, then installed in the parent, they come to every
worker forked after it for the cost of unpickling.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable

import pyphen


def parse(languages: Iterable[str]) -> bytes:
    """pyphen's cache, pickled, after loading the patterns for ``languages`` (unknown: none)."""
    for language in languages:
        if found := pyphen.language_fallback(language):
            pyphen.Pyphen(lang=found)
    return pickle.dumps(pyphen.hdcache)


def install(parsed: bytes) -> None:
    """Put patterns parsed by :func:`parse` (in a fork of this process) into pyphen's cache."""
    for path, patterns in pickle.loads(parsed).items():
        pyphen.hdcache.setdefault(path, patterns)
