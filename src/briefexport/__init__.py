"""briefexport: one Markdown source; a print-ready PDF, a Word memo, a one-page summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Article", "__version__", "build", "read_article"]

if TYPE_CHECKING:
    from briefexport.build.pipeline import build
    from briefexport.model import Article
    from briefexport.source.reader import read_article

_LAZY = {"Article": ".model", "build": ".build", "read_article": ".source"}


def __getattr__(name: str) -> Any:
    """The public API, imported on first use: ``invoke --list`` and ``--help`` stay light."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name], __name__), name)
