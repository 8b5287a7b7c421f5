"""Checks of the text a PDF shows: no glyph drawn as .notdef (an empty box), no text outside the page.

Extracted text cannot tell: WeasyPrint maps a missing glyph's code to the real character in
/ToUnicode, so pdftotext prints "国际" while the page shows two boxes. The content streams are
read instead: in a Type0 font, a code that its encoding CMap sends to CID 0 (or, with
Identity-H, code 0 or one past the embedded font's glyphs) is .notdef. Text outside the page box
(the TrimBox of a print PDF: what is left after cutting) is measured with pdfium.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .checks import Check, failed, passed

CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
CIDRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)")
BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
SHOWN = 12  # characters named in a finding
TOLERANCE = 1.0  # points: a glyph's box may touch the edge


def check_glyphs(pdf: Any) -> Check:
    """Fails when any page shows a character with the .notdef glyph (a box instead of the letter)."""
    missing: Counter[str] = Counter()
    fonts: dict[tuple[int, int], _Font] = {}
    for page in pdf.pages:
        for code_points in _shown_codes(page, fonts):
            missing.update(code_points)
    if not missing:
        return passed("pdf.glyphs", "every character is drawn with a glyph of its font")
    shown = " ".join(f"{c} (U+{ord(c[0]):04X})" if len(c) == 1 else c for c in list(missing)[:SHOWN])
    return failed("pdf.glyphs", f"{sum(missing.values())} characters are drawn as empty boxes (.notdef), no font "
                  f"having them: {shown}; install fonts with these characters (e.g. fonts-noto-cjk) and build again")


def check_text_inside(path: Path, box: str) -> Check:
    """Fails when text lies (partly) outside each page's `box` ("trim" for print, "crop" otherwise)."""
    from .pdfium import pdfium_document

    with pdfium_document(path) as document:
        for number, page in enumerate(document, 1):
            left, bottom, right, top = page.get_trimbox() if box == "trim" else page.get_cropbox()
            text = page.get_textpage()
            for index in range(text.count_rects()):
                x0, y0, x1, y1 = text.get_rect(index)
                if x0 < left - TOLERANCE or y0 < bottom - TOLERANCE or x1 > right + TOLERANCE or y1 > top + TOLERANCE:
                    words = " ".join(text.get_text_bounded(x0, y0, x1, y1).split())
                    return failed("pdf.text-inside", f"page {number}: text runs off the page, cut at its edge: "
                                  f"{words[:60]!r}{'…' if len(words) > 60 else ''}")
    return passed("pdf.text-inside", f"all text lies within the {'trimmed ' if box == 'trim' else ''}page")


class _Font:
    """What decides whether a Type0 font's code is .notdef: its code -> CID map and glyph count."""

    def __init__(self, font: Any):
        self.cids = _code_to_cid(font.get("/Encoding"))
        self.unicode = _to_unicode(font)
        self.glyphs = _glyph_count(font)

    def notdef(self, code: int) -> bool:
        cid = self.cids.get(code, code) if self.cids is not None else code
        return cid == 0 or (self.glyphs is not None and cid >= self.glyphs)


def _shown_codes(page: Any, fonts: dict[tuple[int, int], _Font]):
    """For each text-showing operator of a page, the characters it draws as .notdef."""
    import pikepdf

    resources = page.get("/Resources", {}).get("/Font", {}) or {}
    current = None
    for operands, operator in pikepdf.parse_content_stream(page, "Tf Tj TJ ' \""):
        name = str(operator)
        if name == "Tf":
            font = resources.get(str(operands[0]))
            current = None
            if font is not None and font.get("/Subtype") == "/Type0":
                current = fonts.setdefault(font.objgen, _Font(font))
            continue
        if current is None:
            continue
        strings = operands[0] if name == "TJ" else [operands[-1]]
        for text in (bytes(s) for s in strings if isinstance(s, pikepdf.String)):
            codes = (int.from_bytes(text[i:i + 2], "big") for i in range(0, len(text) - 1, 2))
            yield [current.unicode.get(code, f"<{code:04x}>") for code in codes if current.notdef(code)]


def _sections(data: bytes, name: bytes) -> list[bytes]:
    return re.findall(rb"begin" + name + rb"(.*?)end" + name, data, re.S)


def _code_to_cid(encoding: Any) -> dict[int, int] | None:
    """An embedded CMap's code -> CID; None for Identity-H (code == CID)."""
    import pikepdf

    if not isinstance(encoding, pikepdf.Stream):
        return None
    data, cids = encoding.read_bytes(), {}
    for section in _sections(data, b"cidchar"):
        cids.update({int(code, 16): int(cid) for code, cid in CIDCHAR.findall(section)})
    for section in _sections(data, b"cidrange"):
        for low, high, cid in CIDRANGE.findall(section):
            cids.update({code: int(cid) + i for i, code in enumerate(range(int(low, 16), int(high, 16) + 1))})
    return cids


def _to_unicode(font: Any) -> dict[int, str]:
    if "/ToUnicode" not in font:
        return {}
    text = {}
    for section in _sections(font.ToUnicode.read_bytes(), b"bfchar"):
        for code, value in BFCHAR.findall(section):
            text[int(code, 16)] = bytes.fromhex(value.decode()).decode("utf-16-be", "replace")
    return text


def _glyph_count(font: Any) -> int | None:
    """The glyphs of the embedded font program (a TrueType or OpenType font), None when unknown."""
    from fontTools.ttLib import TTFont, TTLibError

    descriptor = font.DescendantFonts[0].get("/FontDescriptor", {})
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if program is None:
        return None
    try:
        return TTFont(io.BytesIO(program.read_bytes()))["maxp"].numGlyphs
    except (TTLibError, KeyError, AssertionError, ValueError):
        return None  # a bare CFF program: the CMap alone decides
