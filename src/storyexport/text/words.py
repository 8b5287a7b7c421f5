"""The words of a sentence: what is timed, captioned and highlighted, one definition for every format.

A word is a run of non-space characters with at least one letter or digit, without the
punctuation around it ("(Tacna)," is the word "Tacna"; "19%" and "don't" stay whole). The
audio builder times these words, the captions break between them, and the page and the EPUB
wrap each one in a `<span id>`: all of them find the same words because they all ask here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

TOKEN, LETTER_OR_DIGIT = re.compile(r"\S+"), re.compile(r"\w")
KEPT = set("%‰‱#@&*/")  # punctuation that is part of what is said ("19%")
CLAUSE_MARKS = ",;:.!?…)—–\"”»"  # after a word, these end a clause (or the sentence)


@dataclass(frozen=True)
class Word:
    """One word of a text: its characters [start, end) and the whitespace-separated token around it,
    punctuation included ([token_start, token_end))."""

    start: int
    end: int
    token_start: int
    token_end: int


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[Word, ...]:
    """The words of `text`, in order."""
    found = []
    for token in TOKEN.finditer(text):
        if not LETTER_OR_DIGIT.search(token.group()):
            continue  # a dash, an ampersand alone: said with the words around it, never timed alone
        start, end = token.start(), token.end()
        while start < end and _punctuation(text[start]):
            start += 1
        while end > start and _punctuation(text[end - 1]):
            end -= 1
        if any(c.isalnum() for c in text[start:end]):  # "___" has \w (the underscore) but no letter
            found.append(Word(start, end, token.start(), token.end()))
    return tuple(found)


def _punctuation(character: str) -> bool:
    return unicodedata.category(character).startswith("P") and character not in KEPT


def word_id(sentence_id: str, number: int) -> str:
    """The element id of a sentence's word (numbered from 1): "s3w2". One home for the scheme."""
    return f"{sentence_id}w{number}"


def clause_end(text: str, word: Word) -> bool:
    """True when a clause ends after this word (a comma, semicolon, colon, dash or a sentence end)."""
    return any(mark in CLAUSE_MARKS for mark in text[word.end:word.token_end])


def shown_words(spoken: str, shown: str) -> list[tuple[int, Word]] | None:
    """The words of `shown` (the text a render displays) with their numbers (from 1) among the words
    of `spoken` (the sentence as narrated, which may begin with words no render shows, such as
    "Note 1:"); None when the two texts do not end with the same words.

    The narration plan says each displayed sentence with, at most, words added before it, so the
    displayed words are the last ones spoken. When the narration says words in another form than
    they are shown (numbers, abbreviations), this is where their spans will be used.
    """
    said, seen = words(spoken), words(shown)
    skipped = len(said) - len(seen)
    if skipped < 0 or any(spoken[a.start:a.end] != shown[b.start:b.end] for a, b in zip(said[skipped:], seen)):
        return None
    return [(skipped + number, word) for number, word in enumerate(seen, start=1)]
