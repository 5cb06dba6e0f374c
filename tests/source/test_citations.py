"""Citations and bibliographies: notes and entries word for word as Pandoc's own citeproc gives
them for the same source, in the HTML, the PDF (pdftotext) and the memo (pandoc reading it)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypandoc
import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from briefexport.build.manifest import referenced_files
from briefexport.commands.check import check_source
from briefexport.errors import SourceError
from briefexport.model import Article
from briefexport.render.html import HtmlRenderer
from briefexport.sandbox.policy import ResourcePolicy
from briefexport.settings import PACKAGED, Settings
from briefexport.source import bibliography
from briefexport.source.citations import PLAIN, markdown_inlines, parsed_inlines
from briefexport.source.citesyntax import Citation, bracketed, named_keys
from briefexport.source.reader import read_article
from briefexport.writers import writer
from conftest import FIXTURES, ROOT

HERE = FIXTURES / "citations"
STYLES = ROOT / "styles"
CHICAGO = PACKAGED / "styles" / "chicago-notes-bibliography.csl"
HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\nbibliography: refs.json\n---\n\n"


# -- Pandoc's own rendering of a source: the reference ------------------------------------


def stringify(node: Any) -> str:
    """The text of Pandoc JSON inlines or blocks, quotes as curly quotes, notes left out."""
    if isinstance(node, list):
        return "".join(stringify(item) for item in node)
    kind, content = node["t"], node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Note":
        return ""
    if kind == "Quoted":
        marks = "“”" if content[0]["t"] == "DoubleQuote" else "‘’"
        return marks[0] + stringify(content[1]) + marks[1]
    if kind in ("Span", "Div", "Link", "Cite"):
        return stringify(content[1])
    if kind in ("Para", "Plain") or isinstance(content, list):
        return stringify(content) + (" " if kind in ("Para", "Plain") else "")
    return ""


def pandoc_reference(source: Path, csl: Path) -> tuple[list[str], list[str]]:
    """Pandoc's notes (in order) and bibliography entries for a source, read by Pandoc itself."""
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), source.name, "--citeproc", f"--csl={csl}", "-t", "json"],
        cwd=source.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(result.stdout)
    refs = [b for b in doc["blocks"] if b["t"] == "Div" and b["c"][0][0] == "refs"]
    entries = [squash(stringify(e)) for e in refs[0]["c"][1]] if refs else []
    return notes_in([b for b in doc["blocks"] if b not in refs]), entries


def notes_in(node: Any) -> list[str]:
    """The text of every note in Pandoc JSON, in document order."""
    if isinstance(node, dict):
        here = [squash(stringify(node["c"]))] if node.get("t") == "Note" else []
        return here + notes_in(list(node.values()))
    return [note for item in node for note in notes_in(item)] if isinstance(node, list) else []


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- ours ------------------------------------------------------------------------------------


def html_of(article: Article) -> str:
    return str(HtmlRenderer(article, ResourcePolicy(roots=(article.folder,))).render())


def text_of(fragment: str) -> str:
    return squash(html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\u200b", ""))


def ours(article: Article) -> tuple[list[str], list[str]]:
    """The notes (in number order) and bibliography entries of our HTML."""
    page = html_of(article)
    notes = re.findall(r'<aside class="footnote" id="fn\d+"[^>]*>(.*?)</aside>', page, re.S)
    entries = re.findall(r'<p id="ref-[^"]*" class="csl-entry">(.*?)</p>', page)
    numbered = [re.sub(r"^\d+\. ", "", text_of(n)) for n in notes]  # the note's own number
    return numbered, [text_of(e) for e in entries]


CASES = {
    "article": (HERE / "article.md", CHICAGO),
    "ibid": (HERE / "ibid.md", HERE / "ibid.csl"),
    "apa": (HERE / "apa.md", HERE / "apa.csl"),
}


@pytest.fixture(scope="module")
def article() -> Article:
    return read_article(HERE / "article.md", STYLES)


@pytest.mark.parametrize("case", CASES)
def test_notes_and_entries_are_pandocs_word_for_word(case):
    source, csl = CASES[case]
    assert ours(read_article(source, STYLES)) == pandoc_reference(source, csl)


def test_the_fixture_cites_every_kind_of_work(article):
    notes, entries = ours(article)
    assert len(notes) == 23 and len(entries) == 21
    assert article.references is not None
    assert article.references.uncited == ("uncited2001",)
    kinds = {e["type"] for e in json.loads((HERE / "refs.json").read_text())}
    assert {"book", "article-journal", "report", "webpage", "article-newspaper"} <= kinds


def test_citation_notes_share_one_numbering_with_the_authors_notes(article):
    notes, _ = ours(article)
    assert notes[9].startswith("On the patronal logic see Hale,")  # the author's note, 10th
    assert 'fuel prices<a class="note-call" href="#fn1" id="fnref1">1</a>' in html_of(article)


def test_markdown_around_a_key_is_markdown_in_the_note(article):
    page = html_of(article)
    assert "See <em>especially</em> Alexander Cooley" in page
    assert "125, <strong>emphasis added</strong>.</p>" in page


@pytest.mark.parametrize(
    ("text", "inlines"),
    [
        (", p. 12", [("Str", ","), ("Space",), ("Str", "p."), ("Space",), ("Str", "12")]),
        ("see *a* **b**", [("Str", "see"), ("Space",), ("Emph", "a"), ("Space",), ("Strong", "b")]),
        (
            r"see \*a\* `x*`",
            [("Str", "see"), ("Space",), ("Str", "*a*"), ("Space",), ("Code", "x*")],
        ),
        ("[a](https://x.org)", [("Link", "a")]),
        (
            '"so" -- [not a link]',
            [
                ("Str", "“so”"),
                ("Space",),
                ("Str", "–"),
                ("Space",),
                ("Str", "[not"),
                ("Space",),
                ("Str", "a"),
                ("Space",),
                ("Str", "link]"),
            ],
        ),
    ],
)
def test_a_prefix_or_suffix_reaches_pandoc_as_inlines(text, inlines):
    def brief(inline: dict[str, Any]) -> tuple[str, ...]:
        kind, content = inline["t"], inline.get("c")
        if kind in ("Emph", "Strong"):
            return (kind, stringify(content))
        if kind in ("Code", "Link"):
            return (kind, content[1] if kind == "Code" else stringify(content[1]))
        return (kind, content) if content is not None else (kind,)

    assert [brief(i) for i in markdown_inlines(text, "en")] == inlines


def test_ibid_and_short_forms():
    notes, _ = ours(read_article(HERE / "ibid.md", STYLES))
    assert notes[1:3] == ["Ibid., 10.", "Ibid."]
    assert (
        notes[4]
        == "Cooley, Great Games, Local Rules: The New Great Power Contest in Central Asia, 11."
    )
    assert notes[5].endswith("and again (ibid).")  # in a note, mid-sentence: lower case


def test_author_date_citations_stay_in_the_text():
    article = read_article(HERE / "apa.md", STYLES)
    notes, entries = ours(article)
    page = text_of(html_of(article))
    assert "The contest is old (Cooley, 2012, p. 4), as Olcott (2010) and others" in page
    assert notes == ["Reporting (Troianovski & Ismay, 2022) said so."]  # the author's one note
    assert "References" in page and len(entries) == 6


# -- the outputs -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(article: Article, tmp_path_factory) -> dict[str, Path]:
    settings = Settings(project=ROOT)
    folder = tmp_path_factory.mktemp("cite")
    paths = {}
    for name, suffix in (("pdf", ".pdf"), ("memo", ".docx")):
        paths[name] = folder / f"article{suffix}"
        paths[name].write_bytes(writer(name).render(article, settings).data)
    return paths


def letters(text: str) -> str:
    """Text without spaces and hyphens: a PDF breaks lines and words where it likes."""
    return re.sub(r"[\s\-\u00ad\u200b]", "", text)


def test_pdf_has_pandocs_notes_and_entries(outputs):
    notes, entries = pandoc_reference(HERE / "article.md", CHICAGO)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(outputs["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    furniture = re.compile(
        r"^(Page \d+ of \d+|Citations in a Policy Brief|AMERICAN FOREIGN POLICY COUNCIL)$", re.M
    )
    flat = letters(furniture.sub("", text))
    for number, note in enumerate(notes, start=1):
        assert letters(f"{number}. {note}") in flat, note
    bibliography = flat[flat.index("Bibliography") :]
    positions = [bibliography.index(letters(entry)) for entry in entries]
    assert positions == sorted(positions)


def test_memo_has_pandocs_notes_and_entries_as_word_footnotes_and_styled_entries(outputs):
    notes, entries = pandoc_reference(HERE / "article.md", CHICAGO)
    doc = json.loads(pypandoc.convert_file(str(outputs["memo"]), "json", format="docx"))
    assert notes_in(doc["blocks"]) == notes
    marked = json.dumps(doc["blocks"])  # a prefix's and a suffix's Markdown, as Word runs
    assert '{"t": "Emph", "c": [{"t": "Str", "c": "especially"}]}' in marked
    assert '{"t": "Strong", "c": [{"t": "Str", "c": "emphasis"}, {"t": "Space"}' in marked
    styled = [
        p.text for p in Document(str(outputs["memo"])).paragraphs if p.style.name == "Bibliography"
    ]
    assert styled == entries


# -- bad input -------------------------------------------------------------------------------


@pytest.fixture
def cited(tmp_path: Path):
    """Write a citing source beside a copy of the fixture bibliography."""
    shutil.copy(HERE / "refs.json", tmp_path / "refs.json")

    def write(body: str, head: str = HEAD) -> Path:
        path = tmp_path / "a.md"
        path.write_text(head + body)
        return path

    return write


def error(path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        read_article(path, STYLES)
    return str(caught.value)


def test_unknown_key_is_an_error_at_its_line_with_a_suggestion(cited):
    path = cited("One [@cooley2012].\n\nTwo\nthree [@coley2012, 4].\n")
    assert error(path) == (
        f"{path}:11: unknown citation key '@coley2012' (did you mean '@cooley2012'?; "
        r"write \@ for a literal @)"
    )


SUMMARY = (
    "summary:\n"
    "  bottom-line: Old [@cooley2012, p. 4]; see @olcott2010.\n"
    "  key-points:\n"
    '    - "As *Olcott* showed [@olcott2010, 12]."\n'
    '    - "Again [@olcott2010, 14]."\n'
)
CITING_BODY = "Text [@olcott2010, 9].\n"


def test_summary_citations_are_written_out_in_an_author_date_style(cited, tmp_path):
    shutil.copy(HERE / "apa.csl", tmp_path / "apa.csl")
    head = HEAD.replace("---\n\n", f"csl: apa.csl\n{SUMMARY}---\n\n")
    summary = read_article(cited(CITING_BODY, head), STYLES).summary
    assert summary is not None
    assert summary.plain().bottom_line == "Old (Cooley, 2012, p. 4); see Olcott (2010)."
    assert summary.key_points == (
        "As *Olcott* showed \\(Olcott, 2010, p. 12\\).",
        "Again \\(Olcott, 2010, p. 14\\).",
    )


def test_summary_citations_in_a_note_style_are_short_notes_in_parentheses(cited):
    plain = read_article(cited(CITING_BODY), STYLES)
    article = read_article(cited(CITING_BODY, HEAD.replace("---\n\n", f"{SUMMARY}---\n\n")))
    assert article.summary is not None
    summary = article.summary.plain()
    cooley = "Great Games, Local Rules: The New Great Power Contest in Central Asia"
    assert summary.bottom_line == (  # a first citation in full, a later one short
        f"Old (Alexander Cooley, {cooley} (Oxford University Press, 2012), 4); "
        "see Olcott (Kazakhstan: Unfulfilled Promise?)."
    )
    assert summary.key_points == (  # never "Ibid.": the summary is read apart from the notes
        "As Olcott showed (Olcott, Kazakhstan: Unfulfilled Promise?, 12).",
        "Again (Olcott, Kazakhstan: Unfulfilled Promise?, 14).",
    )
    assert ours(article)[0] == ours(plain)[0]  # the body's notes as without the summary
    assert len(ours(article)[1]) == 2  # the bibliography lists what only the summary cites


def test_an_unknown_key_in_the_summary_is_an_error_at_its_item(cited):
    path = cited(
        CITING_BODY, HEAD.replace("---\n\n", SUMMARY.replace("14", "14; @nope") + "---\n\n")
    )
    assert error(path).startswith(f"{path}:10: unknown citation key '@nope'")


def test_malformed_entry_names_the_file_and_entry(cited, tmp_path):
    entries = json.loads((HERE / "refs.json").read_text())
    entries[2]["author"] = "Alexander Cooley"
    (tmp_path / "refs.json").write_text(json.dumps(entries, indent=1))
    message = error(cited("Text [@cooley2012].\n"))
    assert message.startswith(f"{tmp_path / 'refs.json'}:")
    assert "entry 'cooley2012': 'author' must be a list of names" in message


def test_a_bibliography_not_in_utf8_is_an_error_at_the_byte(cited, tmp_path):
    (tmp_path / "refs.json").write_bytes(b'[\n {"id": "cooley2012",\n  "title": "Caf\xe9"}\n]\n')
    assert error(cited("Text [@cooley2012].\n")) == (
        f"{tmp_path / 'refs.json'}:3: not valid UTF-8 (byte 0xe9) (save the file as UTF-8)"
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            "bibliography: ../refs.json\n",
            "bibliography '../refs.json' refused: outside the article's folder",
        ),
        (
            "bibliography: /etc/passwd.json\n",
            "bibliography '/etc/passwd.json' refused: outside the article's folder",
        ),
        ("bibliography: missing.json\n", "bibliography 'missing.json' refused: no such file"),
        ("bibliography: refs.txt\n", "bibliography 'refs.txt' is not a known format"),
        (
            "bibliography: refs.json\ncsl: ../style.csl\n",
            "style '../style.csl' refused: outside the article's folder",
        ),
        ("csl: style.csl\n", "'csl' without 'bibliography'"),
        ("bibliography: refs.json\nnocite: '@nobody'\n", "unknown citation key '@nobody'"),
        (
            "bibliography: refs.json\nlink-citations: yes please\n",
            "'link-citations' must be true or false",
        ),
    ],
)
def test_bad_front_matter(cited, head, expected):
    path = cited(
        "Text [@cooley2012].\n", "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n" + head + "---\n\n"
    )
    assert expected in error(path)


def test_without_the_extra_a_citing_source_says_what_to_install(cited, monkeypatch):
    monkeypatch.setattr(bibliography, "pandoc", lambda: None)
    path = cited("Text [@cooley2012].\n")
    assert error(path) == (
        f"{path}:5: citations need Pandoc's citeproc (pip install -e '.[citations]' "
        "(Pandoc's citeproc, from the pypandoc-binary wheel))"
    )


# -- formats, nocite, check, the manifest ----------------------------------------------------


def test_bibtex_and_csl_yaml_give_what_csl_json_gives(cited, tmp_path):
    (tmp_path / "refs.bib").write_text(
        "@book{cooley2012,\n  author = {Cooley, Alexander},\n"
        "  title = {Great Games, Local Rules: The New Great Power Contest in Central Asia},\n"
        "  publisher = {Oxford University Press}, address = {New York}, year = {2012}}\n"
    )
    (tmp_path / "refs.yaml").write_text(
        "references:\n- id: cooley2012\n  type: book\n  author: [{family: Cooley, given: Alexander}]\n"
        "  title: 'Great Games, Local Rules: The New Great Power Contest in Central Asia'\n"
        "  publisher: Oxford University Press\n  publisher-place: New York\n  issued: 2012\n"
    )
    results = []
    for name in ("refs.json", "refs.bib", "refs.yaml"):
        head = HEAD.replace("refs.json", name)
        results.append(ours(read_article(cited("Text [@cooley2012, 4].\n", head), STYLES)))
    assert results[0] == results[1] == results[2]
    assert results[0][0] == [
        "Alexander Cooley, Great Games, Local Rules: The New Great Power Contest in Central Asia (Oxford University Press, 2012), 4."
    ]


def test_nocite_lists_entries_without_citing_them(cited):
    head = HEAD.replace("---\n\n", "nocite: '@hale2015, @olcott2010'\n---\n\n")
    notes, entries = ours(read_article(cited("No citation here.\n", head), STYLES))
    assert notes == [] and [e.split(",")[0] for e in entries] == ["Hale", "Olcott"]
    everything = HEAD.replace("---\n\n", "nocite: '@*'\n---\n\n")
    assert len(ours(read_article(cited("Text.\n", everything), STYLES))[1]) == 22


def test_check_lists_uncited_entries_as_a_notice(cited):
    path = cited("Text [@cooley2012].\n")
    [finding] = [f for f in check_source(path, Settings(project=ROOT)) if f.severity == "notice"]
    assert finding.line == 5
    assert finding.text.startswith(
        "21 bibliography entries never cited, so not listed: cornell2018,"
    )


def test_the_bibliography_and_the_style_are_dependencies_of_every_output(article):
    assert referenced_files(article)[:2] == [HERE / "refs.json", CHICAGO]


def test_without_a_bibliography_an_at_sign_is_text(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nFollow @afpc [@x].\n")
    assert "Follow @afpc [@x]." in text_of(html_of(read_article(path)))


# -- the syntax ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "items"),
    [
        ("@a", [Citation("a")]),
        ("@a, p. 12", [Citation("a", suffix=", p. 12")]),
        (
            "see @a, chap. 3; -@b",
            [Citation("a", "see", ", chap. 3"), Citation("b", mode="SuppressAuthor")],
        ),
        ("@{doi:10.1/x-y}, 3", [Citation("doi:10.1/x-y", suffix=", 3")]),
        ("@doe:2020.x", [Citation("doe:2020.x")]),
        ("see also", None),
        ("mail a@b.com", None),
    ],
)
def test_bracketed_citations(content, items):
    cluster = bracketed(content)
    assert (cluster.items if cluster else None) == (tuple(items) if items else None)


def test_nocite_keys():
    assert named_keys("@a, @b.c and [@*]") == ("a", "b.c", "*")


def test_link_citations_point_at_entries_every_output_has(cited, tmp_path):
    head = HEAD.replace("---\n\n", "link-citations: true\n---\n\n")
    path = cited("Text [@cooley2012, 4] and [@hale2015].\n", head)
    article = read_article(path, STYLES)
    page = html_of(article)
    targets = set(re.findall(r'href="#(ref-[^"]+)"', page))
    assert targets == {"ref-cooley2012", "ref-hale2015"}
    assert all(f'<p id="{t}" class="csl-entry">' in page for t in targets)
    assert not [f for f in check_source(path, Settings(project=ROOT)) if "link" in f.text]
    memo = tmp_path / "memo.docx"
    memo.write_bytes(writer("memo").render(article, Settings(project=ROOT)).data)
    marks = {b.get(qn("w:name")) for b in Document(str(memo)).element.iter(qn("w:bookmarkStart"))}
    assert targets <= marks


def test_a_broken_bibtex_entry_is_located_in_its_file(cited, tmp_path):
    (tmp_path / "refs.bib").write_text(
        "@book{a,\n  title = {X},\n  author = {Y, Z}\n  year = 2000}\n"
    )
    message = error(cited("Text [@a].\n", HEAD.replace("refs.json", "refs.bib")))
    assert (
        message
        == f"{tmp_path / 'refs.bib'}:4: invalid biblatex: unexpected 'y' (check the entry there)"
    )


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aé1 ,.:;\u2013-"), max_size=10)
    | st.text(alphabet=st.sampled_from("ab1 ,.:;\u2013-_*(c)'\"\n\u00a0"), max_size=10)
)
def test_plain_locators_read_without_the_parser_as_with_it(text: str) -> None:
    assert markdown_inlines(text, "en") == parsed_inlines(text, "en")


def test_a_locator_is_plain() -> None:
    assert all(PLAIN.fullmatch(text) for text in (", 12", " pp. 3-5", ", ch. 2: 4–6", ""))
    assert not any(PLAIN.fullmatch(text) for text in ("a..", "1--2", ",,", "(c)", "_a_"))
