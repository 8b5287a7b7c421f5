"""WebVTT captions people can read: cues of at most two lines of 42 characters and 7 seconds.

A sentence that fits is one cue (its id is the sentence id); a longer one is cut into cues
("s3", "s3-2", ...) between words, timed by the words: a cue starts when its first word is
spoken and lasts until the next cue starts. The cuts are chosen together, as a paragraph's line
breaks are: cues as full as they can be (no orphaned last word), after a clause where one can
be. Lines are balanced, broken after a clause where that keeps them even.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...text.timings import NarrationTimings, SentenceTiming
from ...text.units import clock
from ...text.words import CLAUSE_MARKS, TOKEN, clause_end, words
from .words import shared_out

MAX_LINE = 42  # characters per line (the BBC's and Netflix's figure for Latin scripts)
MAX_SECONDS = 7.0
CLAUSE_BONUS = 8  # a line break after a clause is worth lines this many characters less even
MID_CLAUSE = 900  # the cost of cutting a cue inside a clause: as bad as a cue 30 characters short


@dataclass(frozen=True)
class Unit:
    """What captions never cut: a word with the punctuation around it (and any symbol token beside it)."""

    text: str
    begin: int  # samples
    clause: bool  # a clause ends after it


@dataclass(frozen=True)
class Cue:
    id: str
    begin: int  # samples
    end: int
    lines: tuple[str, ...]


def webvtt(timings: NarrationTimings) -> str:
    """The captions of one language's narration."""
    out = ["WEBVTT", ""]
    for sentence in timings.sentences:
        for cue in sentence_cues(sentence, timings.sample_rate):
            out += [cue.id, f"{timestamp(cue.begin, timings.sample_rate)} --> "
                    f"{timestamp(cue.end, timings.sample_rate)}", *map(_escape, cue.lines), ""]
    return "\n".join(out)


def sentence_cues(sentence: SentenceTiming, rate: int) -> list[Cue]:
    """One sentence's cues, in order, tiling [sentence.begin, sentence.end)."""
    units = _units(sentence)
    if not units:
        return [Cue(sentence.id, sentence.begin, sentence.end, (sentence.text,))]
    cues = []
    groups = _groups(units, sentence, rate)
    for number, (first, last) in enumerate(groups, start=1):
        begin = sentence.begin if number == 1 else units[first].begin
        end = units[last].begin if last < len(units) else sentence.end
        cue_id = sentence.id if number == 1 else f"{sentence.id}-{number}"
        cues.append(Cue(cue_id, begin, end, _lines(units[first:last]) or ("",)))
    return cues


def _units(sentence: SentenceTiming) -> list[Unit]:
    """The sentence's tokens with the time each starts; a token that is no word joins its neighbour."""
    text, found = sentence.text, words(sentence.text)
    if len(sentence.words) == len(found):
        begins = [w.begin for w in sentence.words]
    else:  # timings without words (made by an older storyexport): shared out by length
        spans = shared_out([w.end - w.start for w in found], sentence.begin, sentence.end)
        begins = [begin for begin, _ in spans]
    by_token = {w.token_start: (w, begin) for w, begin in zip(found, begins)}
    units: list[Unit] = []
    pending = ""
    for token in TOKEN.finditer(text):
        if token.start() not in by_token:  # "—", "&": said with the words around it
            if units:
                last, ends = units[-1], any(mark in CLAUSE_MARKS for mark in token.group())
                units[-1] = Unit(f"{last.text} {token.group()}", last.begin, last.clause or ends)
            else:
                pending += token.group() + " "
            continue
        word, begin = by_token[token.start()]
        units += _fitted(Unit(pending + token.group(), begin, clause_end(text, word)))
        pending = ""
    return units


def _fitted(unit: Unit) -> list[Unit]:
    """A token longer than a line (a long address) in line-sized pieces."""
    if len(unit.text) <= MAX_LINE:
        return [unit]
    pieces = [unit.text[i:i + MAX_LINE] for i in range(0, len(unit.text), MAX_LINE)]
    return [Unit(piece, unit.begin, unit.clause and i == len(pieces) - 1) for i, piece in enumerate(pieces)]


def _groups(units: list[Unit], sentence: SentenceTiming, rate: int) -> list[tuple[int, int]]:
    """The cues as [first, last) unit ranges, with the least total cost: each cue costs the square of
    the characters it lacks to be full, plus MID_CLAUSE when it ends inside a clause."""
    size = len(units)
    best: list[float] = [0.0] + [float("inf")] * size
    back = [0] * (size + 1)
    for last in range(1, size + 1):
        end = _boundary(units, last, sentence)
        for first in range(last - 1, -1, -1):
            begin = sentence.begin if first == 0 else units[first].begin
            chars = len(" ".join(u.text for u in units[first:last]))
            if first < last - 1 and ((end - begin) / rate > MAX_SECONDS or chars > 2 * MAX_LINE + 1):
                break  # taking more words only makes it longer
            if first < last - 1 and _lines(units[first:last]) is None:
                continue
            cost = best[first] + (2 * MAX_LINE - chars) ** 2 + MID_CLAUSE * (last < size and not units[last - 1].clause)
            if cost < best[last]:
                best[last], back[last] = cost, first
    groups, last = [], size
    while last > 0:
        groups.append((back[last], last))
        last = back[last]
    return groups[::-1]


def _boundary(units: list[Unit], end: int, sentence: SentenceTiming) -> int:
    """When a cue ending before units[end] ends: as the next one starts, or with the sentence."""
    return units[end].begin if end < len(units) else sentence.end


def _lines(units: list[Unit]) -> tuple[str, ...] | None:
    """The units as at most MAX_LINES lines of MAX_LINE characters, balanced; None when they do not fit."""
    whole = " ".join(u.text for u in units)
    if len(whole) <= MAX_LINE:
        return (whole,) if units else ()
    best, best_score = None, None
    for cut in range(1, len(units)):
        first, second = " ".join(u.text for u in units[:cut]), " ".join(u.text for u in units[cut:])
        if len(first) > MAX_LINE or len(second) > MAX_LINE:
            continue
        score = max(len(first), len(second)) - CLAUSE_BONUS * units[cut - 1].clause
        if best_score is None or score < best_score:
            best, best_score = (first, second), score
    return best


def timestamp(samples: int, rate: int) -> str:
    """A sample position as HH:MM:SS.mmm (WebVTT, and Opus chapter comments)."""
    return clock(round(samples * 1000 / rate), hour_digits=2, millis=True)


def _escape(text: str) -> str:
    """Cue text with WebVTT's three special characters escaped (so "-->" cannot end up in it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
