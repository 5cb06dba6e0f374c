"""Saving zips python-docx's members once, giving what ``document.save`` rewritten gives."""

from __future__ import annotations

import datetime as dt
import io

import docx

from briefexport.wordml.package import normalise_zip, save
from conftest import FIXTURES


def test_saving_once_gives_the_bytes_of_saving_and_rewriting() -> None:
    document = docx.Document()
    document.add_paragraph("Hello ", "Title").add_run("world").bold = True
    document.add_picture(str(FIXTURES / "memo" / "chart.png"))
    when = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    stream = io.BytesIO()
    document.save(stream)
    assert save(document, when) == normalise_zip(stream.getvalue(), when)
