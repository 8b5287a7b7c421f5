"""Element ids a source gives (figures, headings, `for=`): no invisible characters, shown escaped when they have them.

A zero-width space or a bidi control makes two ids that look alike differ (`photo` and
`photo\u200b`), so every message about them would read the same; such ids are refused, and the
message shows the hidden characters as escapes.
"""

from __future__ import annotations

import unicodedata

INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")  # controls, formats (bidi, zero-width), spaces
FILLERS = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0}  # combining grapheme joiner, Hangul fillers…


def invisible(char: str) -> bool:
    """True for a character that shows nothing (or only moves text): zero-width, bidi, space, control."""
    code = ord(char)
    return (unicodedata.category(char) in INVISIBLE_CATEGORIES or code in FILLERS
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)  # variation selectors


def shown(text: str) -> str:
    """`text` with every invisible character written as an escape: photo\\u200b."""
    return "".join((f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") if invisible(c) else c
                   for c in text)


def id_problem(identifier: str) -> str | None:
    """Why an id cannot be used (invisible characters, or too long), or None."""
    from .limits import FIELD_CHARS

    if any(invisible(c) for c in identifier):
        return (f'the id "{shown(identifier)}" contains invisible characters (shown escaped); '
                "retype it with visible characters only")
    if len(identifier) > FIELD_CHARS["id"]:
        return f"an id of {len(identifier):,} characters; ids may have at most {FIELD_CHARS['id']}"
    return None
