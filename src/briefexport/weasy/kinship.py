"""Computed styles shared by the elements of notes (installed by weasy.engine).

WeasyPrint computes one style for all elements that have the same parent style, the same
style attributes and the same matched rules, and computes each property of it once. An
``id`` counts as a style attribute (``-weasy-anchor``), so each note (``<aside id="fnN">``)
has a style of its own, as it must; but the identity of a parent's style is part of its
children's key, so every element inside a note had a style of its own too: a hundred
citation notes made a hundred styles for their paragraphs, a hundred for their numbers, and
for their titles and links, each property computed in each as the layout and drawing asked.

An anchor is not inherited: children of elements whose declarations differ in their anchor
alone compute alike. The patched ``StyleFor.__init__`` keys a child by :func:`kin` of its
parent's style instead of its identity: one token for the styles with the same kin of parent
and the same cascaded declarations but for the anchor (the same declaration objects, with
the same weights; a style attribute, parsed for each element, is never the same object). The
children of a hundred notes share one style each, whose parent is the first note's style.
A pseudo-element inherits from its element as a child does: each note's ``::footnote-call``
and ``::footnote-marker``, both boxes laid out and drawn, share one style too
(:func:`set_kin_style`).

The elements that differ by their anchor alone compute alike too, but for the anchor: each
note's call (``<a id="fnrefN">``) and each note (``<aside id="fnN">``) had every property its
layout asked computed again, and again in the copy of its style WeasyPrint makes for each
note. :func:`kin_element_style` gives the second and later of them a :class:`KinStyle`, which
takes each value but the anchor from the first one's style, as its copies do.
"""

from __future__ import annotations

from typing import Any

from weasyprint.css import ComputedStyle, StyleFor

from briefexport.weasy.overrides import Patch

SHARED_PSEUDOS = frozenset(["footnote-call", "footnote-marker"])
"""The pseudo-elements whose style kin share. Not the others: WeasyPrint writes into some in
place (each ``::note-call``'s anchor, in ``LayoutContext.add_running_element``), and one
shared style would give every call the last one's anchor."""

PATCH = Patch(
    StyleFor,
    "__init__",
    (
        (
            "parent_id = id(computed_styles[parent, None]) if element.parent else None",
            "parent_id = self.kin(computed_styles[parent, None]) if element.parent else None",
        ),
        (
            "if pseudo_type:\n            self.set_computed_styles(",
            "if pseudo_type:\n            self.set_kin_style(",
        ),
        (
            "computed_cache[key] = computed_styles[etree_element, None]",
            "computed_cache[key] = self.kin_element_style(etree_element)",
        ),
    ),
)
UPSTREAM = StyleFor.__init__
PATCHED = PATCH.patched(UPSTREAM)


def kin(self: Any, style: Any) -> int:
    """A token shared by the element styles whose children's styles compute alike: those
    with parents of one kin and the same cascaded declarations, anchor aside."""
    tokens: dict[int, int] = self.__dict__.setdefault("kin_tokens", {})
    token = tokens.get(id(style))
    if token is None:
        parent = style.parent_style
        kinds: dict[Any, int] = self.__dict__.setdefault("kin_kinds", {})
        key = (None if parent is None else kin(self, parent), declared(style.cascaded, "anchor"))
        token = tokens[id(style)] = kinds.setdefault(key, id(style))
    return token


def declared(cascaded: dict[str, Any], *but: str) -> frozenset[tuple[str, int, Any]]:
    """Cascaded declarations, but for the properties ``but``, as the same objects with the
    same weights."""
    return frozenset(
        (name, id(value), weight) for name, (value, weight) in cascaded.items() if name not in but
    )


def set_kin_style(
    self: Any,
    element: Any,
    parent: Any,
    root: Any = None,
    pseudo_type: str | None = None,
    base_url: str | None = None,
    target_collector: Any = None,
) -> None:
    """``StyleFor.set_computed_styles`` for a pseudo-element (a note's ``::footnote-call`` and
    ``::footnote-marker``, each a box): the style of the same pseudo-element of an element of
    the same kin, with the same cascaded declarations, when there is one."""
    if pseudo_type not in SHARED_PSEUDOS:
        self.set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
        return
    computed = self.get_computed_styles()
    cascaded = self.get_cascaded_styles().get((element, pseudo_type), {})
    key = (kin(self, computed[parent, None]), pseudo_type, declared(cascaded))
    pseudos: dict[Any, Any] = self.__dict__.setdefault("kin_pseudos", {})
    if key in pseudos:
        computed[element, pseudo_type] = pseudos[key]
        return
    self.set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
    pseudos[key] = computed[element, pseudo_type]


class KinStyle(ComputedStyle):  # type: ignore[misc]
    """The computed style of an element whose kin (:func:`kin`) computed first: each value
    but the anchor is the kin's (computed once, for both), with its specified value."""

    def __init__(self, style: Any, kin_style: Any) -> None:
        super().__init__(
            style.parent_style,
            style.cascaded,
            style.pseudo_type,
            style.root_style,
            style.base_url,
            style.font_config,
            style.initial_page_sizes,
        )
        self.update(style)
        self.specified = style.specified
        self.kin = kin_style

    def copy(self) -> KinStyle:
        """A copy that takes its missing values from the same kin: WeasyPrint copies each
        note's style to set its float to none (a value no other but display, computed by
        then, depends on)."""
        copy = KinStyle(self, self.kin)
        copy.specified = self.specified.copy()
        return copy

    def __missing__(self, key: str) -> Any:
        if key == "anchor":
            return super().__missing__(key)
        value = self[key] = self.kin[key]
        if key in self.kin.specified:
            self.specified[key] = self.kin.specified[key]
        return value


def kin_element_style(self: Any, element: Any) -> Any:
    """The computed style of an element just computed, as a :class:`KinStyle` of the first
    style of its kin when another had it first."""
    computed = self.get_computed_styles()
    style = computed[element, None]
    token = kin(self, style)
    firsts: dict[int, Any] = self.__dict__.setdefault("kin_firsts", {})
    if token == id(style):
        firsts[token] = style
        return style
    kin_style = computed[element, None] = KinStyle(style, firsts[token])
    self.__dict__.setdefault("kin_replaced", []).append(style)  # its id stays its own
    self.kin_tokens[id(kin_style)] = token
    return kin_style


def install(patched: bool = True) -> None:
    """Share the styles of notes' elements (or, for a test, compute them as upstream does)."""
    StyleFor.kin = kin
    StyleFor.set_kin_style = set_kin_style
    StyleFor.kin_element_style = kin_element_style
    StyleFor.__init__ = PATCHED if patched else UPSTREAM
