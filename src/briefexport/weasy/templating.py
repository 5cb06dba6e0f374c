"""The Jinja2 environment: autoescaped, strict, loading only the project's templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from briefexport.render.text import tie


@cache
def environment(templates: Path) -> Environment:
    """One environment per templates folder; source text is passed as data, never as a template."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
    )
    env.filters["tie"] = tie  # a headline never ends on a word alone
    return env
