"""How correct is a CSL processor? The official CSL test suite against Pandoc's citeproc and
citeproc-py, the measurement behind the choice of engine (issue 19).

Fixtures come from github.com/citation-style-language/test-suite (``processor-tests/humans``,
.txt files with MODE, CSL, INPUT, RESULT and optional CITATION-ITEMS or CITATIONS sections).
Each engine gets the same clusters: Pandoc as Markdown citations (``[see @a, p. 12; -@b]``)
read back from its JSON ``Cite`` elements; citeproc-py through its Python API. Outputs are
compared as the suite's HTML (``<i>``, ``<b>``, small caps), entities decoded, spaces squeezed.
What Pandoc's syntax cannot say (explicit note numbers, ``near-note``) counts as a failure.

    pip install citeproc-py                       # only for this measurement
    python benchmarks/csl_suite.py pandoc FIXTURE.txt ...
    python benchmarks/csl_suite.py citeproc-py FIXTURE.txt ...
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pypandoc

SECTION = re.compile(r">>=+ *([A-Z-]+) *=+>>\n(.*?)\n<<=+ *\1 *=+<<", re.S)
LABELS = {
    "page": "p.", "chapter": "chap.", "section": "sec.", "paragraph": "para.", "figure": "fig.",
    "volume": "vol.", "line": "l.", "note": "n.", "book": "bk.", "column": "col.",
    "folio": "fol.", "issue": "no.", "opus": "op.", "part": "pt.", "verse": "v.",
    "sub-verbo": "s.v.", "number": "no.",
}  # fmt: skip
MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!<>@;|^~$'\"-])")
Item = dict[str, Any]


def parse(path: Path) -> tuple[str, str, list[Item], list[list[Item]], str]:
    """Mode, style, references, clusters (one of every item when none given), result."""
    sections = dict(SECTION.findall(path.read_text()))
    references = json.loads(sections["INPUT"])
    if "CITATIONS" in sections:
        clusters = [c[0]["citationItems"] for c in json.loads(sections["CITATIONS"])]
    elif "CITATION-ITEMS" in sections:
        clusters = json.loads(sections["CITATION-ITEMS"])
    else:
        clusters = [[{"id": item["id"]} for item in references]]
    mode = sections.get("MODE", "").strip()
    return mode, sections["CSL"], references, clusters, sections["RESULT"]


def squeeze(text: str) -> str:
    text = re.sub(r"^(\.\.|>>)\[\d+\] ", "", text, flags=re.M)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def expected(mode: str, result: str) -> list[str]:
    if mode == "citation":
        return [squeeze(line) for line in result.strip().split("\n")]
    entries = re.findall(r'<div class="csl-entry">(.*?)</div>', result, re.S)
    return [squeeze(re.sub(r'<div class="csl-[a-z-]+">|</div>', "", e)) for e in entries]


def markdown_item(item: Item) -> str:
    """One cited item in Pandoc's syntax."""
    text = MARKDOWN.sub(r"\\\1", item["prefix"]) + " " if item.get("prefix") else ""
    text += ("-" if item.get("suppress-author") else "") + "@{" + str(item["id"]) + "}"
    suffix = ""
    if item.get("locator") is not None:
        label = LABELS.get(item.get("label", "page"), "")
        suffix = ", {" + (f"{label} " if label else "") + str(item["locator"]) + "}"
    if item.get("suffix"):
        escaped = MARKDOWN.sub(r"\\\1", item["suffix"])
        suffix += escaped if suffix else " " + escaped.lstrip()
    return text + suffix


TAGS = {"Emph": "i", "Strong": "b", "Superscript": "sup", "Subscript": "sub"}
STYLED = {
    "SmallCaps": "font-variant:small-caps;",
    "Underline": "text-decoration:underline;",
    "csl-no-emph": "font-style:normal;",
    "csl-no-strong": "font-weight:normal;",
    "csl-no-smallcaps": "font-variant:normal;",
}


def as_html(node: Any) -> str:
    """Pandoc JSON inlines or blocks in the suite's HTML."""
    if isinstance(node, list):
        return "".join(as_html(item) for item in node)
    kind, content = node["t"], node.get("c")
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in TAGS:
        return f"<{TAGS[kind]}>{as_html(content)}</{TAGS[kind]}>"
    if kind in ("SmallCaps", "Underline"):
        return f'<span style="{STYLED[kind]}">{as_html(content)}</span>'
    if kind == "Quoted":
        marks = "“”" if content[0]["t"] == "DoubleQuote" else "‘’"
        return marks[0] + as_html(content[1]) + marks[1]
    if kind == "Span":
        text = as_html(content[1])
        for name in content[0][1]:
            text = f'<span style="{STYLED[name]}">{text}</span>' if name in STYLED else text
        return text
    if kind in ("Link", "Cite", "Div"):
        return as_html(content[1])
    if kind in ("Note", "Para", "Plain"):
        return " ".join(as_html(block) for block in content) if kind == "Note" else as_html(content)
    return str(content[1]) if kind == "Code" else ""


def find(node: Any, kind: str) -> list[Any]:
    if isinstance(node, dict):
        return [node] if node.get("t") == kind else find(list(node.values()), kind)
    return [found for item in node for found in find(item, kind)] if isinstance(node, list) else []


def run_pandoc(
    mode: str, style: str, references: list[Item], clusters: list[list[Item]]
) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "s.csl").write_text(style)
        (Path(folder) / "r.json").write_text(json.dumps(references))
        body = "\n\n".join("[" + "; ".join(map(markdown_item, c)) + "]" for c in clusters)
        meta = "---\nnocite: '[@*]'\n---\n\n" if mode == "bibliography" else ""
        result = subprocess.run(
            [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json", "--citeproc",
             f"--csl={folder}/s.csl", f"--bibliography={folder}/r.json"],
            input=meta + body, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    doc = json.loads(result.stdout)
    if mode == "citation":
        return [squeeze(as_html(c["c"][1])) for c in find(doc["blocks"], "Cite")]
    refs = [b for b in find(doc["blocks"], "Div") if b["c"][0][0] == "refs"]
    return [squeeze(as_html(entry)) for entry in refs[0]["c"][1]] if refs else []


def run_citeproc_py(
    mode: str, style: str, references: list[Item], clusters: list[list[Item]]
) -> list[str]:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        Locator,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    warnings.simplefilter("ignore")
    with tempfile.NamedTemporaryFile("w", suffix=".csl", delete=False) as file:
        file.write(style)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(file.name, validate=False), CiteProcJSON(references), formatter.html
    )
    citations = []
    for cluster in clusters:
        items = []
        for item in cluster:
            options: dict[str, Any] = {k: item[k] for k in ("prefix", "suffix") if item.get(k)}
            if "locator" in item:
                options["locator"] = Locator(item.get("label", "page"), str(item["locator"]))
            items.append(CitationItem(str(item["id"]).lower(), **options))
        citations.append(Citation(items))
        bibliography.register(citations[-1])
    if mode == "citation":
        return [squeeze(str(bibliography.cite(c, lambda _: None))) for c in citations]
    for item in references:
        bibliography.register(Citation([CitationItem(str(item["id"]).lower())]))
    return [squeeze(str(entry)) for entry in bibliography.bibliography()]


ENGINES = {"pandoc": run_pandoc, "citeproc-py": run_citeproc_py}


def main() -> None:
    engine, files = ENGINES[sys.argv[1]], [Path(name) for name in sys.argv[2:]]
    passed = 0
    for path in files:
        try:
            mode, style, references, clusters, result = parse(path)
            got = engine(mode, style, references, clusters)
            ok = mode in ("citation", "bibliography") and got == expected(mode, result)
        except Exception:  # a crash (or a fixture this harness cannot read) is a failure
            ok = False
        passed += ok
        if not ok:
            print(f"FAIL {path.name}", file=sys.stderr)
    print(f"{sys.argv[1]}: {passed}/{len(files)} pass ({100 * passed / len(files):.1f}%)")


if __name__ == "__main__":
    main()
