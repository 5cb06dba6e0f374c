"""A summary derived from the body fits one page by construction; a summary that cannot fit
fails its article without holding back the PDF and memo."""

from __future__ import annotations

from pathlib import Path

from briefexport.build.pipeline import build
from briefexport.model import BOTTOM_LINE_WORDS, KEY_POINTS, derive_summary, summary_warning
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from conftest import FIXTURES, ROOT

FRONT = "---\ntitle: A Long Report\ndate: 2024-05-01\nauthor: Jane Doe\n---\n\n"
WORDS = ["freight", "customs", "corridor", "tariff", "ledger", "manifest", "broker", "audit"]


def sentence(seed: int, words: int) -> str:
    text = " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(words))
    return text[0].upper() + text[1:] + "."


def long_report(sections: int) -> str:
    """An opening of 200 words, then sections whose leads open with sentences of 12 to 52
    words, and a one-sentence sign-off."""
    body = [" ".join(sentence(i, 20) for i in range(10))]
    for index in range(sections):
        body += [f"## Section {index + 1}", sentence(index, 12 + 8 * (index % 6)) + " More."]
    body += ["## Next steps", "We will send a fuller assessment after the autumn meeting."]
    return FRONT + "\n\n".join(body) + "\n"


def test_derived_summary_takes_what_fits_and_says_so(write_source):
    article = read_article(write_source(long_report(20)))
    summary = derive_summary(article.body)
    assert len(summary.bottom_line.split()) <= BOTTOM_LINE_WORDS
    assert summary.bottom_line.startswith("Freight customs corridor")
    assert len(summary.key_points) == KEY_POINTS
    assert all(len(point.split()) <= 40 for point in summary.key_points)
    assert not any("autumn meeting" in point for point in summary.key_points)
    assert summary.omitted == 14
    notice = summary_warning(article)
    assert notice and notice.text == (
        "no summary in the front matter; the one-pager's is derived from the opening and 6 "
        "section leads; 14 more left out so it fits one page (write summary: in the front "
        "matter to choose)"
    )


def test_never_a_sign_off_a_heading_line_a_field_a_name_or_a_figure(write_source):
    article = read_article(
        write_source(
            FRONT + "![A chart](chart.png)\n\n**Subject:** The plan for the corridor ports.\n\n"
            "Anne Example\\\nDirector of Research, Corridor Studies Program\n\n"
            "The opening says what matters most here.\n\n"
            "## Findings\n\n**A bold line standing in for a heading**\n\n"
            "The finding that matters comes first. Then detail.\n\n"
            "## Outlook\n\nWe look forward to your comments on the draft, as always."
            " Thank you.\n\n## Close\n\nSee you in the autumn.\n"
        )
    )
    summary = derive_summary(article.body)
    assert summary.bottom_line == "The opening says what matters most here."
    assert summary.key_points == ("The finding that matters comes first.",)


def test_every_real_length_builds_all_three_outputs(tmp_path: Path):
    source = tmp_path / "report.md"
    source.write_text(long_report(40), encoding="utf-8")
    report = build([source], tmp_path / "out", Settings(project=ROOT), jobs=1)
    assert report.ok, report.failed[0].error
    [result] = report.results
    assert [o.format for o in result.outputs] == ["pdf", "memo", "summary"]


def test_an_authored_summary_too_long_keeps_the_pdf_and_memo(tmp_path: Path):
    dense = (FIXTURES / "summary-dense.md").read_text(encoding="utf-8")
    source = tmp_path / "brief.md"
    source.write_text(
        dense.replace(
            "key-points:",
            "key-points:" + "\n    - ".join([""] + [sentence(i, 38) for i in range(30)]),
            1,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    report = build([source], out, Settings(project=ROOT), jobs=1)
    [failed] = report.failed
    assert "summary overflows one page" in failed.error
    assert f"'invoke pdf --source {source} memo --source {source}'" in failed.error
    assert sorted(p.name for p in (out / "brief").iterdir()) == ["brief-memo.docx", "brief.pdf"]


MARKDOWN_SUMMARY = """---
title: Markdown in the Summary
date: 2024-05-01
author: Jane Doe
summary:
  bottom-line: "The council's *new* plan, with [AFPC](https://www.afpc.org) and `HS 8542`."
  key-points:
    - "A **bold** claim about [the corridor](https://example.org/corridor)."
    - "A link that must stay text: [x](javascript:alert(1))."
  recommendations:
    - "Publish the _tables_ every quarter."
---

The body.
"""


def test_summary_fields_accept_inline_markdown_in_all_three_outputs(tmp_path: Path):
    import docx
    from pypdf import PdfReader

    from briefexport.commands.verify import verify_article

    source = tmp_path / "md.md"
    source.write_text(MARKDOWN_SUMMARY, encoding="utf-8")
    out = tmp_path / "out"
    assert build([source], out, Settings(project=ROOT), jobs=1).ok
    article = read_article(source)
    for finding in verify_article(article, out, ["pdf", "memo", "summary"], "AFPC"):
        assert finding.ok, (finding.path.name, finding.missing, finding.problems)
    summary = PdfReader(out / "md" / "md-summary.pdf")
    text = summary.pages[0].extract_text()
    assert "The council’s new plan, with AFPC and HS 8542." in " ".join(text.split())
    assert not {"*", "`", "[", "javascript"} & set(text.split()) and "](" not in text
    links = [a.get_object()["/A"]["/URI"] for a in summary.pages[0]["/Annots"]]
    assert "https://www.afpc.org" in links and not any("javascript" in u for u in links)
    memo = docx.Document(str(out / "md" / "md-memo.docx"))
    [bottom] = [p for p in memo.paragraphs if p.text.startswith("The council")]
    assert bottom.text == "The council’s new plan, with AFPC and HS 8542."
    assert [r.text for r in bottom.runs if r.italic] == ["new"]
    [point] = [p for p in memo.paragraphs if p.text.startswith("A ")][:1]
    assert [r.text for r in point.runs if r.bold] == ["bold"]
