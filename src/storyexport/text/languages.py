"""Language tags (BCP 47): validity and the names readers see in a language switch."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

BCP47_SHAPE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
T = TypeVar("T")


def language_problem(tag: str) -> str | None:
    """Why `tag` is not a usable BCP 47 language tag, or None when it is."""
    if "_" in tag and BCP47_SHAPE.match(tag.replace("_", "-")):
        return f"language tag {tag!r} uses '_': write it with a hyphen, {tag.replace('_', '-')!r}"
    import langcodes  # its data takes a moment to load: only when a tag is checked or named

    if not BCP47_SHAPE.match(tag) or not langcodes.tag_is_valid(tag) or tag.lower() == "und":
        return (f"unknown language tag {tag!r}: use a BCP 47 tag such as en, es, es-419, pt-BR "
                f"(quote it if YAML reads it as something else)")
    return None


def primary_subtag(tag: str) -> str:
    """The language without region or script: es-419 -> es."""
    return tag.split("-")[0].lower()


def for_language(by_tag: Mapping[str, T], lang: str) -> T | None:
    """What `by_tag` (keyed by lower-case language tags) holds for `lang`: its own tag's (es-419),
    else its language's (es)."""
    return by_tag.get(lang.lower()) or by_tag.get(primary_subtag(lang))


def autonym(tag: str) -> str:
    """The language's name in itself, capitalised, for a language switch: es -> Español."""
    import langcodes

    name = langcodes.Language.get(tag).autonym()
    return name[:1].upper() + name[1:]


# Quotation marks (outer pair, inner pair) where a language's typography differs from English's
# “…” ‘…’ (CLDR's delimiters; Spanish, like Portuguese and Italian, opens with «…» and nests “…”).
QUOTATION_MARKS: dict[str, tuple[str, str, str, str]] = {
    "es": ("«", "»", "“", "”"), "pt": ("«", "»", "“", "”"), "it": ("«", "»", "“", "”"),
    "ca": ("«", "»", "“", "”"), "fr": ("«\u202f", "\u202f»", "“", "”"), "de": ("„", "“", "‚", "‘"),
    "ru": ("«", "»", "„", "“"), "uk": ("«", "»", "„", "“"), "pl": ("„", "”", "«", "»"),
}
ENGLISH_QUOTATION_MARKS = ("“", "”", "‘", "’")


def quotation_marks(tag: str) -> tuple[str, str, str, str]:
    """The opening and closing double quotes, then the inner (single) pair, of a language."""
    if tag.lower() == "pt-br":
        return ENGLISH_QUOTATION_MARKS[:2] + ("‘", "’")
    return QUOTATION_MARKS.get(primary_subtag(tag), ENGLISH_QUOTATION_MARKS)
