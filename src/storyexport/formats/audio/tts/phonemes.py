"""IPA from a lexicon, made sayable by a voice: in the units a language's voices were trained on
(Piper, Kokoro) or in eSpeak NG's own phoneme mnemonics (eSpeak takes no IPA input).

Which IPA units a language has, and each unit's eSpeak mnemonic, is asked of eSpeak itself: a
short text (assets/phonemes/<language>.txt) is phonemized twice, in IPA and in mnemonics, with a
separator between phonemes, and the two zipped. Lexicons are written by people, in IPA as
dictionaries print it; symbols a language's voices never say are replaced by the nearest they
do (NEAREST: "r" is "ɹ" in English; a bare "a" is "ɑː" there, eSpeak's English only has it in
"aɪ" and "aʊ").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

from ....text.languages import primary_subtag

log = logging.getLogger(__name__)

CORPUS_FOLDER = "assets/phonemes"
SEPARATOR = "_"
STRESS = {"ˈ": "'", "ˌ": ","}
VOWELS = set("aeiouyæøœɐɑɒɔəɘɚɛɜɝɞɤɨɪɯɵɶʉʊʌʏᵻ")
DROPPED = "/[]().‿͜͡ "  # delimiters, syllable breaks, linking marks and tie bars
# IPA symbols a language's voices never say alone -> the nearest units they do say.
NEAREST = {
    "en": {"a": "ɑː", "e": "eɪ", "o": "oʊ", "r": "ɹ", "ɾ": "ɾ", "x": "h", "β": "b", "ɣ": "ɡ", "ʝ": "j", "ɲ": "nj",
           "ʎ": "j", "ɛə": "ɛɹ", "əʊ": "oʊ", "ɒ": "ɑː", "ɑ": "ɑː", "u": "uː", "ɝ": "ɜː", "ɫ": "l",
           "ʍ": "w", "ɜ": "ɜː", "y": "uː", "ø": "ɜː", "ç": "h", "ʁ": "ɹ", "ʀ": "ɹ", "ɔ": "ɔː"},
    "es": {"ə": "a", "ɪ": "i", "ʊ": "u", "æ": "a", "ɑ": "a", "ɒ": "o", "ɔ": "o", "ʌ": "a", "ɹ": "ɾ",
           "ɚ": "eɾ", "ɜ": "e", "θ": "s", "ʃ": "tʃ", "ʒ": "ʝ", "v": "b", "z": "s", "h": "x", "ʎ": "ʝ",
           "iː": "i", "uː": "u", "ɑː": "a", "ɔː": "o", "oʊ": "o", "eɪ": "ei", "aɪ": "ai", "aʊ": "au",
           "y": "i", "ʔ": "", "ɡ": "ɡ", "ɫ": "l", "ʁ": "r", "ʀ": "r", "ɾ": "ɾ"},
}


def clean(ipa: str) -> str:
    """IPA as a dictionary prints it, in the code points eSpeak writes (NFC, "ɡ", "ˈ", "ː")."""
    text = unicodedata.normalize("NFC", ipa)
    text = text.replace("g", "ɡ").replace("'", "ˈ").replace(":", "ː")
    return "".join(c for c in text if c not in DROPPED)


@lru_cache(maxsize=16)
def inventory(language: str) -> dict[str, str]:
    """The IPA units eSpeak NG says in `language` ("en-us"), each with its mnemonic."""
    from .espeak import espeak_phonemes

    text = _corpus(language)
    counts: Counter[tuple[str, str]] = Counter()
    for line in filter(str.strip, text.splitlines()):
        in_ipa = espeak_phonemes(line, language, ipa=True, separator=SEPARATOR).split()
        in_mnemonics = espeak_phonemes(line, language, ipa=False, separator=SEPARATOR).split()
        if len(in_ipa) != len(in_mnemonics):
            continue
        for ipa_word, mnemonic_word in zip(in_ipa, in_mnemonics):
            ipa_units, mnemonic_units = ipa_word.split(SEPARATOR), mnemonic_word.split(SEPARATOR)
            if len(ipa_units) == len(mnemonic_units):
                counts.update((i.lstrip("ˈˌ"), m.lstrip("',%=")) for i, m in zip(ipa_units, mnemonic_units))
    units: dict[str, str] = {}
    for (ipa, mnemonic), _ in counts.most_common():
        if ipa and mnemonic:
            units.setdefault(ipa, mnemonic)
    return units


def _corpus(language: str) -> str:
    folder = resources.files("storyexport").joinpath(CORPUS_FOLDER)
    for name in (language, primary_subtag(language), "en"):
        entry = folder.joinpath(f"{name}.txt")
        if entry.is_file():
            return entry.read_text("utf-8")
    raise AssertionError("unreachable: the English corpus ships with storyexport")


def units(ipa: str, language: str) -> list[str]:
    """`ipa` as `language`'s units (stress marks kept as units of their own), longest match first;
    symbols the language lacks become the nearest it has, and those it cannot say are left out."""
    known = inventory(language)
    nearest = NEAREST.get(primary_subtag(language), {})
    keys = sorted({*known, *nearest}, key=len, reverse=True)
    text, out, position = clean(ipa), [], 0
    if primary_subtag(language) == "en" and re.search(r"[aeiouæɑɐɛɪɔʊəʌ][^ˈˌ]*a$", text):
        text = text[:-1] + "ə"  # an unstressed final a ("Tacna") is English schwa
    while position < len(text):
        if text[position] in STRESS:
            out.append(text[position])
            position += 1
            continue
        key = next((k for k in keys if text.startswith(k, position)), None)
        if key is None and text[position] in "ːˑ":  # a length the language does not mark
            position += 1
            continue
        if key is None:
            log.warning("the %s voice has no sound for %r in /%s/; it is left out", language, text[position], ipa)
            position += 1
            continue
        out.append(key if key in known else nearest[key])
        position += len(key)
    return [u for u in out if u]


def voice_ipa(ipa: str, language: str) -> str:
    """`ipa` in the units a voice of `language` was trained on (for Piper and Kokoro), each stress
    mark moved to just before its vowel, where eSpeak NG (and so their training data) puts it:
    "ˌvɛnəˈzweɪlən" -> "vˌɛnəzwˈeɪlən". The words of a phrase stay apart ("eɪ ˈvɛnə..." -> "eɪ vˈɛnə...")."""
    return " ".join("".join(_stress_on_vowels(units(word, language))) for word in ipa.split())


def espeak_style(ipa: str) -> str:
    """IPA cleaned, with its stress marks where eSpeak NG writes them (before the vowel)."""
    return "".join(_stress_on_vowels(list(clean(ipa))))


def _stress_on_vowels(said: list[str]) -> list[str]:
    out: list[str] = []
    pending = ""
    for unit in said:
        if unit in STRESS:
            pending = unit
        elif pending and _is_vowel(unit):
            out += [pending, unit]
            pending = ""
        else:
            out.append(unit)
    return out + ([pending] if pending else [])


def _is_vowel(unit: str) -> bool:
    return any(c in VOWELS for c in unit)


def mnemonics(ipa: str, language: str) -> str:
    """`ipa` as eSpeak NG mnemonics for its `language` voice, for `[[...]]` input."""
    known = inventory(language)
    said = []
    for unit in units(ipa, language):
        if unit in STRESS:
            said.append(STRESS[unit])
        else:  # a nearest unit may be several of the language's units ("nj", "eɾ")
            said += [known[u] for u in units(unit, language) if u in known] if unit not in known else [known[unit]]
    return "".join(said)
