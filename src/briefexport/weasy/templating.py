"""The Jinja2 environment: sandboxed, autoescaped, strict, loading only the project's templates
and the packaged defaults, file by file (the project's own file wins).

The project is trusted and found apart from any article (see ``settings.find_project``); the
sandbox holds even so, so a template cannot reach Python internals (``x.__init__.__globals__``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment


@cache
def environment(templates: tuple[Path, ...]) -> Environment:
    """One environment per list of template folders, searched in order; source text is passed
    as data, never as a template."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(list(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
    )
