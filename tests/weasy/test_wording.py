"""WeasyPrint's warnings in this project's words, each at its source line, in line order
(issue 15): one tiny article brings about each message the build words."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefexport.build.pipeline import build
from briefexport.settings import Settings
from briefexport.source.reader import read_article
from briefexport.weasy.wording import WEASYPRINT_LOG, Wording, captured_warnings
from briefexport.writers import writer
from conftest import ROOT

HEAD = "---\ntitle: T\ndate: 2024-01-01\nauthor: A\nsummary:\n  bottom-line: Short.\n---\n\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">{}</svg>'
NOT_IN_ANY_FONT = "\U000f0000"  # Supplementary Private Use Area-A: no font has it


def test_weasyprint_warnings_in_our_words_at_their_lines_in_line_order(write_source, tmp_path):
    (tmp_path / "styled.svg").write_text(SVG.format("<style>:hover:: { fill: red }</style>"))
    (tmp_path / "broken.svg").write_text(SVG.format('<rect transform="rotate(x)"/>'))
    source = write_source(
        HEAD + "See [there](#nowhere).\n\n![Broken](broken.svg)\n\n## Notes {#fn1}\n\n"
        f"A call.[^a] And {NOT_IN_ANY_FONT} in no font.\n\n![Styled](styled.svg)\n\n"
        "[^a]: The note.\n"
    )
    report = build([source], tmp_path / "out", Settings(project=ROOT), ["pdf"], jobs=1)
    said = [(n.line, n.text, n.hint) for n in report.results[0].messages]
    assert [(line, text) for line, text, _ in said if "brand fonts" not in text] == [
        (9, "link to '#nowhere': no such heading"),
        (
            11,
            "image 'broken.svg' could not be drawn: WeasyPrint fails on this SVG, so its place "
            "in the PDF is blank",
        ),
        (
            13,
            "id 'fn1' is used twice in the PDF: the build gives it to another element too "
            "(notes are fn1, fn2, …, their calls fnref1, …), so a link to it may go there",
        ),
        (
            15,
            f"{NOT_IN_ANY_FONT} (U+F0000) is in no font of this machine: the PDF prints an empty box",
        ),
        (
            17,
            "image 'styled.svg': a selector in its SVG style sheet cannot be read (Expected a "
            "pseudo-element name, got <WhitespaceToken>), so that rule and the ones after it "
            "are ignored",
        ),
    ]
    assert all(hint for line, _, hint in said if line in (11, 13, 15, 17))


@pytest.fixture
def not_an_image() -> Iterator[str]:
    """The address of a local server's answer that is no image (and no XML) at all."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"not an image & not XML")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/figure.png"
    httpd.shutdown()
    httpd.server_close()


def test_remote_images_that_fail_are_worded_as_the_memo_words_them(write_source, not_an_image):
    closed = "http://127.0.0.1:9/figure.png"  # the discard port: nothing listens
    source = write_source(HEAD + f"![Page]({not_an_image})\n\n![Gone]({closed})\n")
    settings = Settings(project=ROOT, allow_remote=True)
    article = read_article(source)
    pdf = [(n.line, n.text) for n in writer("pdf").render(article, settings).messages]
    memo = [(n.line, n.text) for n in writer("memo").render(article, settings).messages]
    assert pdf[0] == (
        9,
        f"image '{not_an_image}' could not be drawn: a damaged image, or not an image at all; "
        "its alt text is printed instead",
    )
    assert pdf[1][0] == 11
    assert pdf[1][1].startswith(f"image '{closed}' could not be read: could not be fetched")
    assert pdf[1] in memo  # one warning, not two in different words


def test_a_message_not_worded_here_is_located_and_marked_as_weasyprints(write_source, tmp_path):
    source = write_source(HEAD + "Text.\n\n![Map](map.png)\n")
    with captured_warnings(read_article(source)) as captured:
        WEASYPRINT_LOG.warning('Too many glyphs missing from "%s"', "Some Font")
        WEASYPRINT_LOG.warning("Unknown image mode: %s", f"{(tmp_path / 'map.png').as_uri()}")
    assert [(m.line, m.text) for m in captured.messages] == [
        (1, 'WeasyPrint: Too many glyphs missing from "Some Font"'),
        (11, "WeasyPrint: Unknown image mode: map.png"),
    ]
    assert captured.messages[0].hint.startswith("a layout warning briefexport does not word yet")


def test_the_fetchers_refusal_is_worded_as_the_image_it_refuses(write_source, tmp_path: Path):
    """What a --strict build stops with (test_sandbox has it stop)."""
    source = write_source(HEAD + "![Map](map.png)\n")
    wording = Wording(read_article(source))
    url = (tmp_path / "map.png").as_uri()
    warning = wording.warning(f"refused {url}: no such file")
    assert (warning.line, warning.text) == (9, "image 'map.png' could not be read: no such file")
