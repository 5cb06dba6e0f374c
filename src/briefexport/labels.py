"""The fixed words of every output, per language (the article's ``lang``)."""

from __future__ import annotations

import datetime as dt

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "page": "Page",
        "of": "of",
        "originally": "Originally published in",
        "about_author": "About the author",
        "about_authors": "About the authors",
        "executive_summary": "Executive Summary",
        "bottom_line": "Bottom line",
        "key_points": "Key points",
        "recommendations": "Recommendations",
        "memorandum": "MEMORANDUM",
        "to": "TO",
        "from": "FROM",
        "cc": "CC",
        "date": "DATE",
        "subject": "SUBJECT",
        "read_full": "Read the full article",
        "by": "By",
        "figure": "Figure",
        "table": "Table",
        "section": "Section",
        "contents": "Contents",
        "key_takeaways": "Key takeaways",
        "bibliography": "Bibliography",
        "references": "References",
    },
    "ru": {
        "page": "Страница",
        "of": "из",
        "originally": "Впервые опубликовано в издании",
        "about_author": "Об авторе",
        "about_authors": "Об авторах",
        "executive_summary": "Краткое изложение",
        "bottom_line": "Главное",
        "key_points": "Основные положения",
        "recommendations": "Рекомендации",
        "memorandum": "СЛУЖЕБНАЯ ЗАПИСКА",
        "to": "КОМУ",
        "from": "ОТ",
        "cc": "КОПИЯ",
        "date": "ДАТА",
        "subject": "ТЕМА",
        "read_full": "Полный текст статьи",
        "by": "Автор:",
        "figure": "Рисунок",
        "table": "Таблица",
        "section": "Раздел",
        "contents": "Содержание",
        "key_takeaways": "Главные выводы",
        "bibliography": "Библиография",
        "references": "Список литературы",
    },
}


def labels(lang: str) -> dict[str, str]:
    """The labels for a language tag, falling back to English."""
    return LABELS.get(lang.split("-")[0].lower(), LABELS["en"])


MONTHS_RU_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def long_date(date: dt.date, lang: str) -> str:
    """The date written out the way the language writes it: "January 24, 2022"."""
    language, _, region = lang.lower().partition("-")
    if language == "ru":
        return f"{date.day} {MONTHS_RU_GENITIVE[date.month - 1]} {date.year} г."
    if region in DAY_FIRST_ENGLISH:
        return f"{date.day} {date:%B} {date.year}"
    return f"{date:%B} {date.day}, {date.year}"


DAY_FIRST_ENGLISH = {"gb", "au", "nz", "ie", "za", "in"}
