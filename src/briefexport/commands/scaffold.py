"""``invoke new``: a new source with the full front matter, every key explained."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from briefexport.errors import BriefExportError
from briefexport.render.text import slugify

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
