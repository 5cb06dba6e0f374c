"""Fuzzing the image readers: Pillow-made PNG, JPEG, GIF, WebP, TIFF and BMP files, truncated
and with bytes overwritten, go through the sandbox's checks and the memo's picture path. Each
is refused with a reason or embedded; nothing else may happen (no other exception)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from briefexport.errors import ResourceError
from briefexport.sandbox.policy import ResourcePolicy, sniff
from briefexport.wordml.pictures import word_picture

FORMATS = {
    "PNG": {},
    "JPEG": {"exif": b"Exif\x00\x00II*\x00\x08\x00\x00\x00"},
    "GIF": {},
    "WEBP": {},
    "TIFF": {"compression": "tiff_deflate"},
    "BMP": {},
}
MODES = ("RGB", "L", "P", "RGBA", "CMYK", "1")


def made(kind: str, mode: str, width: int, height: int, dpi: float) -> bytes:
    image = Image.new(mode, (width, height))
    data = io.BytesIO()
    try:
        image.save(data, kind, dpi=(dpi, dpi), **FORMATS[kind])
    except (OSError, ValueError, KeyError):  # a mode this format cannot hold
        image.convert("RGB").save(data, kind, **FORMATS[kind])
    return data.getvalue()


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(sorted(FORMATS)))
    data = bytearray(
        made(
            kind,
            draw(st.sampled_from(MODES)),
            draw(st.integers(1, 40)),
            draw(st.integers(1, 40)),
            draw(st.sampled_from([0.0254, 1.0, 72.0, 300.0, 1e8])),
        )
    )
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(data)))
    return bytes(data[:cut] if draw(st.booleans()) else data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=damaged())
def test_a_damaged_image_is_refused_or_embedded(folder, data):
    path = folder / "image.bin"
    path.write_bytes(data)
    try:
        checked = ResourcePolicy(roots=(folder,)).read(path.as_uri())
    except ResourceError:
        return
    if sniff(checked[:1024]) not in ("png", "jpeg", "gif", "webp"):
        return
    try:
        picture = word_picture(checked)
    except ValueError:
        return
    docx.Document().add_picture(io.BytesIO(picture))
