"""briefexport: one Markdown source; a print-ready PDF, a Word memo, a one-page summary."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Article", "__version__", "build", "read_article"]

if TYPE_CHECKING:
    from briefexport.build.pipeline import build
    from briefexport.model import Article
    from briefexport.source.reader import read_article


def cache_bytecode() -> None:
    """Write this package's compiled modules again when Invoke turned that off.

    Invoke stops the whole process writing bytecode (its ``--write-pyc``, off by default, keeps
    ``tasks.pyc`` out of a project's folder), so from a checkout every ``invoke build``
    compiled each of this package's modules it imports, every time: 57M of the 644M
    instructions of a build handed to ``invoke serve``. Called once ``tasks.py`` is loaded (it
    is not cached); ``python -B`` and ``PYTHONDONTWRITEBYTECODE`` are obeyed."""
    if "invoke.program" in sys.modules:
        sys.dont_write_bytecode = bool(sys.flags.dont_write_bytecode)


cache_bytecode()  # ``invoke``: its Program set the flag before loading tasks.py, which imports us

_LAZY = {"Article": ".model", "build": ".build", "read_article": ".source"}


def __getattr__(name: str) -> Any:
    """The public API, imported on first use: ``invoke --list`` and ``--help`` stay light."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name], __name__), name)
