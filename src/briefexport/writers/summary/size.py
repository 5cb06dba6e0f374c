"""How big a one-page summary is, without laying it out: shared by ``check``, which warns
before a build, and the summary writer, whose first guess it is."""

from __future__ import annotations

from briefexport.model import Article, Summary

FLOOR_PT = 9.0
"""The one-pager's body text is never smaller than this."""
FLOOR_CAPACITY = 6300
"""Characters, weighed as :func:`estimated_fill` weighs them, that fill the one-pager at the
floor (measured on letter paper)."""
LAY_OUT_FROM = 0.85
"""The estimated fill from which ``check`` lays the summary out, as the build does, rather
than trust the estimate: within 15% of a full page. The estimate runs high (a two-column
dense page holds about a tenth more), so no summary below it overflows."""


def summary_line(article: Article) -> int:
    """The line of the ``summary:`` key, or 1 when the summary is derived from the body."""
    return 1 if article.summary is None else article.front_matter_lines.get(("summary",), 1)


def estimated_fill(article: Article) -> float:
    """How much of its page the one-pager's content fills at the floor, from text lengths.

    Fitted to 300 real layouts (3% of the page off typically, 9% at worst): a character of a
    key point or recommendation counts 1, of the larger bottom line 1.4, of the title 3.5, of
    the subtitle 1.3; each item adds 80 (a part-empty last line, the space after it), each
    block 300 (its heading) and the QR code 250.
    """
    summary = article.effective_summary
    items = (summary.bottom_line, *summary.key_points, *summary.recommendations)
    blocks = 1 + bool(summary.key_points) + bool(summary.recommendations)
    chars = (
        sum(len(item) + 80 for item in items)
        + 0.4 * len(summary.bottom_line)
        + 300 * blocks
        + 3.5 * len(article.title)
        + 1.3 * len(article.subtitle)
        + 250 * bool(article.url)
    )
    return chars / FLOOR_CAPACITY


def summary_words(summary: Summary) -> dict[str, int]:
    """The words in each part of a summary, by front matter key."""
    return {
        "summary.bottom-line": count_words(summary.bottom_line),
        "summary.key-points": sum(map(count_words, summary.key_points)),
        "summary.recommendations": sum(map(count_words, summary.recommendations)),
    }


def shorten_hint(summary: Summary) -> str:
    """What to shorten in a summary too long for its page, the longest part first."""
    words = summary_words(summary)
    if summary.derived:
        return (
            f"the summary derived from the lede and section openings has "
            f"{sum(words.values()):,} words; write a shorter one under summary: in the front matter"
        )
    fields = sorted((item for item in words.items() if item[1]), key=lambda item: -item[1])
    return "shorten " + ", ".join(f"{name}: {count:,} words" for name, count in fields)


def count_words(text: str) -> int:
    """Words as a reader counts them."""
    return len(text.split())
