"""Pictures: alt text for screen readers and for readers such as pandoc."""

from __future__ import annotations

from docx.shape import InlineShape


def set_alt_text(shape: InlineShape, text: str) -> None:
    """The picture's description (Word's Alt Text pane)."""
    shape._inline.docPr.set("descr", text)
