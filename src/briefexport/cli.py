"""Entry point of the ``briefexport`` console script."""

from __future__ import annotations

from briefexport.tasks import main

__all__ = ["main"]
