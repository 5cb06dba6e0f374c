"""Pictures: bytes python-docx can measure, and alt text for screen readers and pandoc."""

from __future__ import annotations

import io
import warnings

from docx.image.image import Image as Header
from docx.shape import InlineShape
from PIL import Image

SANE_DPI = (24, 2400)
PLAIN_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")


def word_picture(data: bytes) -> bytes:
    """An image's bytes as Word should get them: unchanged when python-docx reads their header
    cleanly and finds a real size and a sane resolution, else decoded in full by Pillow and
    written again as a plain PNG (a CMYK JPEG, one without JFIF, a pHYs of 1 pixel a metre,
    broken EXIF, WebP). ValueError when even Pillow cannot decode them."""
    try:
        header = Header.from_blob(data)
        low, high = SANE_DPI
        if (
            header.content_type in ("image/png", "image/jpeg", "image/gif")
            and header.px_width > 0
            and header.px_height > 0
            and low <= header.horz_dpi <= high
            and low <= header.vert_dpi <= high
        ):
            return data
    except Exception:  # python-docx's header parsers raise many kinds on bad bytes
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # corrupt EXIF: the pixels are what matter
            picture = Image.open(io.BytesIO(data))
            picture.load()
            plain = picture if picture.mode in PLAIN_MODES else picture.convert("RGBA")
            if plain.width < 1 or plain.height < 1:
                raise ValueError("no pixels")
            converted = io.BytesIO()
            plain.save(converted, "PNG")
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ValueError("a damaged image") from exc
    return converted.getvalue()


def set_alt_text(shape: InlineShape, text: str) -> None:
    """The picture's description (Word's Alt Text pane)."""
    shape._inline.docPr.set("descr", text)
