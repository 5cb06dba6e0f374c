"""The Jinja2 environment: sandboxed, autoescaped, strict, loading only the project's templates.

The project is trusted and found apart from any article (see ``settings.find_project``); the
sandbox holds even so, so a template cannot reach Python internals (``x.__init__.__globals__``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment


@cache
def environment(templates: Path) -> Environment:
    """One environment per templates folder; source text is passed as data, never as a template."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
    )
