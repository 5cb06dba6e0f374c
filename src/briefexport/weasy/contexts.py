"""Pango contexts shared by WeasyPrint's text layouts (installed by weasy.engine; patches
WeasyPrint 70.0).

``text.line_break.Layout.setup`` makes a Pango context for every layout (every text box, every
strut and every line tried): a font map's new context, set to round no glyph position, to the
style's direction and to its language, and a font description for it. The patched ``setup``
takes a context made once per font configuration, direction and language
(:func:`shared_context`), set the same way and never changed after, so that no layout's context
changes under it, and a description made once per font (:func:`shared_description`): the same
layouts, the same bytes.
"""

from __future__ import annotations

from typing import Any

import weasyprint.text.line_break as line_break
from weasyprint.text.constants import PANGO_DIRECTION
from weasyprint.text.ffi import TO_UNITS, ffi, gobject, pango
from weasyprint.text.fonts import get_font_description

from briefexport.weasy.overrides import Patch

PATCH = Patch(
    line_break.Layout,
    "setup",
    (
        (
            "pango_context = ffi.gc(\n"
            "        pango.pango_font_map_create_context(font_map),\n"
            "        gobject.g_object_unref)\n"
            "    pango.pango_context_set_round_glyph_positions(pango_context, False)\n"
            "    pango.pango_context_set_base_dir(\n"
            "        pango_context, PANGO_DIRECTION[style['direction']])\n",
            "",
        ),
        (
            "pango.pango_context_set_language(pango_context, self.language)",
            "pass",
        ),
        (
            "font_description = get_font_description(style)",
            "font_description = shared_description(style)",
        ),
        (
            "self.layout = ffi.gc(\n        pango.pango_layout_new(pango_context),",
            "pango_context = shared_context(style, lang, self.language)\n"
            "    self.layout = ffi.gc(\n        pango.pango_layout_new(pango_context),",
        ),
    ),
)
UPSTREAM = line_break.Layout.setup
PATCHED = PATCH.patched(UPSTREAM)


def shared_context(style: Any, lang: bytes | None, language: Any) -> Any:
    """The Pango context of ``style``'s font configuration, direction and language (``lang``,
    None for Pango's default; ``language``, its ``PangoLanguage``), made once as upstream's
    ``setup`` makes one for each layout."""
    config = style.font_config
    contexts: dict[tuple[str, bytes | None], Any] = config.__dict__.setdefault(
        "_briefexport_contexts", {}
    )
    key = (style["direction"], lang)
    context = contexts.get(key)
    if context is None:
        context = ffi.gc(
            pango.pango_font_map_create_context(config.font_map), gobject.g_object_unref
        )
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, PANGO_DIRECTION[style["direction"]])
        if lang:
            pango.pango_context_set_language(context, language)
        contexts[key] = context
    return context


def shared_description(style: Any) -> Any:
    """``text.fonts.get_font_description(style)``, made once per font configuration and the
    values it is made of: the layouts copy it (``pango_layout_set_font_description``) and
    font metrics read it, none changes it."""
    family = ",".join(style["font_family"])
    key = (
        family,
        style["font_style"],
        style["font_stretch"],
        style["font_weight"],
        int(style["font_size"] * TO_UNITS),
        style["font_variant_caps"],
        style["font_variation_settings"],
    )
    descriptions: dict[tuple[Any, ...], Any] = style.font_config.__dict__.setdefault(
        "_briefexport_descriptions", {}
    )
    description = descriptions.get(key)
    if description is None:
        description = descriptions[key] = get_font_description(style)
    return description


def install(patched: bool = True) -> None:
    """Share the contexts (or, for a test, make one per layout as upstream does)."""
    line_break.shared_context = shared_context
    line_break.shared_description = shared_description
    line_break.Layout.setup = PATCHED if patched else UPSTREAM
