"""Entry point of the ``briefexport`` console script."""

from __future__ import annotations

from .tasks import main

__all__ = ["main"]
