"""The sources of a build: the Markdown files a source path names, and the other files of a
source folder. Light on purpose: a build handed to a daemon needs no more of :mod:`.plan`."""

from __future__ import annotations

from pathlib import Path

from briefexport.errors import BriefExportError

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
