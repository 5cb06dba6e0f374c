"""``invoke check``: findings at their own lines, and a summary check that agrees with the build."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from briefexport.commands import check
from briefexport.commands.check import check_source
from briefexport.errors import LayoutError
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers.summary.writer import SummaryWriter
from conftest import FIXTURES, KAZAKHSTAN, ROOT

HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n"
PROSE = (
    "Regional governments want Western partners for critical minerals and transparent contracts "
    "and reliable Caspian freight routes that bypass Russian rail networks entirely."
)


def sentence(words: int, offset: int = 0) -> str:
    """``words`` words of plausible prose."""
    vocabulary = PROSE.split()
    return " ".join(vocabulary[(offset + i) % len(vocabulary)] for i in range(words))


def summary_yaml(bottom_line: int, key_points: list[int], recommendations: list[int]) -> str:
    """A ``summary:`` block whose items have the given numbers of words."""
    lines = ["summary:", f"  bottom-line: {sentence(bottom_line)}", "  key-points:"]
    lines += [f"    - {sentence(n, i)}" for i, n in enumerate(key_points)]
    if recommendations:
        lines.append("  recommendations:")
        lines += [f"    - {sentence(n, i + 3)}" for i, n in enumerate(recommendations)]
    return "\n".join(lines) + "\n"


def findings(path: Path) -> list[str]:
    return [str(f).removeprefix(f"{path}:") for f in check_source(path, Settings(project=ROOT))]


def test_each_image_is_reported_at_its_own_line(write_source):
    path = write_source(
        HEAD
        + "summary:\n  bottom-line: B\n---\n\n"
        + "- A chart ![Growth](x.png)\n  described here,\n  then again ![](x.png)\n"
        + "  and once more ![](y.png).\n"
    )
    Image.new("RGB", (4, 4)).save(path.parent / "x.png")
    assert findings(path) == [
        "11: warning: image 'x.png' has no alt text "
        "(describe it for screen readers: ![description](file))",
        "12: warning: image 'y.png' has no alt text "
        "(describe it for screen readers: ![description](file))",
        "12: error: image 'y.png' refused: no such file",
    ]


def test_dead_anchor_is_reported_at_the_line_of_its_link(write_source):
    path = write_source(
        HEAD + "summary:\n  bottom-line: B\n---\n\n# Background\n\nSee the\nnext section, "
        "[Background](#background-3),\nfor more.\n\n# Background\n\nText.\n"
    )
    assert findings(path) == ["12: warning: link to '#background-3': no such heading"]


def test_long_items_are_reported_at_their_lines_in_numeric_order(write_source):
    long_point = sentence(45)
    path = write_source(
        HEAD
        + "summary:\n  bottom-line: B\n  key-points:\n"
        + "".join(f"    - {long_point}\n" if i != 2 else "    - short\n" for i in range(12))
        + f"  recommendations:\n    - short\n    - {sentence(61)}\n---\n\nText.\n"
    )
    assert findings(path) == [
        "7: warning: summary has 12 key points (keep 6 or fewer: a reader takes in a few at a "
        "glance)",
        *(
            f"{n + 7}: warning: key point {n} has 45 words (keep it under 40)"
            for n in range(1, 13)
            if n != 3
        ),
        "22: warning: recommendation 2 has 61 words (keep it under 60)",
    ]


def test_items_on_one_line_are_in_numeric_order(write_source):
    points = ", ".join([sentence(45)] * 11)
    path = write_source(
        HEAD + f"summary:\n  bottom-line: B\n  key-points: [{points}]\n---\n\nText.\n"
    )
    assert findings(path) == [
        *(f"7: warning: key point {n} has 45 words (keep it under 40)" for n in range(1, 12)),
        "7: warning: summary has 11 key points (keep 6 or fewer: a reader takes in a few at a "
        "glance)",
    ]


def test_summary_overflow_is_reported_at_the_summary_key(write_source, settings):
    path = write_source(HEAD + "lang: en\n" + summary_yaml(60, [90] * 6, [80] * 6) + "---\n\nT.\n")
    with pytest.raises(LayoutError) as caught:
        SummaryWriter().fit(read_article(path), settings)
    assert str(caught.value).startswith(f"{path}:6: summary overflows one page by ")


@pytest.mark.parametrize(
    ("shape", "refused"),
    [
        ((60, [40] * 7, [32] * 5), False),  # 500 words: fits at the 9 pt floor, in two columns
        ((40, [38] * 6, [34] * 6), False),  # 472 words
        ((120, [80] * 3, [75] * 2), False),  # 510 words in a few long items
        ((40, [20] * 12, [15] * 14), False),  # 490 words in many short items
        ((60, [45] * 8, [40] * 6), True),  # 660 words: over by a few percent
        ((150, [90] * 4, [90] * 3), True),  # 780 words in long items
    ],
)
def test_check_and_build_agree_on_the_summary(write_source, settings, shape, refused):
    source = (FIXTURES / "summary-dense.md").read_text(encoding="utf-8")
    head, _, rest = source.partition("summary:\n")
    path = write_source(head + summary_yaml(*shape) + rest[rest.index("memo:") :])
    errors = [f for f in findings(path) if ": error: " in f]
    try:
        SummaryWriter().fit(read_article(path), settings)
    except LayoutError as exc:
        assert refused, exc
        assert errors == [str(exc).removeprefix(f"{path}:").replace("14: ", "14: error: ", 1)]
    else:
        assert not refused
        assert errors == []


@pytest.mark.parametrize(
    "path",
    [KAZAKHSTAN, *sorted((ROOT / "tests" / "articles").glob("*.md")), *FIXTURES.glob("*.md")],
    ids=lambda p: p.stem,
)
def test_no_length_warning_for_summaries_that_fit(path):
    assert not [f for f in findings(path) if "overflows" in f or "recommendation" in f]


def test_check_keeps_to_the_time_budget(settings, monkeypatch):
    """check reads, parses and may lay out the summary: an article that takes longer than the
    time budget is one located error, not a hang. The summary's check is made to outlast the
    budget: with everything cached, a real check can end before the shortest timer fires."""
    upstream = check.summary_findings

    def slow(*args: object) -> object:
        time.sleep(0.2)
        return upstream(*args)

    monkeypatch.setattr(check, "summary_findings", slow)
    [finding] = check_source(KAZAKHSTAN, replace(settings, time_budget=0.01))
    assert (finding.path, finding.line, finding.severity) == (KAZAKHSTAN, 1, "error")
    assert finding.text == "checking it took over 0.01 s, the time budget"
    assert "--time-budget" in finding.hint
