"""What a CSL style from an article folder may ask of Pandoc, judged before Pandoc sees it.

Pandoc's citeproc reads the parent of a dependent style (``<link rel="independent-parent"
href="...">``) from wherever its address points, a local file or the web, even with
``--sandbox``, and quotes what it read when that is no style: so a style beside a source
names no parent, and declares no DTD (no entity can smuggle an address past this check).
"""

from __future__ import annotations

from xml.parsers import expat


def style_refusal(data: bytes) -> str | None:
    """Why a CSL style may not be given to Pandoc, or None when it may."""
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise ValueError("it declares a DTD (a style needs none)")

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition(":")[2] != "link":
            return
        rel = {key.rpartition(":")[2]: value for key, value in attributes.items()}.get("rel", "")
        if "parent" in rel.lower():
            raise ValueError("a dependent style (Pandoc would fetch its parent from its link)")

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except ValueError as exc:
        return str(exc)
    except expat.ExpatError as exc:
        return f"not a well-formed style ({expat.ErrorString(exc.code)})"
    return None
