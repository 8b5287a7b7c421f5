"""Pandoc's ordered-list markers (fancy_lists, startnum): 1. 1) (1) #. a. A) (b) i. ii) (iv) IV.

An uppercase letter or a one-letter uppercase roman numeral followed by "." needs two spaces
after it, as in pandoc, so "B. Russell" stays a sentence. On a list's first marker, i/I is roman
and any other single letter is a letter; inside a roman list, v. is five.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.common.utils import isStrSpace
from markdown_it.rules_block.state_block import StateBlock

ROMAN = re.compile(r"^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
MARKER = re.compile(r"(\()?([0-9]{1,9}|#|[a-zA-Z]+)([.)])")
TYPE_ATTR = {"decimal": "1", "lower-alpha": "a", "upper-alpha": "A", "lower-roman": "i", "upper-roman": "I",
             "default": None}  # the HTML `type` of each style
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
ListKind = tuple[str, str]  # (style, delimiter): a list ends where either changes


@dataclass(frozen=True)
class Marker:
    end: int  # the source position right after the marker
    style: str  # decimal, lower-alpha, upper-alpha, lower-roman, upper-roman, default (#.)
    delimiter: str  # ".", ")" or "()"
    value: int


def roman_value(text: str) -> int:
    total = 0
    for i, ch in enumerate(text):
        value = ROMAN_VALUES[ch]
        total += -value if i + 1 < len(text) and ROMAN_VALUES[text[i + 1]] > value else value
    return total


def _style_of(body: str, want: str | None) -> tuple[str, int] | None:
    """The style and value of a marker's body, read in the style `want` when a list goes on."""
    if body.isdigit():
        return "decimal", int(body)
    if body == "#":
        return "default", 1
    upper = body.isupper()
    is_roman = bool(ROMAN.match(body.upper()))
    roman = ("upper-roman" if upper else "lower-roman", roman_value(body.upper())) if is_roman else None
    alpha = (("upper-alpha" if upper else "lower-alpha"), ord(body.lower()) - 96) if len(body) == 1 else None
    if want:  # continuing a list: read the marker in that list's style
        for candidate in (roman, alpha):
            if candidate and candidate[0] == want:
                return candidate
        return None
    if len(body) == 1:  # a first marker: i/I is roman, any other single letter is a letter
        return roman if body in "iI" else alpha
    return roman


def pandoc_marker(state: StateBlock, line: int, want: ListKind | None = None) -> Marker | None:
    """The ordered-list marker that starts `line`, or None; with `want`, only one of that kind."""
    start = state.bMarks[line] + state.tShift[line]
    maximum = state.eMarks[line]
    m = MARKER.match(state.src, start, maximum)
    if not m or (m[1] and m[3] != ")"):
        return None
    found = _style_of(m[2], want[0] if want else None)
    if not found:
        return None
    style, value = found
    delim = "()" if m[1] else m[3]
    pos = m.end()
    if pos < maximum and not isStrSpace(state.src[pos]):
        return None  # "1.test" is not a list item
    if delim == "." and style in ("upper-alpha", "upper-roman") and len(m[2]) == 1:
        if not state.src.startswith("  ", pos) and not state.src.startswith("\t", pos) and pos < maximum:
            return None  # pandoc: "B. Russell" is a sentence
    if want and (style, delim) != want:
        return None
    return Marker(pos, style, delim, value)
