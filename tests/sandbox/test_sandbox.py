"""The resource sandbox: addresses, content checks, SVGs, remote fetching, WeasyPrint's fetcher."""

from __future__ import annotations

import base64
import http.server
import io
import itertools
import re
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from PIL import Image

from briefexport.errors import ResourceError, SourceError
from briefexport.messages import Message
from briefexport.sandbox import policy as fetch
from briefexport.sandbox.policy import Resource, ResourcePolicy
from briefexport.settings import PACKAGED, Settings
from briefexport.source.reader import read_article
from briefexport.weasy.engine import css_string, layout, stylesheets, write_pdf
from briefexport.weasy.wording import captured_warnings
from briefexport.writers import writer
from conftest import ROOT

SECRET = "TOP-SECRET-9f2c1e"
HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\n---\n\n"


def svg(inner: str, prolog: str = "") -> str:
    return (
        f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{inner}</svg>'
    )


def entity_bomb(levels: int = 10) -> str:
    """The billion laughs: ten entities, each ten of the one before (10**10 'lol's)."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    )
    return svg(
        f"<text>&lol{levels - 1};</text>", f'<?xml version="1.0"?><!DOCTYPE svg [{entities}]>'
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds no pixels: enough to test the pixel cap."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An article folder beside a secret file, with a good image and hostile SVGs."""
    (tmp_path / "secret.txt").write_text(SECRET)
    article = tmp_path / "article"
    article.mkdir()
    Image.new("RGB", (20, 10), "red").save(article / "good.png")
    (article / "notes.txt").write_text("not an image")
    (article / "escape.png").symlink_to(tmp_path / "secret.txt")
    (article / "inner.svg").write_text(svg('<image href="good.png" width="5" height="5"/>'))
    (article / "bomb.svg").write_text(entity_bomb())
    (article / "huge.png").write_bytes(png_header(20_000, 20_000))
    (article / "wide.png").write_bytes(png_header(12_000, 5_000))
    return article


@pytest.fixture
def policy(folder: Path) -> ResourcePolicy:
    return ResourcePolicy(roots=(folder,))


REFUSED = [
    ("../secret.txt", "outside the article's folder"),
    ("../../../../../../etc/passwd", "outside the article's folder"),
    ("%2e%2e/secret.txt", "outside the article's folder"),
    ("/etc/passwd", "outside the article's folder"),
    ("file:///etc/passwd", "outside the article's folder"),
    ("//evil.example/x.png", "outside the article's folder"),
    ("escape.png", "outside the article's folder"),
    ("missing.png", "no such file"),
    ("x%00.png", "not a valid file name"),
    ("http://[::1", "not an address"),
    ("javascript:alert(1)", "the javascript: scheme is not allowed"),
    ("ftp://example.org/x.png", "the ftp: scheme is not allowed"),
    ("http://127.0.0.1:9/x.png", "remote resources are off (use --allow-remote)"),
    ("https://example.org/x.png", "remote resources are off (use --allow-remote)"),
    ("data:image/png;base64," + "A" * fetch.DATA_URL_CAP, "a data: URL over 1,000,000 bytes"),
]


@pytest.mark.parametrize(("src", "reason"), REFUSED, ids=[s[:30] for s, _ in REFUSED])
def test_refused_addresses(policy, folder, src, reason):
    url = policy.resolve(src, folder)
    assert policy.refusal(url) == reason
    with pytest.raises(ResourceError, match="^" + re.escape(reason)):
        policy.read(url)


def test_allowed_resources(policy, folder):
    assert policy.read(policy.resolve("good.png", folder)).startswith(b"\x89PNG")
    assert policy.read(policy.resolve("inner.svg", folder)).startswith(b"<svg")
    assert policy.read("data:text/plain,hello") == b"hello"
    project = ResourcePolicy(roots=(PACKAGED / "styles",))
    assert project.read((PACKAGED / "styles" / "fonts" / "PTSerif-Regular.ttf").as_uri())


CONTENT = [
    ("huge.png", "over 50 megapixels"),
    ("wide.png", "12000×5000 pixels, over 50 megapixels"),
    ("bomb.svg", "SVG declares the XML entity 'lol0' (entities are refused)"),
]


@pytest.mark.parametrize(("name", "reason"), CONTENT)
def test_refused_content(policy, folder, name, reason):
    with pytest.raises(ResourceError, match=f"^{re.escape(reason)}$"):
        policy.read((folder / name).as_uri())


def test_size_cap(policy, folder, monkeypatch):
    monkeypatch.setattr(fetch, "RESOURCE_CAP", 10)
    with pytest.raises(ResourceError, match="over the 0 MB limit"):
        policy.read((folder / "good.png").as_uri())


def test_entity_bomb_is_refused_at_its_first_declaration(policy, folder):
    """Refused at ``lol0``, the first declaration, so no entity is ever expanded (the time
    this takes is a bound of ``benchmarks/bounds.py --only hostile``)."""
    tracemalloc.start()
    with pytest.raises(ResourceError, match=r"^SVG declares the XML entity 'lol0'"):
        policy.read((folder / "bomb.svg").as_uri())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000


HOSTILE_SVGS = [
    ('<image xlink:href="../secret.txt"/>', "SVG refers to '../secret.txt': outside"),
    ('<image href="file:///etc/passwd"/>', "SVG refers to 'file:///etc/passwd': outside"),
    ('<x:image xmlns:x="http://www.w3.org/1999/xlink" x:href="/etc/passwd"/>', "outside"),
    ("<rect style=\"fill: url('../secret.txt')\"/>", "SVG refers to '../secret.txt'"),
    ('<rect filter="url(http://127.0.0.1:9/f.svg#f)"/>', "remote resources are off"),
    ("<style>@import '../secret.txt';</style>", "SVG refers to '../secret.txt'"),
    ("<style><![CDATA[rect { fill: url(/etc/passwd) }]]></style>", "SVG refers to '/etc/passwd'"),
    ("<style>@font-face { src: url(good.png) }</style>", "SVG declares fonts"),
    ("<style>@\\66ont-face { src: url(good.png) }</style>", "SVG declares fonts"),
    ("<style>@f\\ONT-face { src: url(good.png) }</style>", "SVG declares fonts"),
    ("<style>rect { fill: \\75 rl(../secret.txt) }</style>", "SVG refers to '../secret.txt'"),
    ("<style>rect { fill: u/**/rl(../secret.txt) }</style>", "SVG refers to '../secret.txt'"),
    ('<a href="javascript:alert(1)"><rect/></a>', "SVG links to 'javascript:alert(1)'"),
    ('<image href="bomb.svg"/>', "SVG refers to 'bomb.svg': SVG declares the XML entity"),
    ('<image href="wide.png"/>', "SVG refers to 'wide.png': 12000×5000 pixels"),
    ("<g>" * 200 + "</g>" * 200, "SVG elements nested over 100 deep"),
    ("<rect", "not a well-formed SVG"),
    ('<circle cx="50" cy="50" r="1e12"/>', "SVG <circle r> holds 1e12, too large to draw"),
    ('<path d="M0 0L-1E308 5"/>', "SVG <path d> holds -1E308"),
    ('<path style="stroke-width: 1e308"/>', "SVG <path style> holds 1e308"),
    ("<style>path { stroke-width: 9e99 }</style>", "SVG <style style> holds 9e99"),
]


@pytest.mark.parametrize(("inner", "reason"), HOSTILE_SVGS, ids=[i[:30] for i, _ in HOSTILE_SVGS])
def test_hostile_svg(policy, folder, inner, reason):
    path = folder / "hostile.svg"
    path.write_text(svg(inner))
    with pytest.raises(ResourceError, match=re.escape(reason)):
        policy.read(path.as_uri())


def test_benign_svg_references(policy, folder):
    (folder / "a.svg").write_text(
        svg(
            '<image href="b.svg"/><rect fill="url(#g1e99)" stroke="#1e99aa" class="x1e99" '
            'width="1e9"/><a href="https://example.org"/>'
        )
    )
    (folder / "b.svg").write_text(svg('<image href="inner.svg"/><image href="inner.svg"/>'))
    assert policy.read((folder / "a.svg").as_uri())


def use_bomb(levels: int = 12) -> str:
    """Each group draws the one before ten times: 10**12 elements from a kilobyte."""
    groups = '<g id="g0"><rect width="1" height="1"/></g>' + "".join(
        f'<g id="g{i}">' + f'<use href="#g{i - 1}"/>' * 10 + "</g>" for i in range(1, levels)
    )
    return f'<defs>{groups}</defs><use href="#g{levels - 1}"/>'


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"a.svg": '<image href="a.svg"/><image href="a.svg"/>'}, "'a.svg', which draws it"),
        (
            {"a.svg": '<image href="b.svg"/>', "b.svg": '<image href="a.svg#x"/>'},
            "SVG refers to 'b.svg': SVG refers to 'a.svg#x', which draws it (a loop)",
        ),
        ({"a.svg": use_bomb()}, "SVG draws over 20,000 elements once its <use>s expand"),
        ({"a.svg": '<g id="x"><use href="#x"/></g>'}, "SVG <use> draws '#x' inside itself"),
        (
            {f"s{i}.svg": f'<image href="s{i + 1}.svg"/>' for i in range(12)},
            "SVG images nested over 8 deep",
        ),
        (
            {"a.svg": "".join(f'<image href="b.svg" y="{i}"/>' for i in range(11))}
            | {"b.svg": "".join(f'<image href="c.svg" y="{i}"/>' for i in range(11))},
            "SVG refers to over 100 resources",
        ),
    ],
    ids=["self", "mutual", "use bomb", "use loop", "nesting", "fan-out with repeats"],
)
def test_svgs_that_would_draw_forever_are_refused(policy, folder, monkeypatch, files, reason):
    for name, inner in files.items():
        (folder / name).write_text(svg(inner))
    (folder / "c.svg").write_text(svg("<rect/>"))
    first = next(iter(files))
    opened: list[str] = []
    read_file = ResourcePolicy.read_file

    def counted(self: ResourcePolicy, url: str) -> Resource:
        opened.append(url)
        return read_file(self, url)

    monkeypatch.setattr(ResourcePolicy, "read_file", counted)
    with pytest.raises(ResourceError, match=re.escape(reason)):
        policy.read((folder / first).as_uri())
    # Refused after a bounded number of reads, however far the drawing would go.
    assert len(opened) <= fetch.SVG_RESOURCES + 1


def test_svg_images_must_be_images_within_the_pixel_cap(policy, folder):
    tiff = io.BytesIO()
    Image.new("1", (13_000, 13_000)).save(tiff, "TIFF", compression="group4")
    (folder / "huge.tif").write_bytes(tiff.getvalue())
    (folder / "t.svg").write_text(svg('<image href="huge.tif"/>'))
    with pytest.raises(ResourceError, match=r"'huge\.tif': not an image"):
        policy.read((folder / "t.svg").as_uri())
    data = base64.b64encode(tiff.getvalue()).decode()
    (folder / "d.svg").write_text(svg(f'<image href="data:image/tiff;base64,{data}"/>'))
    with pytest.raises(ResourceError, match="not an image"):
        policy.read((folder / "d.svg").as_uri())


@pytest.mark.parametrize("box", ["0 0 20 10", "0,0,20,10", "-.5-.5 21 11", "", " "])
def test_an_svg_view_box_of_four_numbers_is_drawn(policy, folder, box):
    (folder / "box.svg").write_text(svg("").replace("<svg ", f'<svg viewBox="{box}" '))
    assert policy.read((folder / "box.svg").as_uri())


@pytest.mark.parametrize("box", ["0 0 a b", "0 0 20", "1e999 0 20 10", "0 0 20 10 5"])
def test_an_svg_view_box_that_would_stop_the_layout_is_refused(policy, folder, box):
    """WeasyPrint reads the outermost viewBox as it lays the page out: "0 0 a b" stopped the
    build with a ValueError."""
    (folder / "box.svg").write_text(svg("").replace("<svg ", f'<svg viewBox="{box}" '))
    with pytest.raises(ResourceError, match=r"^SVG's viewBox '.*' is not four numbers$"):
        policy.read((folder / "box.svg").as_uri())


def test_svg_fan_out_is_capped(policy, folder):
    names = [f"n{i}.png" for i in range(fetch.SVG_RESOURCES + 1)]
    for name in names:
        (folder / name).write_bytes((folder / "good.png").read_bytes())
    (folder / "fan.svg").write_text(svg("".join(f'<image href="{n}"/>' for n in names)))
    with pytest.raises(ResourceError, match="SVG refers to over 100 resources"):
        policy.read((folder / "fan.svg").as_uri())


def test_css_string_escapes_everything_that_could_end_the_string():
    assert css_string('a"b\\c\nd\x0ce\u2028') == '"a\\22 b\\5c c\\a d\\c e\\2028 "'


# Remote resources, with --allow-remote, against a local server.


@pytest.fixture
def server() -> Iterator[Callable[[str], str]]:
    """A local HTTP server; ``url(path)`` gives the address of one of its canned responses."""
    png = (ROOT / "tests" / "hostile" / "figure.png").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
            elif self.path == "/gzip":
                self.send_response(200)
                self.send_header("Content-Encoding", "gzip")
                self.end_headers()
                self.wfile.write(b"\x1f\x8b")
            elif self.path == "/drip":
                self.send_response(200)
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/slow":
                self.send_response(200)
                self.end_headers()
                time.sleep(2)
            else:
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(png)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield lambda path: f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    httpd.shutdown()
    httpd.server_close()


def test_remote_when_allowed(server, folder):
    remote = ResourcePolicy(roots=(folder,), allow_remote=True)
    assert remote.read(server("/figure.png")).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/redirect", "could not be fetched .*302"),
        ("/gzip", "a compressed response"),
        ("/slow", "could not be fetched .*timed out"),
    ],
)
def test_remote_refusals(server, folder, monkeypatch, path, reason):
    monkeypatch.setattr(fetch, "REMOTE_TIMEOUT", 0.3)
    remote = ResourcePolicy(roots=(folder,), allow_remote=True)
    with pytest.raises(ResourceError, match=reason):
        remote.read(server(path))


def test_a_remote_drip_is_cut_off_at_the_deadline(server, folder, monkeypatch):
    """The deadline (twice the timeout) is checked at every chunk: with a clock that moves a
    second per reading, the drip of 40 one-byte chunks ends at the third."""
    seconds = itertools.count(1)
    monkeypatch.setattr(fetch, "time", SimpleNamespace(monotonic=lambda: float(next(seconds))))
    monkeypatch.setattr(fetch, "REMOTE_TIMEOUT", 1.0)
    remote = ResourcePolicy(roots=(folder,), allow_remote=True)
    with pytest.raises(ResourceError, match=r"^took over 2 s$"):
        remote.read(server("/drip"))
    assert next(seconds) - 1 == 1 + 3  # readings: the deadline set, then one check per chunk


def test_unused_local_port_is_refused_not_waited_for(folder, unused_port):
    remote = ResourcePolicy(roots=(folder,), allow_remote=True)
    with pytest.raises(ResourceError, match=r"could not be fetched .*Connection refused"):
        remote.read(f"http://127.0.0.1:{unused_port}/x.png")


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# WeasyPrint's fetcher, given HTML the body renderer would never write.


@pytest.fixture
def article_in(folder: Path):
    def article(body: str):
        path = folder / "article.md"
        path.write_text(HEAD + body)
        return read_article(path)

    return article


def render_raw(html: str, article, settings: Settings) -> tuple[bytes, tuple[Message, ...]]:
    """``html`` laid out and written as the article's PDF, and the warnings doing so gave."""
    laid = layout(html, article, settings, stylesheets(settings, ("base.css",)))
    with captured_warnings(article) as drawing:
        data = write_pdf(laid.document, article, "pdf/ua-1")
    return data, (*laid.messages, *drawing.messages)


@pytest.mark.nonconforming  # raw HTML without title or lang: not a PDF/UA document
def test_fetcher_refusals_are_warnings_at_the_image_line(article_in, settings):
    article = article_in("Text.\n\n![bomb](bomb.svg)\n")
    _, messages = render_raw(
        '<p>x</p><img src="bomb.svg"><img src="../secret.txt">', article, settings
    )
    lines = {(m.line, m.text.split(":")[0]) for m in messages}
    assert (9, "image 'bomb.svg' could not be read") in lines
    assert any("secret.txt" in n.text and "outside" in n.text for n in messages)


def test_an_svg_draws_its_allowed_images_through_the_sandbox(article_in, settings):
    article = article_in("![inner](inner.svg)\n")
    output = writer("pdf").render(article, settings)
    assert output.messages == ()
    with pikepdf.open(io.BytesIO(output.data)) as pdf:
        images = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"
        ]
    assert [(int(i.Width), int(i.Height)) for i in images] == [(20, 10)]


def test_strict_fetcher_refusal_is_a_located_error(article_in):
    article = article_in("Text.\n\n![bomb](bomb.svg)\n")
    strict = Settings(project=ROOT, strict=True)
    with pytest.raises(
        SourceError, match=r"article\.md:9: image 'bomb\.svg' could not be read: SVG declares"
    ):
        render_raw('<img src="bomb.svg">', article, strict)


def pdf_content(data: bytes) -> bytes:
    """The file's bytes and every stream decompressed; fails if anything is attached."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert not pdf.attachments
        streams = [o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream)]
    assert b"/EmbeddedFile" not in data and b"/FileAttachment" not in data
    return data + b"".join(streams)


@pytest.mark.nonconforming  # raw HTML without title or lang: not a PDF/UA document
def test_attachments_embed_nothing(article_in, settings):
    article = article_in("Text.\n")
    html = (
        '<head><link rel="attachment" href="good.png"></head>'
        '<a rel="attachment" href="../secret.txt">a</a> <a rel="attachment" href="good.png">b</a>'
    )
    content = pdf_content(render_raw(html, article, settings)[0])
    assert SECRET.encode() not in content


def test_templates_cannot_create_attachments():
    for template in (PACKAGED / "templates").glob("*.j2"):
        assert "attachment" not in template.read_text(encoding="utf-8"), template.name


# The whole path: a hostile source through the real writer.

HOSTILE_BODY = """Raw <script>alert(1)</script> <style>*{}</style> <iframe src="../secret.txt"></iframe>
<img src="file:///etc/passwd"> <a rel="attachment" href="../secret.txt">x</a> <link rel=attachment href=../secret.txt>

![secret](../secret.txt)

![passwd](file:///etc/passwd)

![escape](escape.png)

![remote](http://127.0.0.1:{port}/x.png)

![bomb](bomb.svg)

[file link](file:///etc/passwd) [js](javascript:alert(1)) [up](../secret.txt) <file:///etc/passwd>
"""


@pytest.mark.parametrize("allow_remote", [False, True])
def test_hostile_source_leaks_nothing_and_does_not_hang(
    article_in, folder, unused_port, allow_remote
):
    article = article_in(HOSTILE_BODY.replace("{port}", str(unused_port)))
    settings = Settings(project=ROOT, allow_remote=allow_remote)
    output = writer("pdf").render(article, settings)
    content = pdf_content(output.data)
    assert SECRET.encode() not in content and b"root:x:0:0" not in content
    assert b"(file:" not in content and b"javascript" not in content
    assert sorted({n.line for n in output.messages}) == [10, 12, 14, 16, 18]
    expected = "could not be fetched" if allow_remote else "remote resources are off"
    assert any(n.line == 16 and expected in n.text for n in output.messages), output.messages


def test_data_url_images_are_checked(article_in, settings):
    bomb = base64.b64encode(entity_bomb().encode()).decode()
    article = article_in(f"![b](data:image/svg+xml;base64,{bomb})\n")
    [notice] = writer("pdf").render(article, settings).messages
    assert notice.line == 7 and "SVG declares the XML entity" in notice.text
