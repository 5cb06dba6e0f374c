"""Styles shared by the children of elements that differ by their anchor alone."""

from __future__ import annotations

from typing import Any

from weasyprint import HTML
from weasyprint.formatting_structure.boxes import BlockBox, InlineBox

from briefexport.weasy import engine, kinship  # noqa: F401  (engine installs the patches)

PAGE = "<style>@page { size: 400px; margin: 10px } .n { color: red } .f { float: footnote }</style>"


def paragraphs(html: str) -> list[Any]:
    """The boxes of the ``p`` elements of a laid-out page, in order."""
    root = HTML(string=PAGE + html).render().pages[0]._page_box
    return [
        box for box in root.descendants() if isinstance(box, BlockBox) and box.element_tag == "p"
    ]


def test_the_patch_applies_to_this_weasyprint():
    assert kinship.PATCHED is not kinship.UPSTREAM


def test_children_of_elements_that_differ_by_their_id_share_a_style():
    first, second = paragraphs(
        '<div class="n" id="a"><p>One</p></div><div class="n" id="b"><p>Two</p></div>'
    )
    assert first.style is second.style
    assert first.style["color"] == second.style["color"]


def test_children_of_elements_that_differ_otherwise_do_not():
    first, second, third = paragraphs(
        '<div id="a" lang="fr"><p>Un</p></div><div id="b" lang="de"><p>Zwei</p></div>'
        '<div class="n" id="c"><p>Three</p></div>'
    )
    assert (first.style["lang"], second.style["lang"]) == ("fr", "de")
    assert len({id(first.style), id(second.style), id(third.style)}) == 3
    assert third.style["color"] != first.style["color"]


def test_the_calls_and_markers_of_notes_share_a_style():
    html = "".join(f'<p>Text<span class="f" id="fn{n}">Note {n}</span></p>' for n in range(3))
    root = HTML(string=PAGE + html).render().pages[0]._page_box
    for pseudo in ("footnote-call", "footnote-marker"):
        boxes = [
            box
            for box in root.descendants()
            if isinstance(box, InlineBox) and box.element_tag == f"span::{pseudo}"
        ]
        assert len(boxes) == 3
        assert len({id(box.style) for box in boxes}) == 1


def test_the_pages_are_those_upstream_lays_out():
    html = PAGE + "".join(
        f'<aside class="n" id="a{n}" lang="{"en" if n % 3 else "fr"}"><p>Aside {n} '
        f'<em>title</em> <a href="#a1">link</a></p></aside><p lang="{"fr" if n % 2 else "en"}">'
        f'Text<span class="f" id="fn{n}">Note <em>{n}</em></span> and more text</p>'
        for n in range(12)
    )

    def laid() -> list[tuple[Any, ...]]:
        return [
            tuple(
                (box.position_x, box.position_y, box.width, box.style["lang"], box.style["color"])
                for box in page._page_box.descendants()
            )
            for page in HTML(string=html).render().pages
        ]

    shared = laid()
    kinship.install(patched=False)
    try:
        assert laid() == shared
    finally:
        kinship.install()


def test_elements_that_differ_by_their_id_alone_compute_once():
    root = (
        HTML(
            string=PAGE + '<div class="n" id="a">One</div><div class="n" id="b">Two</div>'
            '<div class="n" id="c" lang="fr">Trois</div>'
        )
        .render()
        .pages[0]
        ._page_box
    )
    first, second, third = [
        box.style
        for box in root.descendants()
        if isinstance(box, BlockBox) and box.element_tag == "div"
    ]
    assert isinstance(second, kinship.KinStyle) and second.kin is first
    assert not isinstance(third, kinship.KinStyle)
    assert [style["anchor"] for style in (first, second, third)] == ["a", "b", "c"]
    assert second["color"] is first["color"] and second["display"] is first["display"]
    assert second["margin_top"] is first["margin_top"]


def test_the_copy_of_a_note_s_style_takes_its_values_from_its_kin():
    html = "".join(f'<p>Text<span class="f" id="fn{n}">Note {n}</span></p>' for n in range(3))
    root = HTML(string=PAGE + html).render().pages[0]._page_box
    notes = [
        box.style
        for box in root.descendants()
        if isinstance(box, BlockBox) and box.element_tag == "span"
    ]
    assert len(notes) == 3 and all(style["float"] == "none" for style in notes)
    assert isinstance(notes[1], kinship.KinStyle) and isinstance(notes[2], kinship.KinStyle)
    assert notes[1].kin is notes[2].kin and notes[1].kin["float"] == "footnote"
    assert notes[2]["font_size"] == notes[0]["font_size"]
    assert [style["anchor"] for style in notes] == ["fn0", "fn1", "fn2"]


def test_each_note_call_keeps_its_own_anchor():
    """WeasyPrint writes each ``::note-call``'s anchor into its style: a style shared between
    kin gave every call the last one's (a red team's finding)."""
    html = '<style>.n{position:note(right)} .n::note-call{content:"*"}</style>' + "".join(
        f'<p>Text <span class="n">Side note {i}</span> more.</p>' for i in range(4)
    )
    anchors = HTML(string=html).render().pages[0].anchors
    assert sorted(anchors) == [f"call-{i}" for i in range(4)]  # as upstream gives them
