"""The listening check's findings: what an offline recognizer heard in each narrated sentence,
compared with the sentence's caption, and the word error rate per language.

The listen builder writes `<slug>.<lang>.listening.json`; the report reads it. Text and transcript
are compared as words: lower case, without accents and punctuation, numbers as words by the
same rules the narration uses ("2018" and "twenty eighteen" are the same words), and spelled
letters joined ("I.O.M.", "I O M" and "IOM" are one word).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from ..store.output import write_text
from .numbers import number_words

# Titles a recognizer writes short for what was said in full ("Dr." for "doctor"); compared in full.
ABBREVIATIONS = {"en": {"dr": "doctor", "mr": "mister", "mrs": "missus", "st": "saint"},
                 "es": {"dr": "doctor", "dra": "doctora", "sr": "senor", "sra": "senora"}}


@dataclass(frozen=True)
class Mishearing:
    said: str  # the caption's words, as compared (lower case, no accents)
    heard: str  # what the recognizer wrote instead ("" when it heard nothing there)


@dataclass(frozen=True)
class SentenceHearing:
    id: str
    text: str  # the caption
    heard: str  # the transcript
    words: int  # in the caption
    errors: int  # substitutions, deletions and insertions
    misheard: tuple[Mishearing, ...] = ()
    suggestions: tuple[str, ...] = ()  # PLS <lexeme> entries to start a correction from


@dataclass(frozen=True)
class Listening:
    lang: str
    recognizer: str
    engine: str
    voice: str
    timings_sha256: str  # the narration it listened to
    words: int
    errors: int
    sentences: tuple[SentenceHearing, ...]  # those heard otherwise than written

    @property
    def word_error_rate(self) -> float:
        return self.errors / self.words if self.words else 0.0


def folded(text: str) -> str:
    """`text` in lower case without accents: "Jesús" -> "jesus" (a recognizer's spelling may lack them)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def comparable_words(text: str, lang: str) -> list[str]:
    """`text` as the words the check compares."""
    for said in reversed(number_words(text, lang)):
        text = text[:said.start] + " " + said.words + " " + text[said.end:]
    text = re.sub(r"\b((?:[A-Za-z]\.){2,})", lambda m: m[1].replace(".", ""), text)  # I.O.M. -> IOM
    text = re.sub(r"['’]", "", folded(text))
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    spelled_out = ABBREVIATIONS.get(lang.split("-")[0], {})
    return _joined_letters([spelled_out.get(word, word) for word in words])


def _joined_letters(words: list[str]) -> list[str]:
    """Runs of single letters ("i o m") as one word ("iom"), as a spelled acronym is written."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            out += ["".join(run)] if len(run) > 1 else run
            run = []
        if word:
            out.append(word)
    return out


def compare(sentence_id: str, text: str, heard: str, lang: str, said_as: str | None = None) -> SentenceHearing:
    """One sentence's caption against its transcript; `said_as` is the caption's words in the order
    they are said, when that differs (a credit)."""
    import jiwer

    said, got = comparable_words(said_as or text, lang), comparable_words(heard, lang)
    if not said:
        return SentenceHearing(sentence_id, text, heard, 0, len(got))
    if not got:
        return SentenceHearing(sentence_id, text, heard, len(said), len(said), (Mishearing(" ".join(said), ""),))
    result = jiwer.process_words(" ".join(said), " ".join(got))
    errors = result.substitutions + result.deletions + result.insertions
    misheard = tuple(Mishearing(" ".join(said[c.ref_start_idx:c.ref_end_idx]), " ".join(got[c.hyp_start_idx:c.hyp_end_idx]))
                     for c in result.alignments[0] if c.type != "equal")
    return SentenceHearing(sentence_id, text, heard, len(said), errors, misheard)


def save_listening(path: Path, listening: Listening) -> Path:
    return write_text(path, json.dumps(asdict(listening), indent=1, ensure_ascii=False) + "\n")


def load_listening(path: Path) -> Listening | None:
    """The findings at `path`, or None when there are none or they cannot be read."""
    try:
        data = json.loads(path.read_text("utf-8"))
        sentences = tuple(SentenceHearing(**{**s, "misheard": tuple(Mishearing(**m) for m in s["misheard"]),
                                             "suggestions": tuple(s["suggestions"])}) for s in data["sentences"])
        return Listening(**{**data, "sentences": sentences})
    except (OSError, ValueError, KeyError, TypeError):
        return None
