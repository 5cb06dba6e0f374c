"""briefexport: one Markdown source; a print-ready PDF, a Word memo, a one-page summary."""

from __future__ import annotations

from .build import build
from .model import Article
from .source import read_article

__version__ = "0.1.0"
__all__ = ["Article", "__version__", "build", "read_article"]
