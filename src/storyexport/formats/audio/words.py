"""Engine word times put on the sentence's own words (text.words), or shared out when an engine has none.

Piper and Kokoro say phonemes; their alignments group into phoneme words (runs between spaces
and punctuation). Those are not text words: "2018" is said as three, and eSpeak NG joins some
pairs ("of the" is one). `from_phoneme_words` phonemizes each text word alone with the engine's
own phonemizer, counts its phoneme words, and checks pairs where the count falls short. eSpeak NG
says where each word starts in the text (`from_text_positions`). gTTS gives nothing: the
sentence's time is `shared_out` over its words in proportion to their phonemes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

from ...text.words import TOKEN, words

Span = tuple[int, int]  # samples [begin, end) inside one clip
SEPARATORS = {"^", "$", "_"}  # Piper's sentence start and end, and its pad
QUIET = 0.01  # below this amplitude a word's last samples are its trailing pause (-40 dBFS)


def phoneme_word_spans(phonemes: Iterable[tuple[str, int, int]]) -> list[Span]:
    """(phoneme, begin, end) in order, grouped into phoneme words: runs between spaces and punctuation."""
    spans: list[Span] = []
    current: Span | None = None
    for phoneme, begin, end in phonemes:
        if _separator(phoneme):
            if current:
                spans.append(current)
            current = None
        else:
            current = (current[0], end) if current else (begin, end)
    if current:
        spans.append(current)
    return spans


def phoneme_word_count(phonemes: Iterable[str]) -> int:
    """How many phoneme words a phonemizer's output holds (the same grouping as the engine's timings)."""
    return len(phoneme_word_spans((p, 0, 0) for p in phonemes))


def _separator(phoneme: str) -> bool:
    return (not phoneme or phoneme in SEPARATORS or phoneme.isspace()
            or all(unicodedata.category(c).startswith("P") for c in phoneme))


def from_phoneme_words(text: str, spoken: Sequence[Span], count: Callable[[str], int]) -> list[Span] | None:
    """Each word of `text` with the samples of the phoneme words it was said as; None when the
    engine said a different number of phoneme words than the tokens of `text` account for.

    `count(token)` is how many phoneme words the engine's phonemizer makes of a token said alone.
    Tokens that are not words ("&", said "and") are counted, and their time belongs to no word.
    """
    tokens = [match.group() for match in TOKEN.finditer(text)]
    counts = [count(token) for token in tokens]
    groups = [([index], n) for index, n in enumerate(counts)]
    if sum(counts) != len(spoken):
        groups = _joined_pairs(tokens, counts, count)
    if sum(n for _, n in groups) != len(spoken):
        return None
    by_token: list[Span] = []
    position, last_end = 0, spoken[0][0] if spoken else 0
    for members, n in groups:
        if n == 0:  # said as nothing (a symbol the engine skips): a moment where it would be
            by_token += [(last_end, last_end)] * len(members)
            continue
        begin, end = spoken[position][0], spoken[position + n - 1][1]
        by_token += _split(begin, end, [len(tokens[i]) for i in members])
        position, last_end = position + n, end
    starts = [match.start() for match in TOKEN.finditer(text)]
    return [by_token[starts.index(word.token_start)] for word in words(text)]


def _joined_pairs(tokens: list[str], counts: list[int], count: Callable[[str], int]) -> list[tuple[list[int], int]]:
    """Groups of tokens with their phoneme-word counts, where a pair said together gives fewer
    phoneme words than apart (eSpeak NG's "of the" -> ʌvðə) sharing one group."""
    groups, index = [], 0
    while index < len(tokens):
        if index + 1 < len(tokens):
            together = count(f"{tokens[index]} {tokens[index + 1]}")
            if together < counts[index] + counts[index + 1]:
                groups.append(([index, index + 1], together))
                index += 2
                continue
        groups.append(([index], counts[index]))
        index += 1
    return groups


def _split(begin: int, end: int, weights: list[int]) -> list[Span]:
    """[begin, end) cut into consecutive pieces in proportion to `weights`."""
    total, spans, done = sum(weights) or len(weights), [], 0
    for weight in weights:
        start = begin + (end - begin) * done // total
        done += weight if sum(weights) else 1
        spans.append((start, begin + (end - begin) * done // total))
    return spans


def from_text_positions(text: str, starts: Iterable[tuple[int, int]], length: int) -> list[Span]:
    """Each word of `text` from where the engine began saying words: (character index, sample)
    pairs in order. A word runs to the next word's start (the last to `length`); several starts
    inside one word ("2018": two thousand eighteen) keep the first; a word the engine gave no
    start gets a share of its neighbours' time."""
    found = words(text)
    begins: list[int | None] = [None] * len(found)
    for character, sample in starts:
        index = next((i for i, w in enumerate(found) if w.token_start <= character < w.token_end), None)
        if index is not None and begins[index] is None:
            begins[index] = sample
    return _between_starts([w.end - w.start for w in found], begins, length)


def _between_starts(weights: list[int], begins: list[int | None], length: int) -> list[Span]:
    """Spans from start samples, each to the next start; a run of missing starts shares the time
    between its known neighbours (with the word before it) in proportion to `weights`."""
    filled = list(begins)
    index = 0
    while index < len(filled):
        if filled[index] is not None:
            index += 1
            continue
        after = next((j for j in range(index, len(filled)) if filled[j] is not None), len(filled))
        low = filled[index - 1] if index else 0
        high = filled[after] if after < len(filled) else length
        members = range(max(index - 1, 0), after)
        for member, (begin, _) in zip(members, _split(low, max(low, high), [weights[m] for m in members])):
            filled[member] = begin
        index = after
    ordered, floor = [], 0
    for begin in filled:
        floor = max(floor, min(int(begin or 0), length))
        ordered.append(floor)
    return list(zip(ordered, [*ordered[1:], length]))


def shared_out(weights: Sequence[int], begin: int, end: int) -> list[Span]:
    """[begin, end) shared between words in proportion to `weights` (their phonemes)."""
    return _split(begin, end, list(weights))


def tightened(spans: list[Span], loud: Callable[[int, int], int | None], shortest_pause: int = 0) -> list[Span]:
    """Spans whose ends are pulled back to their last loud sample (`loud(begin, end)` finds it), so
    the pause after a word is not part of it; a quiet tail shorter than `shortest_pause` samples
    stays (a soft word is not cut to nothing)."""
    out = []
    for begin, end in spans:
        last = loud(begin, end)
        pulled = max(begin + 1, last + 1) if last is not None and end > begin else end
        out.append((begin, pulled if end - pulled >= shortest_pause else end))
    return out


def last_sound(samples: np.ndarray) -> Callable[[int, int], int | None]:
    """loud(begin, end): the last sample in [begin, end) of `samples` above QUIET, or None."""
    import numpy as np

    def loud(begin: int, end: int) -> int | None:
        found = np.flatnonzero(np.abs(samples[begin:end]) > QUIET)
        return begin + int(found[-1]) if found.size else None
    return loud
