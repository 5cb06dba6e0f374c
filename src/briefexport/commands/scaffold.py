"""``new``: a source with the full front matter, every key explained; ``init``: a new project."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from briefexport.errors import BriefExportError
from briefexport.render.text import slugify
from briefexport.settings import PACKAGED

TEMPLATE = """---
# Required ------------------------------------------------------------------
title: {title}
date: {date}                        # YYYY-MM-DD; also the PDF's creation date
author:                                  # a name, a list of names, or mappings like this
  - name: {author}
    role: ""                             # shown under the name on the masthead
    bio: ""                              # printed at the end of the PDF and the memo
# Optional ------------------------------------------------------------------
# subtitle: ""
# short-title: ""                        # running head on pages after the first
publisher: {publisher}
# originally-published: ""               # "Originally published in ..."
categories: []
keywords: []
lang: en                                 # en, en-GB, ru, ...: hyphenation, quotes, labels
# url: https://...                       # the article online; QR code on the one-pager
# copyright: "© {year} {publisher_plain}"
summary:                                 # the one-pager and the memo's opening
  bottom-line: ""                        # one or two sentences
  key-points: []                         # 3 to 6 items, each under 40 words
  recommendations: []
# Figures go in the body as a paragraph of their own, the file beside this source:
#   ![What it shows, for screen readers](chart.png "The caption printed under it")
memo:
  to: Distribution
  # from: defaults to the authors
  # cc: ""
  # subject: defaults to the title
---

Write the article here. Footnotes look like this.[^1]

## A section heading

More text: *emphasis*, **strong**, [a link](https://example.org), lists, > quotes and tables.

[^1]: The footnote text.
"""


def new_source(
    folder: Path, title: str, author: str, publisher: str, today: dt.date | None = None
) -> Path:
    """Write ``folder/<slug>.md``; refuse to overwrite an existing file."""
    if not title.strip():
        raise BriefExportError('give a title: invoke new --title "..."')
    path = folder / f"{slugify(title)}.md"
    date = today or dt.date.today()
    text = TEMPLATE.format(
        title=json.dumps(title.strip(), ensure_ascii=False),
        date=date.isoformat(),
        author=json.dumps(author, ensure_ascii=False),
        year=date.year,
        publisher=json.dumps(publisher, ensure_ascii=False),
        publisher_plain=publisher,
    )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise BriefExportError(
            f"{path}: already exists; not overwritten (choose another title or edit that file)"
        ) from None
    return path


SKELETON = PACKAGED / "project"
PLACEHOLDER = "Your Institute"
RENAMED = {"gitignore": ".gitignore"}  # dotfiles are not package data


def project_files(name: str) -> dict[Path, str]:
    """A new project's files (relative path -> text): the packaged skeleton and the packaged
    brand, with the institute's name in place of the placeholder."""
    files = {
        Path(RENAMED.get(str(p.relative_to(SKELETON)), str(p.relative_to(SKELETON)))): p
        for p in sorted(SKELETON.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    texts = {path: source.read_text(encoding="utf-8") for path, source in files.items()}
    texts = {path: text.replace(PLACEHOLDER, name) for path, text in texts.items()}
    brand = (PACKAGED / "styles" / "brand.yaml").read_text(encoding="utf-8")
    quoted = json.dumps(name, ensure_ascii=False)
    texts[Path("styles/brand.yaml")] = re.sub(
        r"(?m)^(organisation|short-name):.*$", lambda m: f"{m[1]}: {quoted}", brand
    ).replace("# The packaged default brand. A project's own styles/brand.yaml replaces it.\n", "")
    return texts


def init_project(folder: Path, name: str) -> list[Path]:
    """Write a new project into ``folder`` (created if need be); never overwrite a file."""
    if not name.strip() or "\n" in name:
        raise BriefExportError('give the institute\'s name on one line: --name "..."')
    texts = {folder / path: text for path, text in project_files(name.strip()).items()}
    taken = [path for path in texts if path.exists()]
    if taken:
        raise BriefExportError(
            f"{taken[0]}: already exists; init never overwrites (choose a new or empty folder)"
        )
    for path, text in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(texts)
