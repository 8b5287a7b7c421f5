"""How each sentence is spoken: its speech script, built once for every engine and every timing.

The captions show a sentence's words as written (`Sentence.text`); the engines are given a
script of spoken tokens instead. Each token is a word (or a punctuation mark) as the engine
should say it, the characters of the sentence's text it stands for, the language it is said in,
and, when a pronunciation lexicon gives them, the exact phonemes (IPA). So:

- "7.7 million" is "seven point seven" + "million": three tokens, each pointing at "7.7";
- "IOM" is "eye" "oh" "em", each pointing at "IOM"; a lexicon alias or IPA says otherwise;
- "[Cúcuta]{lang=es}" in English is one token said in Spanish;
- the credit "Photo: IOM/Gema Cortes" is said "Photo: Gema Cortes, IOM": tokens are then out
  of the text's order, but each still points at its own characters.

Word timings map an engine's words back to the caption through these spans
(`SpeechScript.caption_word_spans`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ..model import Lexicon, Pronunciation, Story
from .labels import label, letter_names
from .languages import for_language, primary_subtag
from .narration_plan import Anchor, Sentence, narration_plan
from .numbers import number_words

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
ACRONYM = re.compile(r"^[A-ZÁÉÍÓÚÜÑ]{2,}$")
PLURAL_ACRONYM = re.compile(r"^([A-Z]{2,})s$")
ROMAN = re.compile(r"^(?=[IVXL]{2,}$)(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


@dataclass(frozen=True)
class SpokenToken:
    """One word (or punctuation mark) as the engine says it."""

    text: str  # what the engine reads: "seven", "eye", "Venezuelan", ","
    start: int  # the characters of the sentence's text it says: [start, end)
    end: int
    lang: str  # the language it is said in
    phonemes: str = ""  # IPA from a lexicon: the engine says exactly these sounds instead of reading `text`
    joined: bool = False  # follows the previous token without a space ("Peru" ","), as in the text

    @property
    def is_word(self) -> bool:
        return any(c.isalnum() for c in self.text)


@dataclass(frozen=True)
class SpeechScript:
    """A sentence as it is spoken: its tokens, in the order they are said."""

    lang: str  # the sentence's language (the narration's)
    tokens: tuple[SpokenToken, ...]

    @property
    def text(self) -> str:
        """The spoken words as one string (what an engine without phonemes reads)."""
        return "".join(piece for _, piece in self._pieces())

    def offsets(self) -> tuple[int, ...]:
        """Where each token starts in `text` (to map an engine's text positions back to tokens)."""
        positions, position = [], 0
        for token, piece in self._pieces():
            position += len(piece) - len(token.text)
            positions.append(position)
            position += len(token.text)
        return tuple(positions)

    def _pieces(self) -> Iterator[tuple[SpokenToken, str]]:
        for index, token in enumerate(self.tokens):
            yield token, ("" if index == 0 or token.joined else " ") + token.text

    def caption_word_spans(self, text: str, spoken: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...] | None:
        """The times of the caption's words (text.words of `text`, the sentence's) from the times of
        the spoken words (`spoken`: one per word of `self.text`, in order). A caption word runs from
        the first to the last spoken word whose token says its characters ("2018" from "twenty" to
        "eighteen", "IOM" from "eye" to "em"); a token said as written ("A Venezuelan", one lexicon
        entry) gives each of its words its own spoken word. None when a caption word is said by no
        spoken word, or the caption's words are said out of their order (a credit said photographer first)."""
        from .words import words

        said = words(self.text)
        if len(said) != len(spoken):
            return None
        offsets = self.offsets()
        sources = [self._caption_characters(word.start, word.end, offsets, text) for word in said]
        shown: list[tuple[int, int]] = []
        for word in words(text):
            times = [span for (begin, end), span in zip(sources, spoken) if begin < word.end and word.start < end]
            if not times or (shown and min(b for b, _ in times) < shown[-1][0]):
                return None
            shown.append((min(b for b, _ in times), max(e for _, e in times)))
        return tuple(shown)

    def _caption_characters(self, start: int, end: int, offsets: tuple[int, ...], text: str) -> tuple[int, int]:
        """The characters of the caption `text` that the spoken word at [start, end) of `self.text`
        says (`offsets`: self.offsets()): its own when its token is said as written, else its token's."""
        index = bisect_right(offsets, start) - 1
        token = self.tokens[index]
        if token.text != text[token.start:token.end]:
            return token.start, token.end
        inside = start - offsets[index]
        return token.start + inside, token.start + inside + end - start

    def written_in_spoken_order(self, text: str) -> str:
        """The caption's words (`text`, the sentence's) in the order they are said: "Photo: Gema
        Cortes, IOM" for "Photo: IOM/Gema Cortes" (a listener hears them in this order)."""
        pieces, last = [], None
        for token in self.tokens:
            if (token.start, token.end) != last:
                pieces.append(("" if not pieces or token.joined else " ") + text[token.start:token.end])
                last = (token.start, token.end)
        return "".join(pieces)

    def runs(self) -> list[tuple[str, tuple[SpokenToken, ...]]]:
        """The tokens grouped by the language they are said in, in order."""
        grouped: list[tuple[str, list[SpokenToken]]] = []
        for token in self.tokens:
            if grouped and grouped[-1][0] == token.lang:
                grouped[-1][1].append(token)
            else:
                grouped.append((token.lang, [token]))
        return [(lang, tuple(tokens)) for lang, tokens in grouped]

    @property
    def plain(self) -> bool:
        """Nothing an engine must treat specially: one language, no phonemes."""
        return all(t.lang == self.lang and not t.phonemes for t in self.tokens)

    @classmethod
    def of_text(cls, text: str, lang: str, lexicons: tuple[Lexicon, ...] = ()) -> SpeechScript:
        """The script of a sentence of plain text (numbers and acronyms said, `lexicons` applied)."""
        return speech_script(Sentence("s1", text, Anchor("block", (), 0, len(text)), "none"), lang, lexicons)


def speech_script(sentence: Sentence, lang: str, lexicons: tuple[Lexicon, ...] = ()) -> SpeechScript:
    """How `sentence`, read in a narration in `lang`, is spoken."""
    lexicon_of = {lexicon.lang.lower(): lexicon for lexicon in lexicons}
    tokens = _credit(sentence, lang, lexicon_of) if sentence.anchor.part == "credit" else ()
    tokens = tokens or tuple(_spoken(sentence.text, 0, len(sentence.text), sentence, lang, lexicon_of))
    return SpeechScript(lang, _spaced(tokens))


def _spaced(tokens: tuple[SpokenToken, ...]) -> tuple[SpokenToken, ...]:
    """Two words are never run together, even where the text joins them ("10–12" -> "ten to twelve")."""
    out = list(tokens)
    for index in range(1, len(out)):
        if out[index].joined and out[index].is_word and out[index - 1].is_word:
            out[index] = replace(out[index], joined=False)
    return tuple(out)


@lru_cache(maxsize=16)
def speech_scripts(story: Story, lang: str) -> dict[str, SpeechScript]:
    """Every sentence of the story's narration in `lang`, by sentence id."""
    return {s.id: speech_script(s, lang, story.lexicons) for s in narration_plan(story, lang).sentences}


def _spoken(text: str, start: int, end: int, sentence: Sentence, lang: str,
            lexicon_of: dict[str, Lexicon]) -> Iterator[SpokenToken]:
    """The tokens of text[start:end], each language run with its own rules."""
    position = start
    for run_start, run_end, run_lang in sentence.languages:
        run_start, run_end = max(run_start, start), min(run_end, end)
        if run_start >= run_end:
            continue
        yield from _said(text, position, run_start, lang, for_language(lexicon_of, lang))
        yield from _said(text, run_start, run_end, run_lang, for_language(lexicon_of, run_lang))
        position = run_end
    yield from _said(text, position, end, lang, for_language(lexicon_of, lang))


@dataclass(frozen=True)
class _Said:
    """A stretch of the text said otherwise than written: [start, end) and its spoken tokens' texts."""

    start: int
    end: int
    words: tuple[str, ...]
    phonemes: str = ""


def _said(text: str, start: int, end: int, lang: str, lexicon: Lexicon | None) -> Iterator[SpokenToken]:
    """The tokens of one run of text in one language: lexicon entries, then numbers, then acronyms."""
    if start >= end:
        return
    piece = text[start:end]
    claimed: list[_Said] = []
    for found in [*_lexicon_matches(piece, lexicon), *_numbers(piece, lang)]:
        if not any(found.start < c.end and c.start < found.end for c in claimed):
            claimed.append(found)
    position = 0
    for said in sorted(claimed, key=lambda s: s.start):
        yield from _as_written(text, start + position, start + said.start, lang, start, piece)
        for index, word in enumerate(said.words):
            joined = index == 0 and _touches(text, start + said.start)
            yield SpokenToken(word, start + said.start, start + said.end, lang, said.phonemes, joined)
        position = said.end
    yield from _as_written(text, start + position, end, lang, start, piece)


def _touches(text: str, position: int) -> bool:
    """Whether the character before `position` is part of the same written word or mark."""
    return position > 0 and not text[position - 1].isspace()


def _as_written(text: str, start: int, end: int, lang: str, run_start: int = 0,
                run: str | None = None) -> Iterator[SpokenToken]:
    """Words and marks as written, but acronyms spelled out ("IOM" -> "eye oh em")."""
    shouting = _shouting(run if run is not None else text[start:end])
    for match in TOKEN.finditer(text, start, end):
        joined = _touches(text, match.start())
        words = () if shouting else _spelled(match[0], lang)
        if not words:
            yield SpokenToken(match[0], match.start(), match.end(), lang, joined=joined)
            continue
        for index, word in enumerate(words):
            yield SpokenToken(word, match.start(), match.end(), lang, joined=joined and index == 0)


def _shouting(text: str) -> bool:
    """A run written in capitals ("BREAKING NEWS FROM LIMA") is not a row of acronyms."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1]
    return len(words) >= 4 and sum(w.isupper() for w in words) * 2 > len(words)


def _spelled(word: str, lang: str) -> tuple[str, ...]:
    """An acronym's letters as the language names them ("OIM" -> "o", "i", "eme"); () otherwise."""
    plural = PLURAL_ACRONYM.match(word) if primary_subtag(lang) == "en" else None
    letters = plural[1] if plural else word
    if not ACRONYM.match(letters) or ROMAN.match(letters):
        return ()
    names = letter_names(lang)
    said = tuple(names.get(_base_letter(c), c) for c in letters.lower())
    return said[:-1] + (said[-1] + "'s",) if plural else said


def _base_letter(char: str) -> str:
    """"á" -> "a": accented capitals are named by their letter (but "ñ" is a letter of its own)."""
    import unicodedata

    return char if char == "ñ" else unicodedata.normalize("NFD", char)[0]


def _lexicon_matches(piece: str, lexicon: Lexicon | None) -> list[_Said]:
    """Where the lexicon's graphemes occur in `piece` (whole words; the longest first)."""
    if lexicon is None:
        return []
    found: list[_Said] = []
    for grapheme, entry in _graphemes(lexicon):
        for match in grapheme_pattern(grapheme).finditer(piece):
            found.append(_entry_said(entry, match.start(), match.end(), match[0]))
    return found


def _graphemes(lexicon: Lexicon) -> list[tuple[str, Pronunciation]]:
    pairs = [(g, entry) for entry in lexicon.entries for g in entry.graphemes]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


@lru_cache(maxsize=4096)
def grapheme_pattern(grapheme: str) -> re.Pattern[str]:
    """A grapheme as written, or capitalised at the start of a sentence when written in lower case."""
    first = grapheme[:1]
    head = f"[{re.escape(first)}{re.escape(first.upper())}]" if first.islower() else re.escape(first)
    return re.compile(rf"(?<!\w){head}{re.escape(grapheme[1:])}(?!\w)")


def _entry_said(entry: Pronunciation, start: int, end: int, written: str) -> _Said:
    if entry.phoneme:  # one token: the engine says the phonemes; `text` is for engines that cannot
        return _Said(start, end, (entry.alias or written,), entry.phoneme)
    return _Said(start, end, tuple(entry.alias.split()))


def _numbers(piece: str, lang: str) -> list[_Said]:
    return [_Said(n.start, n.end, tuple(n.words.split())) for n in number_words(piece, lang)]


def _credit(sentence: Sentence, lang: str, lexicon_of: dict[str, Lexicon]) -> tuple[SpokenToken, ...]:
    """"Photo: IOM/Gema Cortes" said "Photo: Gema Cortes, IOM": agency/photographer, photographer first.

    () when the credit has no slash (it is then said as written)."""
    text = sentence.text
    lead = f"{label(lang, 'photo')}: "
    credit = text[len(lead):] if text.startswith(lead) else text
    offset = len(text) - len(credit)
    parts = [(m.start() + offset, m.end() + offset) for m in re.finditer(r"[^/]+", credit) if m[0].strip()]
    if "/" not in credit or len(parts) < 2:
        return ()
    *agencies, name = parts
    slash = text.index("/", offset)
    tokens = list(_spoken(text, 0, offset, sentence, lang, lexicon_of))
    tokens += _apart(_spoken(text, *_stripped(text, name), sentence, lang, lexicon_of))
    for agency in agencies:
        tokens.append(SpokenToken(",", slash, slash + 1, lang, joined=True))
        tokens += _apart(_spoken(text, *_stripped(text, agency), sentence, lang, lexicon_of))
    return tuple(tokens)


def _apart(tokens: Iterator[SpokenToken]) -> list[SpokenToken]:
    """Tokens moved elsewhere in the sentence: the first one no longer follows its neighbour."""
    moved = list(tokens)
    return [replace(moved[0], joined=False), *moved[1:]] if moved else moved


def _stripped(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
