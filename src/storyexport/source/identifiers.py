"""The front matter's `identifier`: an ISBN or a DOI recognised (and an ISBN's check digit checked), anything
else (a URN, a URL) kept as written."""

from __future__ import annotations

import re

from ..model import Identifier

ISBN_PREFIX = re.compile(r"^(?:urn:isbn:|isbn(?:-1[03])?:?\s*)", re.IGNORECASE)
ISBN_SHAPE = re.compile(r"^(?:97[89])?\d{9}[\dX]$")
DOI_PREFIX = re.compile(r"^(?:urn:doi:|doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")


def _isbn_digits(value: str) -> str:
    return re.sub(r"[\s-]", "", ISBN_PREFIX.sub("", value.strip())).upper()


def _isbn_valid(digits: str) -> bool:
    if len(digits) == 13:
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
    return "X" not in digits[:9] and total % 11 == 0


def _scheme_of(value: str, scheme: str | None) -> str:
    """ISBN, DOI or "" (another kind), from the `scheme:` given or from the value's shape."""
    if scheme:
        return scheme.upper() if scheme.upper() in ("ISBN", "ISBN-10", "ISBN-13", "DOI") else ""
    if ISBN_PREFIX.match(value) or ISBN_SHAPE.match(_isbn_digits(value)):
        return "ISBN"
    if DOI_PREFIX.match(value) or DOI_SHAPE.match(value.strip()):
        return "DOI"
    return ""


def identifier_problem(value: str, scheme: str | None = None) -> str | None:
    """Why an identifier cannot be published as it is, or None."""
    kind = _scheme_of(value, scheme)
    if kind.startswith("ISBN"):
        digits = _isbn_digits(value)
        if not ISBN_SHAPE.match(digits) or not _isbn_valid(digits):
            return (f"`identifier` {value!r} is not a valid ISBN (13 or 10 digits whose check digit matches); "
                    "copy it again from the ISBN agency's record")
    if kind == "DOI" and not DOI_SHAPE.match(DOI_PREFIX.sub("", value.strip())):
        return f"`identifier` {value!r} is not a DOI: write it as 10.1234/name or https://doi.org/10.1234/name"
    return None


def read_identifier(value: str, scheme: str | None = None) -> Identifier:
    """An identifier in the form a book's metadata names it: urn:isbn:…, urn:doi:…, or as written."""
    kind = _scheme_of(value, scheme)
    if kind.startswith("ISBN"):
        return Identifier(f"urn:isbn:{_isbn_digits(value)}", "ISBN")
    if kind == "DOI":
        return Identifier(f"urn:doi:{DOI_PREFIX.sub('', value.strip())}", "DOI")
    return Identifier(value.strip(), "")
