"""The words storyexport itself puts on the page and in the narration, per language."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from importlib import resources

from ..model import Author
from .languages import primary_subtag

LABELS_FOLDER = "assets/labels"  # one JSON file per language, <lang>.json: a translator edits only that


def _load() -> dict[str, dict]:
    folder = resources.files("storyexport").joinpath(LABELS_FOLDER)
    return {entry.name.removesuffix(".json"): json.loads(entry.read_text("utf-8"))
            for entry in folder.iterdir() if entry.name.endswith(".json")}


LABELS: dict[str, dict] = _load()  # language -> key -> text; "months" is a list of twelve


def label(lang: str, key: str) -> str:
    """A label in `lang`, or in English when storyexport does not speak that language yet."""
    return LABELS.get(primary_subtag(lang), LABELS["en"]).get(key, LABELS["en"][key])


def byline(authors: tuple[Author, ...], lang: str) -> str:
    """"By IOM" / "Por Ana Pérez (OIM) y Luis Gil"; empty when the story names no author."""
    if not authors:
        return ""
    joiner = " y " if primary_subtag(lang) == "es" else " and "
    shown = [f"{a.name} ({a.affiliation})" if a.affiliation else a.name for a in authors]
    names = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + joiner + shown[-1]
    return f"{label(lang, 'by')} {names}"


def credit_line(credit: str, lang: str) -> str:
    """"Photo: IOM/Gema Cortes"."""
    return f"{label(lang, 'photo')}: {credit}" if credit else ""


@lru_cache(maxsize=1)
def _credit_label_pattern() -> re.Pattern[str]:
    words = {word for labels in LABELS.values() for word in labels.get("credit_labels", ())}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^\s*(?:{alternatives})\s*:\s*", re.IGNORECASE)


def credit_label(credit: str) -> str:
    """The label an author put before a credit ("Photo: " in "Photo: M. Henley", in any language
    storyexport speaks), which storyexport adds itself; "" when there is none."""
    match = _credit_label_pattern().match(credit)
    return match[0] if match else ""


def letter_names(lang: str) -> dict[str, str]:
    """How each letter is said when a word is spelled out ("m": "em"); empty for languages
    storyexport does not know yet (the engine then says the capitals as it can)."""
    return LABELS.get(primary_subtag(lang), {}).get("letters", {})


def date_text(date: dt.date, lang: str) -> str:
    """"20 June 2023" / "20 de junio de 2023" (English words for languages not known yet)."""
    code = primary_subtag(lang) if primary_subtag(lang) in LABELS else "en"
    month = LABELS[code]["months"][date.month - 1]
    return f"{date.day} de {month} de {date.year}" if code == "es" else f"{date.day} {month} {date.year}"

