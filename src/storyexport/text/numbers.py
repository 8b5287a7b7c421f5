"""Numbers as words, the way a reader says them: cardinals, decimals, years, percentages, currency,
ordinals, dates and ranges, for the languages whose separators storyexport knows (en, es).

The words come from num2words (a maintained library); this module only finds the numbers in the
text, reads the language's separators ("1,500,000" in English, "1.500.000" and "7,7" in Spanish)
and mends what num2words says otherwise than a reader ("two thousand and eighteen", "veintiuno
millones", "siete punto siete").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .labels import LABELS
from .languages import primary_subtag

SPOKEN = ("en", "es")  # the languages whose numbers are said here; others are left to the engine
SEPARATORS = {"en": (",", "."), "es": (".", ",")}  # (thousands, decimal)
DECIMAL_WORDS = {"en": {".": "point", ",": "point"}, "es": {",": "coma", ".": "punto"}}
PERCENT = {"en": "percent", "es": "por ciento"}
RANGE = {"en": "to", "es": "a"}
SCALES = {"en": ("thousand", "million", "billion", "trillion"),
          "es": ("mil", "millón", "millones", "mil millones", "billón", "billones")}
CURRENCY_SYMBOLS = {"US$": "USD", "R$": "BRL", "S/.": "PEN", "S/": "PEN", "$": "USD", "€": "EUR", "£": "GBP"}
CURRENCY_CODES = ("USD", "EUR", "GBP", "PEN", "MXN", "COP", "CLP", "ARS", "BRL", "VES", "BOB", "CAD")
YEAR_CONTEXT = {"in", "since", "until", "till", "by", "from", "of", "to", "and", "between", "before", "after",
                "during", "around", "year", "early", "late", "mid", "spring", "summer", "autumn", "fall",
                "winter", "–", "-"}
ES_ONE_BEFORE_SCALE = re.compile(r"\b(veinti)?uno(?= (mil|millón|millones|billón|billones)\b)")
YEAR = r"1[1-9]\d\d|20\d\d"


@dataclass(frozen=True)
class SaidNumber:
    """A stretch of the text, [start, end), and the words that say it."""

    start: int
    end: int
    words: str


def number_words(text: str, lang: str) -> list[SaidNumber]:
    """Every number in `text` (with its currency, percent sign, ordinal ending or date) as words."""
    code = primary_subtag(lang)
    if code not in SPOKEN:
        return []
    found: list[SaidNumber] = []
    for match in _pattern(code).finditer(text):
        said = _say(match, text, code)
        if said is not None:
            found.append(said)
    return _with_ranges(found, text, code)


@lru_cache(maxsize=4)
def _pattern(code: str) -> re.Pattern[str]:
    group, point = (re.escape(c) for c in SEPARATORS[code])
    symbols = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
    codes = "|".join(CURRENCY_CODES)
    number = (rf"(?P<number>\d{{1,3}}(?:(?:{group}|\u00a0|\u202f)\d{{3}})+(?:{point}\d+)?(?![\d]|[.,]\d)"
              rf"|\d+(?:[.,]\d+)?(?![\d]|[.,]\d))")
    scales = "|".join(re.escape(s) for s in sorted(SCALES[code], key=len, reverse=True))
    return re.compile(
        rf"(?:(?P<symbol>{symbols})\s?|(?<![\w])(?P<code>{codes})\s)?"
        rf"(?<![\w.,]){number}"
        rf"(?:(?P<ordinal>st|nd|rd|th|\.?º|\.?ª|\.?°|\.?er)(?!\w)"
        rf"|(?P<decade>'?s)(?!\w)"
        rf"|(?P<percent>\s?%)"
        rf"|(?P<scale>\s(?:{scales})(?!\w))?(?:\s(?P<code_after>{codes})(?!\w))?)"
    )


def _say(match: re.Match[str], text: str, code: str) -> SaidNumber | None:
    value = parse_number(match["number"], code)
    if value is None:
        return None
    currency = CURRENCY_SYMBOLS.get(match["symbol"] or "") or match["code"] or match["code_after"]
    start, end = match.start(), match.end()
    before = text[:start]
    if match["ordinal"] and value == int(value):
        return SaidNumber(start, end, ordinal(int(value), code, match["ordinal"]))
    if match["percent"]:
        return SaidNumber(start, end, f"{cardinal(value, code)} {PERCENT[code]}")
    if currency:
        scale = (match["scale"] or "").strip()
        return SaidNumber(start, end, money(value, currency, scale, code))
    if match["decade"] and code == "en" and value == int(value) and int(value) % 10 == 0:
        return SaidNumber(start, end, _plural(year(int(value), code)))
    end = match.start("number") + len(match["number"])  # a scale word after a plain number stays a word
    if (day := _day(int(value), before, text[end:], code)) is not None:
        return SaidNumber(start, end, day)
    if _is_year(match["number"], before, text[end:], code):
        return SaidNumber(start, end, year(int(value), code))
    point = next((c for c in reversed(match["number"]) if c in ".,"), None) if value != int(value) else None
    words = cardinal(value, code, point)
    if re.match(r"\s(mil|millón|millones|billón|billones)\b", text[end:]):
        words = _one(words, code)
    elif code == "es" and value == int(value) and _feminine_noun(text[end:]):
        words = _feminine(words)
    elif code == "es" and _noun_follows(text[end:]):
        words = _one(words, code)  # "un día", "veintiún años"
    return SaidNumber(start, end, words)


def parse_number(written: str, code: str) -> Decimal | None:
    """The value of a number written with the language's separators (a lone other mark followed by
    other than three digits is read as a decimal point too: "1.5" in Spanish)."""
    group, point = SEPARATORS[code]
    digits = written.replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(point)}\d+)?", digits):
        digits = digits.replace(group, "").replace(point, ".")
    elif re.fullmatch(r"\d+[.,]\d+", digits):
        digits = digits.replace(",", ".")
    elif not digits.isdigit():
        return None
    return Decimal(digits)


def cardinal(value: Decimal | int, code: str, written_point: str | None = None) -> str:
    """"one million five hundred thousand", "siete coma siete", "two point zero five"."""
    from num2words import num2words

    value = Decimal(value)
    whole = int(value)
    words = _mend(num2words(whole, lang=code), code)
    if value == whole:
        return words
    fraction = format(value, "f").split(".")[1]
    mark = DECIMAL_WORDS[code][written_point or SEPARATORS[code][1]]
    if code == "es" and not fraction.startswith("0") and len(fraction) <= 2:
        return f"{words} {mark} {_mend(num2words(int(fraction), lang=code), code)}"
    return f"{words} {mark} " + " ".join(_mend(num2words(int(d), lang=code), code) for d in fraction)


def _mend(words: str, code: str) -> str:
    """num2words as a reader says it: no British "and", no commas (pauses), Spanish apocope."""
    if code == "en":
        return words.replace(",", "").replace(" and ", " ")
    return ES_ONE_BEFORE_SCALE.sub(lambda m: (m[1] or "") + ("ún" if m[1] else "un"), words)


def year(value: int, code: str) -> str:
    """"twenty eighteen", "nineteen oh-five", "two thousand five"; "dos mil dieciocho"."""
    from num2words import num2words

    if code == "en":
        return num2words(value, lang="en", to="year").replace(" and ", " ")
    return cardinal(value, code)


def ordinal(value: int, code: str, ending: str = "") -> str:
    """"twenty-first"; "primero", "primera" (1.ª), "primer" (1.er)."""
    from num2words import num2words

    words = num2words(value, lang=code, to="ordinal")
    if code != "es":
        return words
    if "ª" in ending:
        return " ".join(w[:-1] + "a" if w.endswith("o") else w for w in words.split())
    if "er" in ending:
        return re.sub(r"(primero|tercero)$", lambda m: m[1][:-1], words)
    return words


def money(value: Decimal, currency: str, scale: str, code: str) -> str:
    """"two point five million dollars", "dos coma cinco millones de dólares", "two dollars and fifty cents"."""
    unit, subunit = _currency_names(currency, code)
    if scale:
        joiner = " de " if code == "es" else " "
        return f"{_one(cardinal(value, code), code)} {scale}{joiner}{unit[1]}"
    whole, cents = int(value), int((value - int(value)) * 100)
    words = f"{_one(cardinal(whole, code), code)} {unit[0] if whole == 1 else unit[1]}"
    if cents:
        joiner = " con " if code == "es" else " and "
        words += f"{joiner}{cardinal(cents, code)} {subunit[0] if cents == 1 else subunit[1]}"
    return words


def _one(words: str, code: str) -> str:
    """Spanish "uno" before a noun is "un": "un dólar", "veintiún millones"."""
    if code != "es":
        return words
    return re.sub(r"(veinti)?uno$", lambda m: (m[1] or "") + ("ún" if m[1] else "un"), words)


ES_MASCULINE_IN_A = {"día", "días", "mapa", "mapas", "problema", "problemas", "programa", "programas", "idioma",
                     "idiomas", "sistema", "sistemas", "tema", "temas", "clima", "planeta", "planetas"}


def _feminine_noun(after: str) -> bool:
    """Whether the word after a Spanish number is (most likely) a feminine noun: "familias", "personas"."""
    match = re.match(r"\s(\w+)", after)
    return bool(match) and match[1].lower().endswith(("a", "as")) and match[1].lower() not in ES_MASCULINE_IN_A


ES_NOT_NOUNS = {"de", "del", "y", "e", "o", "u", "a", "al", "en", "por", "para", "con", "sin", "que", "entre",
                "hasta", "desde", "según", "más", "menos"}


def _noun_follows(after: str) -> bool:
    match = re.match(r"\s([^\W\d_]+)", after)
    return bool(match) and match[1].lower() not in ES_NOT_NOUNS


def _feminine(words: str) -> str:
    """A Spanish cardinal agreeing with a feminine noun: "quinientas familias", "veintiuna personas"
    (the millions stay masculine: "doscientos millones de personas")."""
    head, _, tail = words.rpartition("millones ") if "millones " in words else words.rpartition("millón ")
    tail = re.sub(r"ientos\b", "ientas", tail)
    tail = re.sub(r"\b(veinti)?uno\b(?= mil\b|$)", lambda m: (m[1] or "") + "una", tail)
    tail = re.sub(r"\b(veinti)?ún(?= mil\b)", lambda m: (m[1] or "") + "una", tail)
    tail = re.sub(r"\bun(?= mil\b)", "una", tail) if tail.startswith("un mil") else tail
    return head + ("millones " if "millones " in words else "millón " if "millón " in words else "") + tail


def _currency_names(currency: str, code: str) -> tuple[tuple[str, str], tuple[str, str]]:
    from num2words import CONVERTER_CLASSES

    forms = getattr(CONVERTER_CLASSES.get(code), "CURRENCY_FORMS", {}).get(currency)
    if forms:
        return forms[0], forms[1]
    spelled = " ".join(currency)  # a currency num2words cannot name in this language: its code, spelled
    return (spelled, spelled), ("", "")


def _day(value: int, before: str, after: str, code: str) -> str | None:
    """A day of the month: "June 20" -> "June twentieth", "20 June" -> "the twentieth of June",
    "1 de julio" -> "primero de julio"; None when the number is not a day."""
    months = "|".join(LABELS[code]["months"])
    if not 1 <= value <= 31:
        return None
    if code == "en" and re.search(rf"\b(?:{months})\s$", before, re.IGNORECASE):
        return ordinal(value, code)
    if code == "en" and re.match(rf"\s(?:of\s)?(?:{months})\b", after, re.IGNORECASE):
        return f"the {ordinal(value, code)}" + ("" if re.match(r"\sof\b", after) else " of")
    if code == "es" and value == 1 and re.match(rf"\sde\s(?:{months})\b", after, re.IGNORECASE):
        return "primero"
    return None


def _is_year(written: str, before: str, after: str, code: str) -> bool:
    """A four-digit number after a word that introduces a year ("in 2018", "June 2023"), or in a
    range of years ("2018–2019")."""
    if code != "en" or not re.fullmatch(YEAR, written):
        return False
    words = before.split()
    previous = words[-1].strip(",;:(").lower() if words else ""
    months = {m.lower() for m in LABELS[code]["months"]}
    in_range = re.match(rf"\s?[–—-]\s?(?:{YEAR})\b", after) or re.search(rf"\b(?:{YEAR})\s?[–—-]\s?$", before)
    dated = re.search(rf"\b(?:{'|'.join(months)})\s\d{{1,2}}(?:st|nd|rd|th)?,?\s$", before, re.IGNORECASE)
    return previous in YEAR_CONTEXT or previous in months or bool(in_range or dated)


def _plural(words: str) -> str:
    """"nineteen ninety" -> "nineteen nineties"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _with_ranges(found: list[SaidNumber], text: str, code: str) -> list[SaidNumber]:
    """A dash between two numbers says "to" ("10–12", "2018-2019")."""
    ranged = list(found)
    for left, right in zip(found, found[1:]):
        gap = text[left.end:right.start]
        written = text[left.start:left.end], text[right.start:right.end]
        hyphen_range = gap == "-" and (all(re.fullmatch(YEAR, w) for w in written)
                                       or all(re.fullmatch(r"\d{1,3}", w) for w in written))
        if re.fullmatch(r"\s?[–—]\s?", gap) or hyphen_range:
            dash = left.end + gap.index(gap.strip())
            ranged.append(SaidNumber(dash, dash + 1, RANGE[code]))
    return sorted(ranged, key=lambda s: s.start)
