"""What a printer's PDF/X-4 preflight (ISO 15930-7) rejects first, read with pikepdf: no
OutputIntent ``/GTS_PDFX`` with an embedded ICC output profile and a condition identifier, no
``Trapped`` key (Info and XMP), no PDF/X-4 version in the XMP, a page without TrimBox inside
its BleedBox and MediaBox, and device RGB colour (operators or pictures) that neither the
output intent nor a ``DefaultRGB`` colour space covers.
"""

from __future__ import annotations

import io

import pikepdf

EMPTY = pikepdf.Dictionary()

RGB_OPERATORS = frozenset(["rg", "RG"])


def check_pdfx(data: bytes) -> list[str]:
    """Every problem above the PDF has (none for a file a preflight would accept)."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
        components = 0
        if not intents:
            problems.append("no OutputIntent with /S /GTS_PDFX")
        for intent in intents:
            profile = intent.get("/DestOutputProfile")
            if not isinstance(profile, pikepdf.Stream) or not profile.read_bytes():
                problems.append("the OutputIntent has no embedded ICC output profile")
            else:
                components = int(profile.get("/N", 0))
            if not str(intent.get("/OutputConditionIdentifier", "")):
                problems.append("the OutputIntent has no OutputConditionIdentifier")
        if pdf.trailer.get("/Info", EMPTY).get("/Trapped") not in ("/True", "/False"):
            problems.append("the document information has no Trapped /True or /False")
        xmp = pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else b""
        if b"Trapped" not in xmp:
            problems.append("the XMP metadata has no pdf:Trapped")
        if b"PDF/X-4" not in xmp:
            problems.append("the XMP metadata does not declare PDF/X-4")
        for index, page in enumerate(pdf.pages, 1):
            problems += [f"page {index}: {p}" for p in _page(page, components)]
    return problems


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - 0.01
        and inner[1] >= outer[1] - 0.01
        and inner[2] <= outer[2] + 0.01
        and inner[3] <= outer[3] + 0.01
    )


def _page(page: pikepdf.Page, components: int) -> list[str]:
    problems = []
    boxes = {
        name: [float(v) for v in page.obj.get(name, [])]
        for name in ("/MediaBox", "/BleedBox", "/TrimBox")
    }
    if not boxes["/TrimBox"]:
        problems.append("no TrimBox")
    elif not _inside(boxes["/TrimBox"], boxes["/BleedBox"] or boxes["/MediaBox"]) or not _inside(
        boxes["/BleedBox"] or boxes["/TrimBox"], boxes["/MediaBox"]
    ):
        problems.append("TrimBox, BleedBox and MediaBox are not nested")
    if components == 3:
        return problems  # an RGB intent covers device RGB
    spaces = page.obj.get("/Resources", EMPTY).get("/ColorSpace", EMPTY)
    if "/DefaultRGB" in spaces:
        return problems
    operators = [
        (str(i.operator), list(i.operands))
        for i in pikepdf.parse_content_stream(page, "rg RG cs CS")
    ]
    if any(
        op in RGB_OPERATORS or (op in ("cs", "CS") and operands[0] == "/DeviceRGB")
        for op, operands in operators
    ):
        problems.append("device RGB colour, not covered by the output intent or a DefaultRGB")
    images = page.obj.get("/Resources", EMPTY).get("/XObject", EMPTY)
    if any(x.get("/ColorSpace") == "/DeviceRGB" for x in images.values()):
        problems.append("a device RGB picture, not covered by the output intent or a DefaultRGB")
    return problems
