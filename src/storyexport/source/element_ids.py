"""Element ids of one language's text: figures' and headings' in one namespace, none reserved, none invisible.

Every id becomes an element id of one web page and one EPUB document, so a heading and a figure
may not share one, nor take one storyexport gives sentences and notes (`s1`, `fn-1`...) or a
figure's long description (`photo-description`).

A zero-width space or a bidi control makes two ids that look alike differ (`photo` and
`photo\u200b`), so every message about them would read the same; such ids are refused, and the
message shows the hidden characters as escapes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection

from markdown_it.tree import SyntaxTreeNode

from ..text.render import figure_element_ids

RESERVED_ID = re.compile(r"^(s\d+|fn-\d+|fnref-\d+(-\d+)?|notes-title|main|narration-title)$")
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


class ElementIds:
    """The ids one language's text gives out; problems are reported with their line through `error`."""

    def __init__(self, error: Callable[[int, str], None], lang: str):
        self.error, self.lang = error, lang
        self.given: set[str] = set()  # headings' ids, and figure ids made from file names
        self.figures: dict[str, int] = {}  # every element id a figure of this text uses -> its line

    def collect_figures(self, tree: SyntaxTreeNode) -> None:
        """The element ids this text's figures will use, known before any heading takes an id."""
        for node in tree.walk():
            if node.type == "image" and (figure_id := str(node.attrs.get("id", ""))) and not id_problem(figure_id):
                for element_id in figure_element_ids(figure_id):
                    self.figures.setdefault(element_id, _block_line(node))

    def figure(self, figure_id: str, src: str, line: int, seen: Collection[str]) -> str:
        """A figure's id as written, or "" (after an error) when it is missing or taken; one with
        invisible characters is kept escaped, so every later message shows them."""
        if not figure_id:
            self.error(line, f"figure {src!r} has no id: add one after the image, "
                       "e.g. ![alt](photos/x.jpg){#x}, so translations can share the photo")
        elif problem := id_problem(figure_id):
            self.error(line, f"figure {src!r}: {problem}")
            return shown(figure_id)
        elif figure_id in seen:
            self.error(line, f'figure id "{figure_id}" is used twice in the {self.lang} text')
        elif RESERVED_ID.match(figure_id):
            self.error(line, f'figure id "{figure_id}" is one storyexport gives sentences, notes or page parts; '
                       "choose another")
        elif (owner := self._description_owner(figure_id)) is not None:
            self.error(line, f'figure id "{figure_id}" is also the id of figure "{owner}"\'s long description; '
                       "choose another")
        else:
            return figure_id
        return ""

    def heading(self, given: str, line: int) -> str:
        """A heading's given id (an error when it is invisible or a figure's), made unique."""
        if problem := id_problem(given):
            self.error(line, f"heading: {problem}")
            given = shown(given)
        elif given in self.figures:
            self.error(line, f'heading id "{given}" is also used by the figure on line {self.figures[given]}; '
                       "ids must be unique: rename one")
        return self.unique(given)

    def unique(self, base: str) -> str:
        """`base`, or `base-2`, `-3`... when a heading or figure has it (`h-` before a reserved one)."""
        if RESERVED_ID.match(base):
            base = f"h-{base}"
        candidate, n = base, 1
        while candidate in self.given or candidate in self.figures:
            n += 1
            candidate = f"{base}-{n}"
        self.given.add(candidate)
        return candidate

    def _description_owner(self, figure_id: str) -> str | None:
        """The other figure whose long description's id is `figure_id`, if any."""
        return next((other for other in self.figures
                     if other != figure_id and figure_id in figure_element_ids(other)[1:]), None)


def _block_line(node: SyntaxTreeNode) -> int:
    """The file line of the block an inline node is in."""
    while node.parent is not None and not node.map:
        node = node.parent
    return node.map[0] + 1 if node.map else 0
