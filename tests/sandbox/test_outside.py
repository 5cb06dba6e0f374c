"""No outside bytes by any path: a canary file beside the article folder never reaches an
output, the manifest or a message, by reference, link, race, special file or file name."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, PngImagePlugin

from briefexport.build.manifest import MANIFEST, referenced_files
from briefexport.build.pipeline import build
from briefexport.commands.check import check_source
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from conftest import ROOT

HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n"
CANARY = b"CANARY-7d1e55"
SECRET_COLOUR = (0x13, 0x37, 0x42)


def secret_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", CANARY.decode())
    data = io.BytesIO()
    Image.new("RGB", (8, 8), SECRET_COLOUR).save(data, "PNG", pnginfo=info)
    return data.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An article folder beside a secret image; inside it a good image, a link out, a pipe."""
    (tmp_path / "secret.png").write_bytes(secret_png())
    article = tmp_path / "article"
    article.mkdir()
    Image.new("RGB", (8, 8), "red").save(article / "good.png")
    (article / "escape.png").symlink_to(tmp_path / "secret.png")
    os.mkfifo(article / "pipe.png")
    return article


HOSTILE = (
    "![good](good.png)\n\n![up](../secret.png)\n\n![link](escape.png)\n\n![zero](/dev/zero)\n\n"
    "![pipe](pipe.png)\n\n![nul](a%00b.png)\n\n![abs](file:///dev/zero)\n"
)


def test_only_what_the_sandbox_allows_is_recorded(folder):
    (folder / "article.md").write_text(HEAD + HOSTILE)
    article = read_article(folder / "article.md")
    assert referenced_files(article) == [folder / "good.png"]


def test_refused_resources_are_never_read_or_hashed(folder):
    """The whole build, in a process of its own: before, /dev/zero and the pipe hung it."""
    (folder / "article.md").write_text(HEAD + HOSTILE)
    out = folder.parent / "out"
    run = subprocess.run(
        ["briefexport", "memo", "--source", str(folder / "article.md"), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert run.returncode == 0, run.stderr
    manifest = (out / MANIFEST).read_text()
    [record] = json.loads(manifest)["outputs"].values()
    assert record["inputs"] == [str(folder / "good.png")]
    assert hashlib.sha256(secret_png()).hexdigest() not in manifest
    assert CANARY not in (out / "article" / "article-memo.docx").read_bytes()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.symlink_to("/dev/zero"),
            "is a device, not a regular file (name a source file)",
        ),
        (os.mkfifo, "is a pipe, not a regular file (name a source file)"),
    ],
    ids=["link to /dev/zero", "pipe"],
)
def test_a_source_that_is_no_regular_file_fails_at_once(tmp_path, make, message):
    source = tmp_path / "article.md"
    make(source)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    project = ["--source", str(source), "--project", str(ROOT)]
    check = subprocess.run(
        ["briefexport", "check", *project], capture_output=True, text=True, timeout=60, env=env
    )
    assert check.stdout == f"{source}:1: error: {message}\n"
    out = ["--out", str(tmp_path / "out")]
    build = subprocess.run(
        ["briefexport", "build", *project, *out],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert build.returncode == 1
    assert build.stderr.endswith(f"error: {source}:1: {message}\n")


def test_check_does_not_tell_which_outside_files_exist(folder):
    body = "[a](../secret.png) [b](../no-such.png) [c](nothing-here.md) [d](a%00b.md) "
    (folder / "article.md").write_text(HEAD + body + f"[e]({'x' * 300}.md)\n")
    findings = check_source(folder / "article.md", Settings(project=ROOT))
    found = [f.text for f in findings if f.text.startswith("link")]
    assert found == [
        "link to 'a%00b.md': not a valid file name",
        "link to 'nothing-here.md': no such file beside the source",
        f"link to '{'x' * 77}...': not a valid file name",
    ]


# File names that would steer outputs out of --out, hide them or forge lines.

NAMES = {
    "...md": "it starts with a dot or is only dots",
    "..md": "it starts with a dot or is only dots",
    ".hidden.md": "it starts with a dot or is only dots",
    "x" * 237 + ".md": "it is 237 characters long, over 100",
    "forged\nerror: x.md": "it contains U+000A",
}


def test_file_names_cannot_steer_outputs(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in NAMES:
        (source / name).write_text(HEAD + "Body.\n")
    out = tmp_path / "box" / "out"
    report = build([source / name for name in NAMES], out, Settings(project=ROOT), ["memo"], jobs=1)
    shown = {"forged\nerror: x.md": "forged\\u000aerror: x.md"}
    for name, result in zip(NAMES, report.results, strict=True):
        assert result.error == (
            f"{source / shown.get(name, name)}:1: the file name cannot name the outputs: "
            f"{NAMES[name]} (rename the file: letters, digits, '-' and '_' make the best names)"
        )
    [finding] = check_source(source / "forged\nerror: x.md", Settings(project=ROOT))
    assert "\n" not in str(finding)
    assert sorted(p.name for p in (tmp_path / "box").iterdir()) == ["out"]
    assert not [p for p in out.iterdir() if p.name != ".briefexport.lock"]


def test_links_inside_out_are_not_followed(tmp_path):
    (tmp_path / "good.md").write_text(HEAD + "Body.\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "good").symlink_to(elsewhere)
    (out / ".briefexport.lock").symlink_to(elsewhere / "lock")
    report = build([tmp_path / "good.md"], out, Settings(project=ROOT), ["memo"], jobs=1)
    assert report.results[0].error == (
        f"{tmp_path / 'good.md'}:1: outputs not written: {out / 'good'} is a link or a file, "
        "not a folder"
    )
    assert report.warnings[0].startswith(f"{out / MANIFEST}: not recorded: ")
    assert list(elsewhere.iterdir()) == []


# The race: a link flipped between check and read must never bring the outside bytes in.

FLIPPER = """
import os, sys
folder, secret, names = sys.argv[1], sys.argv[2], sys.argv[3:]
good = open(os.path.join(folder, "good.png"), "rb").read()
while True:
    for name in names:
        os.symlink(secret, os.path.join(folder, ".link"))
        os.replace(os.path.join(folder, ".link"), os.path.join(folder, name))
    for name in names:
        with open(os.path.join(folder, ".copy"), "wb") as stream:
            stream.write(good)
        os.replace(os.path.join(folder, ".copy"), os.path.join(folder, name))
"""


def leaked(data: bytes) -> bool:
    """Whether the secret image's bytes, text or pixels are in a PDF or a DOCX."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = b"".join(package.read(name) for name in package.namelist())
        return CANARY in parts or secret_png() in parts
    with pikepdf.open(io.BytesIO(data)) as pdf:
        streams = b"".join(o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream))
    return CANARY in data + streams or bytes(SECRET_COLOUR) * 8 in streams


@pytest.mark.slow
def test_a_link_flipped_during_a_build_brings_in_nothing(folder):
    names = [f"flip{i}.png" for i in range(20)]
    for name in names:
        (folder / name).write_bytes((folder / "good.png").read_bytes())
    body = "".join(f"![figure {i}]({names[i % 20]})\n\n" for i in range(400))
    (folder / "article.md").write_text(HEAD + body)
    secret = str(folder.parent / "secret.png")
    with subprocess.Popen([sys.executable, "-c", FLIPPER, str(folder), secret, *names]) as flipper:
        try:
            report = build(
                [folder / "article.md"],
                folder.parent / "out",
                Settings(project=ROOT),
                ["pdf", "memo"],
                jobs=1,
            )
        finally:
            flipper.kill()
    assert report.ok, report.results[0].error
    for output in report.results[0].outputs:
        assert not leaked(output.path.read_bytes()), output.path.name
