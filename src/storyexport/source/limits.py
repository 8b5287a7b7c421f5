"""How much of each thing a story may have: every text field, block and nesting has a limit, checked at parse.

A field over its limit is a mistake (a pasted file, a runaway script), never a story: without a
limit a 15 MB title made a 23 GB build. The limits are generous for real stories; each is an
error naming the line, so `check` refuses what `all` could not build in reasonable time and memory.
"""

from __future__ import annotations

MAX_BLOCK_CHARS = 20_000  # a paragraph or code block: about 3,000 words; splitting and narration stay fast
MAX_NESTING = 12  # lists, quotes and divs inside one another (a list item counts with its list)

DEFAULT_FIELD_CHARS = 2_000  # a front matter value not named below
FIELD_CHARS = {  # characters of one value
    "title": 300, "subtitle": 300, "description": 5_000, "abstract": 5_000, "author": 300, "name": 300,
    "affiliation": 300, "publisher": 300, "rights": 2_000, "subjects": 200, "keywords": 200, "identifier": 300,
    "text": 300, "scheme": 20, "url": 2_000, "cover": 1_000, "icc": 1_000, "condition": 100,
    "lang": 50, "date": 20, "engine": 20, "voice": 100, "tld": 20, "trim": 40, "bleed": 20, "marks": 10,
    "heading": 500, "alt": 2_000, "caption": 2_000, "credit": 300, "id": 100, "src": 1_000,
    "link": 1_000,  # a print PDF prints each address, broken by WeasyPrint (its time grows fast with length)
}
LIST_ITEMS = {"author": 50, "subjects": 100, "keywords": 100, "affiliation": 20}  # values of one list


def too_long(field: str, text: str, shown: str | None = None) -> str | None:
    """Why `text` is too long for `field` (named `shown` in the message), or None when it fits."""
    limit = FIELD_CHARS.get(field, DEFAULT_FIELD_CHARS)
    if len(text) <= limit:
        return None
    return f"{shown or f'`{field}`'} is {len(text):,} characters long; it may have at most {limit:,}"
