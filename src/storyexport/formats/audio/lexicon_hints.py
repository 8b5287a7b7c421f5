"""Lexicon entries to start from, for the words the listening check heard wrongly: the word as
written and the phonemes the narration says for it now (the lexicon's own, or else eSpeak NG's,
which Piper and Kokoro also read), in the language the word is said in. The publisher corrects
the phonemes and puts the entry in pronunciation.<lang>.pls."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from ...model import Story
from ...text.listening import SentenceHearing, folded
from ...text.narration_plan import narration_plan

MIN_LETTERS = 6  # shorter words ("said", "that") are mostly the recognizer's slips, not the narration's


def suggestions(hearing: SentenceHearing, story: Story, lang: str) -> tuple[str, ...]:
    sentence = next(s for s in narration_plan(story, lang).sentences if s.id == hearing.id)
    found: dict[str, str] = {}
    for mishearing in hearing.misheard:
        for word in mishearing.said.split():
            written = _written(word, sentence.text)
            if written is None or written in found or not word.isalpha():
                continue
            position = sentence.text.find(written)
            said_in = _language_at(sentence, position) or lang
            name = written[:1].isupper() and position > 0  # a name, not a capital after a full stop
            if len(word) < MIN_LETTERS and not name and said_in == lang:
                continue
            if written.isupper():
                continue  # spelled out letter by letter already
            found[written] = _entry(written, said_in, _entry_phonemes(story, said_in, written))
    return tuple(found.values())


def _written(compared: str, text: str) -> str | None:
    """The caption's word that compares as `compared` (same letters, ignoring case and accents)."""
    for match in re.finditer(r"\w+", text):
        if folded(match[0]) == compared:
            return match[0]
    return None


def _entry_phonemes(story: Story, lang: str, word: str) -> str | None:
    """The phonemes the story's lexicon already gives the word, if it does."""
    lexicon = story.lexicon(lang)
    entry = lexicon.entry(word) if lexicon else None
    return entry.phoneme if entry and entry.phoneme else None


def _language_at(sentence, position: int) -> str | None:
    return next((lang for start, end, lang in sentence.languages if start <= position < end), None)


def _entry(word: str, lang: str, given: str | None) -> str:
    from .tts import espeak_language
    from .tts.espeak import espeak_phonemes

    ipa = given or espeak_phonemes(word, espeak_language(lang))
    now = f"your lexicon says /{ipa}/" if given else f"the narration says /{ipa}/ now"
    return (f"<lexeme><grapheme>{escape(word)}</grapheme><phoneme>{escape(ipa)}</phoneme></lexeme>"
            f"  <!-- in pronunciation.{lang}.pls; {now}: write how it should sound -->")
