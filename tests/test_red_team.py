"""Red team of the surfaces added after the second hardening round (issue 12): citations,
SVG in the memo, fonts, project discovery, the manifest. Each attack uses a canary outside
the article's folder; nothing of it may be read, revealed or embedded, and no input may hang,
crash or take the batch down."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx.shared import Emu
from PIL import Image

from briefexport.build.manifest import referenced_files
from briefexport.commands.check import check_source
from briefexport.commands.scaffold import init_project
from briefexport.errors import BriefExportError, SourceError
from briefexport.sandbox.images import ImageRef
from briefexport.sandbox.policy import ResourcePolicy
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.writers.memo.images import CSS_PIXEL, Picture, fallback_png, svg_size
from conftest import FIXTURES, ROOT

CITATIONS = FIXTURES / "citations"
CANARY = "CANARY-7f3a9e-SECRET"
HEAD = (
    "---\ntitle: T\ndate: 2024-01-01\nauthor: A\nbibliography: {bib}\n{extra}---\n\n"
    "Something happened [@icg2022].\n"
)
DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Dependent</title><id>x</id>
    <link href="{parent}" rel="independent-parent"/>
    <updated>2020-01-01T00:00:00+00:00</updated></info>
</style>
"""


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the article's holding the canary: a text file and a valid style."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(CANARY + "\n")
    style = (CITATIONS / "apa.csl").read_text(encoding="utf-8")
    (folder / "secret.csl").write_text(style.replace("<title>", f"<title>{CANARY} "))
    return folder


@pytest.fixture
def article_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "article"
    folder.mkdir()
    shutil.copy(CITATIONS / "refs.json", folder / "refs.json")
    return folder


def source(folder: Path, bib: str = "refs.json", extra: str = "") -> Path:
    path = folder / "a.md"
    path.write_text(HEAD.format(bib=bib, extra=extra), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        read_article(path, ROOT / "styles")
    return str(caught.value)


@pytest.mark.parametrize("target", ["secret.txt", "secret.csl", "missing.csl"])
def test_a_dependent_style_cannot_make_pandoc_read_outside(article_folder, outside, target):
    """Pandoc fetched the parent of a dependent style from any address, and quoted it."""
    parent = (outside / target).as_uri()
    (article_folder / "dep.csl").write_text(DEPENDENT.format(parent=parent))
    message = refusal(source(article_folder, extra="csl: dep.csl\n"))
    assert message.endswith(
        ":6: style 'dep.csl' refused: a dependent style (Pandoc would fetch its parent from "
        "its link) (use an independent CSL style, beside the source)"
    )
    assert CANARY not in message


def test_a_style_with_a_dtd_is_refused(article_folder, outside):
    entity = f'<!DOCTYPE style [<!ENTITY p "{(outside / "secret.csl").as_uri()}">]>'
    style = DEPENDENT.format(parent="&p;").replace("<style", entity + "\n<style", 1)
    (article_folder / "dep.csl").write_text(style)
    message = refusal(source(article_folder, extra="csl: dep.csl\n"))
    assert "refused: it declares a DTD" in message


def test_an_independent_style_beside_the_source_still_works(article_folder):
    shutil.copy(CITATIONS / "apa.csl", article_folder / "apa.csl")
    article = read_article(source(article_folder, extra="csl: apa.csl\n"), ROOT / "styles")
    assert article.references is not None


def laughs(levels: int) -> str:
    """CSL YAML whose one note is ``9 ** levels`` words, in a few hundred bytes."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    entry = f"- id: icg2022\n  type: book\n  title: T\n  note: *l{levels}"
    return "\n".join(lines) + "\nreferences:\n" + entry + "\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("lol.yaml", laughs(11), "lol.yaml:2: invalid YAML: found an alias (*l0)"),
        ("deep.yaml", "- " + "[" * 20_000 + "]" * 20_000, "deep.yaml:1: invalid YAML: nested"),
        ("deep.json", "[" * 200_000 + "]" * 200_000, "deep.json:1: invalid JSON: nested"),
        ("deep2.json", "[" * 50 + "]" * 50, "deep2.json:1: invalid JSON: nested"),
        (
            "big.json",
            f'[{{"id": "k", "volume": {"9" * 5000}}}]',
            "big.json:1: invalid JSON: a number",
        ),
        ("big.yaml", f"- id: k\n  volume: {'9' * 5000}\n", "big.yaml:1: invalid YAML: a number"),
        ("null.json", "null", "null.json:1: not a list of entries"),
    ],
)
def test_a_small_bibliography_cannot_hang_or_crash_the_reader(
    article_folder, name, content, expected
):
    """472 bytes of YAML aliases ran check past 100 s; deep nesting was a RecursionError, a
    number of 5,000 digits a ValueError ('a bug: please report it')."""
    (article_folder / name).write_text(content)
    assert expected in refusal(source(article_folder, bib=name))


def test_pandoc_has_a_heap_cap(article_folder):
    """A kilobyte of BibTeX ``@string`` doublings took Pandoc to 4 GB in 10 s."""
    strings = ['@string{s0 = "xxxxxxxxxx"}']
    strings += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, 40)]
    entry = "@book{icg2022, title = s39, author = {A, B}, year = 2000}"
    (article_folder / "bomb.bib").write_text("\n".join([*strings, entry]) + "\n")
    assert "bomb.bib:1: invalid biblatex: Pandoc needed over 512 MB" in refusal(
        source(article_folder, bib="bomb.bib")
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose styles/ holds a picture no article was given."""
    folder = tmp_path / "project"
    (folder / "styles").mkdir(parents=True)
    (folder / "source").mkdir()
    shutil.copy(ROOT / "styles" / "brand.yaml", folder / "styles")
    Image.new("RGB", (40, 40), (200, 0, 0)).save(folder / "styles" / "signature.png")
    return folder


def test_an_article_cannot_embed_the_projects_files(project):
    """``![x](../styles/signature.png)`` was embedded in every output, with no warning, and
    listed in the manifest: the article's policy allowed the project's templates and styles."""
    article = project / "source" / "a.md"
    article.write_text(
        "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n![sig](../styles/signature.png)\n"
    )
    settings = Settings(project=project)
    messages = [f.text for f in check_source(article, settings)]
    assert "image '../styles/signature.png' refused: outside the article's folder" in messages
    assert referenced_files(read_article(article)) == []


@pytest.mark.parametrize("where", ["file/x", "--help"])
def test_init_into_a_weird_folder_is_one_line(tmp_path, monkeypatch, where):
    """``init /dev/null/x`` was "NotADirectoryError ... (a bug: please report it)", and
    ``invoke init --help`` made a project named ``--help`` (one was committed to main)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(BriefExportError) as caught:
        init_project(Path(where), "Institute")
    assert str(caught.value).startswith(f"{where}")
    assert not (tmp_path / "--help").exists()


def test_the_manifest_records_the_bibliography_that_was_read(article_folder):
    """``bibliography: "r%65fs.json"`` read refs.json but recorded ``r%65fs.json``, a file
    that does not exist: an edit to refs.json then left every output "up to date"."""
    article = read_article(source(article_folder, bib='"r%65fs.json"'), ROOT / "styles")
    assert referenced_files(article)[0] == article_folder / "refs.json"


@pytest.mark.parametrize("extra", ['csl: "a\\nerror: forged.csl"\n', "csl: |\n  a\n  error: x\n"])
def test_a_file_name_cannot_forge_an_output_line(article_folder, extra):
    """A line break in ``csl:`` was printed as is: the message's second line began 'error:'."""
    message = refusal(source(article_folder, extra=extra))
    assert "\n" not in message
    assert message.endswith(
        "'csl' contains a line break or tab (U+000A) (write the file name on one line)"
    )


def test_a_style_whose_macros_call_each_other_is_bounded(article_folder):
    """Two macros calling each other took Pandoc to 1.7 GB in 10 s, and on until its 30 s."""
    macros = "".join(
        f'<macro name="{a}"><group><text macro="{b}"/><text macro="{b}"/></group></macro>'
        for a, b in (("a", "b"), ("b", "a"))
    )
    layout = '<layout><text macro="a"/></layout>'
    style = DEPENDENT.replace('    <link href="{parent}" rel="independent-parent"/>\n', "")
    style = style.replace("</style>", f"{macros}<citation>{layout}</citation></style>")
    (article_folder / "rec.csl").write_text(style)
    message = refusal(source(article_folder, extra="csl: rec.csl\n"))
    assert message.endswith(
        ":5: Pandoc could not format the citations: Pandoc needed over 512 MB "
        "(check the style and the bibliography)"
    )


SVG = '<svg xmlns="http://www.w3.org/2000/svg" {}>{}</svg>'
ODD_SVGS = {
    "arc": '<path d="M0 0 A 1e308 1e308 0 1 1 5 5"/>',
    "dash": '<rect width="5" height="5" stroke="red" stroke-dasharray="-1 2"/>',
    "font": '<text font-size="1e308" x="1" y="1">x</text>',
    "mask": '<defs><mask id="m"><rect width="5" height="5" mask="url(#m)"/></mask></defs>'
    '<rect width="5" height="5" mask="url(#m)"/>',
    "percent": '<rect width="%" height="5%%"/>',
}


@pytest.mark.parametrize("name", ODD_SVGS)
def test_an_svg_cairosvg_fails_on_is_a_value_error(tmp_path, name):
    """CairoSVG raised CairoError, OverflowError, RecursionError...: the memo failed its
    article with 'a bug: please report it', and the PDF and summary were lost with it."""
    path = tmp_path / f"{name}.svg"
    path.write_text(SVG.format('width="40" height="40"', ODD_SVGS[name]))
    policy = ResourcePolicy(roots=(tmp_path,))
    data = path.read_bytes()  # the sandbox refuses the huge numbers first; not relied on here
    picture = Picture(data, True, *svg_size(data), ImageRef(path.as_uri(), "svg", "", 1))
    with pytest.raises(ValueError, match="CairoSVG cannot draw it"):
        fallback_png(picture, Emu(381000), Emu(381000), policy)


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="1e999" height="10"', None),
        ('viewBox="0 0 1e-320 1"', None),
        ('width="1e300" height="1e-300"', (round(1e300 * CSS_PIXEL), 1)),
    ],
)
def test_an_svg_size_is_finite_and_never_zero(attributes, size):
    """``width="1e999"`` was an OverflowError in the memo; a size of 0 EMU divides by zero."""
    data = SVG.format(attributes, "").encode()
    if size is None:
        with pytest.raises(ValueError, match="too large to be a size"):
            svg_size(data)
    else:
        assert svg_size(data) == size


def test_verify_goes_on_past_an_unreadable_source_and_a_corrupt_output(article_folder, tmp_path):
    """One source that could not be read ended verify with one 'error:' line and no word on
    the others; an output pypdf could not parse was 'LimitReachedError ... a bug'."""
    (article_folder / "dep.csl").write_text(DEPENDENT.format(parent="x.csl"))
    source(article_folder, extra="csl: dep.csl\n")
    good = article_folder / "b.md"
    good.write_text("---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\nText.\n")
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    (out / "b" / "b.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    result = subprocess.run(
        ["briefexport", "verify", "--source", str(article_folder), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert f"FAIL\t{article_folder / 'a.md'}\n  {article_folder / 'a.md'}:6: style" in result.stdout
    pdf, summary = out / "b" / "b.pdf", out / "b" / "b-summary.pdf"
    assert f"FAIL\t{pdf}\n  {pdf}:1: error: cannot be read back (" in result.stdout
    assert f"FAIL\t{summary}\n  {summary}:1: error: not built" in result.stdout
    assert "a bug" not in result.stderr
