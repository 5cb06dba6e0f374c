"""Hyphenation patterns, parsed in a helper process while the build imports WeasyPrint.

WeasyPrint hyphenates with pyphen, which parses a language's patterns the first time a process
needs them (about 0.2 s for English) and keeps them in ``pyphen.hdcache``. Left alone, every
worker that lays out a brief parses them itself, on the cold build's longest path. Parsed on
the otherwise idle core during the import, then installed in the parent, they come to every
worker forked after it for the cost of unpickling.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable
from pathlib import Path

from briefexport.errors import BriefExportError
from briefexport.sandbox.files import open_regular

DECLARED_LANGUAGE = re.compile(r"^lang:[ \t]*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.M)


def parse(languages: Iterable[str]) -> bytes:
    """pyphen's cache, pickled, after loading the patterns for ``languages`` (unknown: none)."""
    import pyphen

    for language in languages:
        if found := pyphen.language_fallback(language):
            pyphen.Pyphen(lang=found)
    return pickle.dumps(pyphen.hdcache)


def declared_language(source: Path) -> str:
    """The ``lang`` a source's front matter declares, found without parsing it (the build
    plans before any source is parsed): a guess of which patterns to load ahead, never an
    answer. A wrong guess costs only time; the worker reads the real one."""
    try:
        with open_regular(source) as stream:  # a pipe or device is refused, not waited on
            head = stream.read(16_384).decode("utf-8", errors="replace")
    except (OSError, BriefExportError):
        return "en"
    front = head[3:].split("\n---", 1)[0] if head.startswith("---") else ""
    found = DECLARED_LANGUAGE.search(front)
    return found[1] if found else "en"


def install(parsed: bytes) -> None:
    """Put patterns parsed by :func:`parse` (in a fork of this process) into pyphen's cache."""
    import pyphen

    for path, patterns in pickle.loads(parsed).items():
        pyphen.hdcache.setdefault(path, patterns)
