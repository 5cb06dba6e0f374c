"""Pango contexts made once per font configuration, direction and language."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from briefexport.weasy import contexts, engine  # noqa: F401  (engine installs the patches)

PAGE = (
    "<style>@page { size: 300px; margin: 10px } p { text-decoration: underline }</style>"
    '<p lang="en">English text, <em>long enough to break</em> over lines.</p>'
    '<p lang="fr">Du texte français, assez long pour aller à la ligne.</p>'
    '<p dir="rtl" lang="ar">نص عربي طويل بما يكفي</p><p>No language at all.</p>'
)


def test_the_patch_applies_to_this_weasyprint():
    assert contexts.PATCHED is not contexts.UPSTREAM


def test_a_context_is_made_once_per_direction_and_language():
    config = FontConfiguration()
    HTML(string=PAGE).write_pdf(font_config=config)
    made = config._briefexport_contexts
    assert {("ltr", b"en"), ("ltr", b"fr"), ("rtl", b"ar")} <= set(made)
    assert len(made) <= 5  # not one per layout


def test_the_pdf_is_upstreams():
    shared = HTML(string=PAGE).write_pdf(font_config=FontConfiguration())
    contexts.install(patched=False)
    try:
        assert HTML(string=PAGE).write_pdf(font_config=FontConfiguration()) == shared
    finally:
        contexts.install()


def test_a_font_description_is_made_once_per_font():
    config = FontConfiguration()
    HTML(string=PAGE).write_pdf(font_config=config)
    made = config._briefexport_descriptions
    assert 2 <= len(made) <= 6  # the text's font and the emphasis's, at most a few struts
    assert {key[4] for key in made} == {16 * 1024}  # the size, in Pango units
