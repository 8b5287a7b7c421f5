"""Checks of the PDFs, read back with pikepdf: the tagged PDF's structure, the print PDF's boxes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .checks import Check, failed, passed, warned
from .pdf_text_checks import check_glyphs, check_text_inside

PT_PER_MM = 72 / 25.4


def check_tagged_pdf(path: Path) -> list[Check]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        checks = [_fonts(pdf), check_glyphs(pdf), check_text_inside(path, "crop")]
        tagged = "/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked", False))
        checks.append(passed("pdf.tagged", "tagged (structure tree, MarkInfo Marked)") if tagged
                      else failed("pdf.tagged", "not tagged: screen readers get no structure"))
        lang = str(root.get("/Lang", ""))
        checks.append(passed("pdf.language", f"document language {lang}") if lang
                      else failed("pdf.language", "no document language (/Lang)"))
        shows_title = bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False))
        checks.append(passed("pdf.title", "the title is shown instead of the file name") if shows_title
                      else failed("pdf.title", "viewers will show the file name, not the title"))
        figures = [e for e in structure_elements(root) if e.get("/S") == "/Figure"]
        without_alt = [e for e in figures if "/Alt" not in e and "/ActualText" not in e]
        checks.append(failed("pdf.figure-alt", f"{len(without_alt)} of {len(figures)} figures have no alt text")
                      if without_alt else passed("pdf.figure-alt", f"all {len(figures)} figures have alt text"))
        levels = [int(str(e.get("/S"))[2:]) for e in structure_elements(root) if str(e.get("/S", "")) in
                  {f"/H{n}" for n in range(1, 7)}]
        skips = [b for a, b in zip([0, *levels], levels) if b > a + 1]
        checks.append(failed("pdf.headings", f"heading levels skip: {levels}") if skips
                      else passed("pdf.headings", f"headings in order ({len(levels)})"))
    return checks


def check_print_pdf(path: Path, details: dict[str, Any]) -> list[Check]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        checks = [_fonts(pdf), check_glyphs(pdf), check_text_inside(path, "trim"), _boxes(pdf, details),
                  _annotations(pdf), _output_intent(pdf)]
        if details.get("crop_marks"):
            checks.append(_registration_marks(pdf))
    checks.append(_preflight(details.get("preflight", [])))
    return checks


def _annotations(pdf) -> Check:
    """PDF/X: no annotation on the printed area (only trap networks and printer's marks)."""
    found = 0
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if str(annotation.get("/Subtype")) not in ("/TrapNet", "/PrinterMark"):
                found += 1
    if found:
        return failed("print.annotations", f"{found} annotations (links) on the printed pages: print checkers "
                      "reject them; this is a bug in storyexport, report it with the story")
    return passed("print.annotations", "no annotations on the printed pages; link addresses are printed")


def _output_intent(pdf) -> Check:
    intents = pdf.Root.get("/OutputIntents", [])
    if not len(intents):
        return failed("print.output-intent", "no PDF/X output intent: printers cannot tell what the colours are for")
    intent = intents[0]
    identifier, info = str(intent.get("/OutputConditionIdentifier", "")), str(intent.get("/Info", ""))
    if _is_generic(intent):
        return warned("print.output-intent", f"the generic profile {info!r} (not a printer's): ask your printer "
                      "for its ICC profile and printing condition, and give them in the front matter as "
                      "print: {icc: print/printer.icc, condition: FOGRA39} (the name the printer gives)")
    return passed("print.output-intent", f"{identifier} ({info})")


def _is_generic(intent) -> bool:
    """The output intent embeds storyexport's own fallback profile."""
    import hashlib

    from ..formats.renditions import BUNDLED_CMYK_PROFILE

    profile = intent.get("/DestOutputProfile")
    if profile is None or not BUNDLED_CMYK_PROFILE.is_file():
        return False
    embedded = hashlib.sha256(profile.read_bytes()).digest()
    return embedded == hashlib.sha256(BUNDLED_CMYK_PROFILE.read_bytes()).digest()


def _registration_marks(pdf) -> Check:
    """The crop marks are drawn in the registration colour (Separation /All), so they print on every plate."""
    import pikepdf

    for number, page in enumerate(pdf.pages, 1):
        spaces = page.get("/Resources", {}).get("/ColorSpace", {})
        names = [name for name, space in spaces.items() if isinstance(space, pikepdf.Array) and len(space) > 1
                 and space[0] == "/Separation" and space[1] == "/All"]
        contents = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
        marks = contents[-1].read_bytes() if contents else b""
        if not any(f"{name} CS".encode() in marks for name in names):
            return failed("print.crop-marks", f"page {number}'s crop marks are not in registration colour: they "
                          "would print on the black plate only; this is a bug in storyexport, report it")
    return passed("print.crop-marks", f"crop marks in registration colour (all plates) on all {len(pdf.pages)} pages")


def structure_elements(root) -> list:
    """Every structure element of the tagged PDF, in document order."""
    import pikepdf

    found = []

    def visit(node) -> None:
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                visit(kid)
    if "/StructTreeRoot" in root:
        visit(root.StructTreeRoot)
    return found


def _fonts(pdf) -> Check:
    missing = set()
    for page in pdf.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            descriptor = font.get("/FontDescriptor") or next(
                (d.get("/FontDescriptor") for d in font.get("/DescendantFonts", [])), None)
            if str(font.get("/Subtype")) != "/Type3" and not (
                    descriptor and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))):
                missing.add(str(font.get("/BaseFont", "?")))
    return failed("pdf.fonts-embedded", f"fonts not embedded: {', '.join(sorted(missing))}") if missing \
        else passed("pdf.fonts-embedded", "every font is embedded")


def _boxes(pdf, details: dict[str, Any]) -> Check:
    """Every page: the asked-for trim size, inside a BleedBox of the asked-for bleed, inside the MediaBox."""
    bleed_mm = float(details.get("bleed_mm", 3.0))
    trim_mm = [float(v) for v in details.get("trim_mm", [])]
    for number, page in enumerate(pdf.pages, 1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            return failed("print.boxes", f"page {number} has no TrimBox or BleedBox")
        trim, bleed, media = ([float(v) for v in page[name]] for name in ("/TrimBox", "/BleedBox", "/MediaBox"))
        size = [(trim[2] - trim[0]) / PT_PER_MM, (trim[3] - trim[1]) / PT_PER_MM]
        if trim_mm and any(abs(a - b) > 0.2 for a, b in zip(size, trim_mm)):
            return failed("print.boxes", f"page {number} is trimmed to {size[0]:.1f} × {size[1]:.1f} mm, not "
                          f"the {trim_mm[0]:g} × {trim_mm[1]:g} mm asked for")
        if _margin(media, bleed) < -0.01:
            return failed("print.boxes", f"page {number}: the BleedBox reaches outside the MediaBox")
        margin = _margin(bleed, trim) / PT_PER_MM
        if margin < bleed_mm - 0.01:
            return failed("print.boxes", f"page {number} has {max(margin, 0):.1f} mm of bleed; "
                          f"{bleed_mm:g} mm was asked for")
    return passed("print.boxes", f"TrimBox of the page size and a {bleed_mm:g} mm BleedBox on all "
                  f"{len(pdf.pages)} pages")


def _margin(outer: list[float], inner: list[float]) -> float:
    """The narrowest gap between a box and a box inside it (negative when the inner one sticks out)."""
    return min(inner[0] - outer[0], inner[1] - outer[1], outer[2] - inner[2], outer[3] - inner[3])


def _preflight(findings: list[dict[str, Any]]) -> Check:
    low = [f for f in findings if f.get("status") == "warn"]
    if low:
        shown = "; ".join(f"{f['image']} at {f['ppi']} ppi on page {f['page']}" for f in low)
        return warned("print.image-resolution", f"under 300 ppi: {shown}")
    if not findings:
        return passed("print.image-resolution", "no photos to print")
    return passed("print.image-resolution", "every photo prints at 300 ppi or more (lowest "
                  f"{min(f['ppi'] for f in findings)} ppi)")
