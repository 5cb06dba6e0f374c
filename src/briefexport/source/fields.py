"""The article's front matter keys (Pandoc/Quarto names, kebab-case) and what each must hold:
the fields of an :class:`Article`, the authors, the summary and the memo header."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from briefexport.model import Author, Memo, Summary
from briefexport.source.citesyntax import named_keys
from briefexport.source.values import Values, is_blank

REQUIRED = ("title", "date", "author")
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_TOC = 6
MAX_URL = 2000  # bytes; a QR code (level M) holds 2,331
FIRST_DATE, LAST_DATE = dt.date(1980, 1, 1), dt.date(2107, 12, 31)  # a DOCX's zip dates


class Validator(Values):
    """Turns the raw mapping into typed :class:`Article` fields, or raises at the right line."""

    def date(self, value: Any, key: tuple[str, ...]) -> dt.date:
        if isinstance(value, dt.datetime):
            date = value.date()
        elif isinstance(value, dt.date):
            date = value
        else:
            try:
                date = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise self.fail(
                    key,
                    f"'date' is not a valid date: {str(value)!r}",
                    "write it as YYYY-MM-DD, e.g. 2022-01-24",
                ) from None
        if not FIRST_DATE <= date <= LAST_DATE:
            raise self.fail(
                key,
                f"'date' {date.isoformat()} is outside what every output can carry",
                f"give a date from {FIRST_DATE.year} to {LAST_DATE.year}",
            )
        return date

    def author(self, value: Any, key: tuple[str, ...]) -> tuple[Author, ...]:
        items = value if isinstance(value, list) else [value]
        if not items:
            raise self.fail(key, "'author' is empty", "give at least one name")
        authors = []
        for index, item in enumerate(items):
            item_key = (*key, str(index)) if isinstance(value, list) else key
            if isinstance(item, dict):
                self.check_keys(item, ("name", "role", "bio"), item_key, required=("name",))
                authors.append(
                    Author(
                        name=self.prose(item["name"], (*item_key, "name")),
                        role=self.optional(item, "role", item_key),
                        bio=self.optional(item, "bio", item_key),
                    )
                )
            else:
                authors.append(Author(name=self.prose(item, item_key)))
        return tuple(authors)

    def summary(self, value: Any, key: tuple[str, ...]) -> Summary | None:
        data = self.mapping(value, key)
        if all(is_blank(item) for item in data.values()):
            return None
        self.check_keys(
            data, ("bottom-line", "key-points", "recommendations"), key, required=("bottom-line",)
        )
        return Summary(  # inline Markdown, smartened when it is parsed
            bottom_line=self.string(data["bottom-line"], (*key, "bottom-line")),
            key_points=self.list_or_empty(data, "key-points", key, markdown=True),
            recommendations=self.list_or_empty(data, "recommendations", key, markdown=True),
        )

    def memo(self, value: Any, key: tuple[str, ...]) -> Memo:
        data = self.mapping(value, key)
        self.check_keys(data, ("to", "from", "cc", "subject"), key)
        joined = {name: "; ".join(self.list_or_empty(data, name, key)) for name in data}
        return Memo(
            to=joined.get("to", ""),
            sender=joined.get("from", ""),
            cc=joined.get("cc", ""),
            subject=joined.get("subject", ""),
        )

    def keys(self, value: Any, key: tuple[str, ...]) -> tuple[str, ...]:
        """Citation keys, as ``nocite`` lists them: ``"@a, @b"``, ``"@*"`` or a list."""
        text = " ".join(self.files(value, key, names=False))
        found = named_keys(text)
        if not found:
            raise self.fail(key, f"'{key[-1]}' names no citation key", "write '@key' or '@*'")
        return found

    def lang(self, value: Any, key: tuple[str, ...]) -> str:
        text = self.string(value, key)
        if not LANG_TAG.match(text):
            raise self.fail(
                key, f"'lang' is not a language tag: {text!r}", "write e.g. en, en-GB, ru"
            )
        return text

    def toc_depth(self, value: Any, key: tuple[str, ...]) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TOC:
            raise self.fail(
                key,
                f"'toc-depth' must be a whole number from 1 to {MAX_TOC}, not {value!r}",
                "write e.g. toc-depth: 2 (sections and their subsections)",
            )
        return value

    def url(self, value: Any, key: tuple[str, ...]) -> str:
        text = self.string(value, key)
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", text):
            raise self.fail(key, f"'url' is not a web address: {text!r}", "write https://...")
        if len(text.encode()) > MAX_URL:
            raise self.fail(
                key,
                f"'url' is {len(text.encode()):,} bytes long, too long for a QR code",
                f"give a shorter address, {MAX_URL:,} bytes at most",
            )
        return text

    def article_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate the whole front matter; keys are kebab-case, fields snake_case."""
        self.check_keys(data, tuple(FIELDS), (), required=REQUIRED)
        if data.get("lang") is not None:
            self.language = self.lang(data["lang"], ("lang",))
        fields: dict[str, Any] = {"lang": self.language}
        for key, value in data.items():
            if is_blank(value):
                continue
            name, convert = FIELDS[key]
            fields[name] = convert(self, value, (key,))
        return fields


Convert = Callable[[Validator, Any, tuple[str, ...]], Any]
FIELDS: dict[str, tuple[str, Convert]] = {
    "title": ("title", Validator.headline),
    "subtitle": ("subtitle", Validator.headline),
    "short-title": ("short_title", Validator.headline),
    "date": ("date", Validator.date),
    "author": ("authors", Validator.author),
    "publisher": ("publisher", Validator.prose),
    "originally-published": ("originally_published", Validator.prose),
    "categories": ("categories", Validator.strings),
    "keywords": ("keywords", Validator.strings),
    "lang": ("lang", Validator.lang),
    "url": ("url", Validator.url),
    "copyright": ("copyright", Validator.prose),
    "summary": ("summary", Validator.summary),
    "memo": ("memo", Validator.memo),
    "toc": ("toc", Validator.flag),
    "toc-depth": ("toc_depth", Validator.toc_depth),
    "bibliography": ("bibliography", Validator.files),
    "csl": ("csl", Validator.file_name),
    "link-citations": ("link_citations", Validator.flag),
    "nocite": ("nocite", Validator.keys),
}
