"""Speech scripts: numbers, acronyms, credits and language spans said as a reader would, each
spoken word pointing at the caption characters it says; the sample's scripts as golden files."""

from __future__ import annotations

import os

import pytest

from storyexport.model import Lexicon, Pronunciation
from storyexport.source.lexicons import default_lexicons
from storyexport.source.parse import parse
from storyexport.text.narration_plan import Anchor, Sentence, narration_plan
from storyexport.text.speech import SpeechScript, speech_script, speech_scripts

ENGLISH = [
    ("hosting 1.5 million of the 7.7 million Venezuelans",
     "hosting one point five million of the seven point seven million Venezuelans"),
    ("He arrived in 2018.", "He arrived in twenty eighteen."),
    ("2,000 people came in 2005.", "two thousand people came in two thousand five."),
    ("It grew 19% and then 19 %.", "It grew nineteen percent and then nineteen percent."),
    ("It costs US$ 2.5 million.", "It costs two point five million dollars."),
    ("A meal is $2.50 or $1.", "A meal is two dollars and fifty cents or one dollar."),
    ("the 21st century", "the twenty-first century"),
    ("on June 20, 2023", "on June twentieth, twenty twenty-three"),
    ("on 20 June 2023", "on the twentieth of June twenty twenty-three"),
    ("in the 1990s", "in the nineteen nineties"),
    ("ages 10–12, from 2018-2019", "ages ten to twelve, from twenty eighteen to twenty nineteen"),
    ("one hundred and 101", "one hundred and one hundred one"),
    ("The IOM and UNICEF help NGOs.", "The eye oh em and Unicef help en gee oh's."),
    ("World War II and COVID-19", "World War II and Covid-nineteen"),
    ("BREAKING NEWS FROM THE BORDER", "BREAKING NEWS FROM THE BORDER"),
]
SPANISH = [
    ("acoge a 1,5 millones de los 7,7 millones", "acoge a uno coma cinco millones de los siete coma siete millones"),
    ("Llegó en 2018.", "Llegó en dos mil dieciocho."),
    ("1.500.000 personas y 200 millones de dólares", "un millón quinientas mil personas y doscientos millones de dólares"),
    ("21 millones, 21 años y 21 familias", "veintiún millones, veintiún años y veintiuna familias"),
    ("el 21 de marzo", "el veintiuno de marzo"),
    ("el 19 % y el 19%", "el diecinueve por ciento y el diecinueve por ciento"),
    ("US$ 2,5 millones", "dos coma cinco millones de dólares"),
    ("S/ 50 y $1", "cincuenta soles y un dólar"),
    ("la 1.ª vez, el 1.er día, el 3.º piso", "la primera vez, el primer día, el tercero piso"),
    ("el 1 de julio de 2018", "el primero de julio de dos mil dieciocho"),
    ("1.5 y 2,05", "uno punto cinco y dos coma cero cinco"),
    ("La OIM y el ACNUR", "La o i eme y el Acnur"),
]


@pytest.mark.parametrize("written,spoken", ENGLISH)
def test_english_numbers_and_acronyms_are_said_as_words(written: str, spoken: str):
    assert SpeechScript.of_text(written, "en", default_lexicons()).text == spoken


@pytest.mark.parametrize("written,spoken", SPANISH)
def test_spanish_numbers_and_acronyms_are_said_as_words(written: str, spoken: str):
    assert SpeechScript.of_text(written, "es", default_lexicons()).text == spoken


def test_every_spoken_word_points_at_the_characters_it_says():
    text = "The IOM counted 7.7 million in 2018."
    script = SpeechScript.of_text(text, "en")
    said = [(token.text, text[token.start:token.end]) for token in script.tokens]
    assert said == [("The", "The"), ("eye", "IOM"), ("oh", "IOM"), ("em", "IOM"), ("counted", "counted"),
                    ("seven", "7.7"), ("point", "7.7"), ("seven", "7.7"), ("million", "million"), ("in", "in"),
                    ("twenty", "2018"), ("eighteen", "2018"), (".", ".")]
    offsets = script.offsets()
    assert [script.text[o:o + len(t.text)] for o, t in zip(offsets, script.tokens)] == [t.text for t in script.tokens]


def test_a_credit_is_said_as_a_phrase_never_slash(paths):
    story, _ = parse(paths.sample)
    for lang, label in (("en", "Photo"), ("es", "Foto")):
        credit = next(s for s in narration_plan(story, lang).sentences if s.anchor.part == "credit")
        script = speech_scripts(story, lang)[credit.id]
        agency = {"en": "eye oh em", "es": "o i eme"}[lang]
        assert script.text == f"{label}: Gema Cortes, {agency}"
        assert "slash" not in script.text and "/" not in script.text
        words = {credit.text[t.start:t.end] for t in script.tokens if t.is_word}
        assert {"Gema", "Cortes", "IOM" if lang == "en" else "OIM"} <= words  # out of order, each at its place
        acronym = "IOM" if lang == "en" else "OIM"
        assert script.written_in_spoken_order(credit.text) == f"{label}: Gema Cortes/ {acronym}"  # as heard


def test_language_spans_are_said_in_their_language_with_their_lexicon():
    text = "He moved from Cúcuta to Lima."
    sentence = Sentence("s1", text, Anchor("block"), "none", languages=((14, 20, "es"),))
    lexicons = (Lexicon("es", (Pronunciation(("Cúcuta",), "ˈkukuta"),)), Lexicon("en", (Pronunciation(("Lima",), "", "Leema"),)))
    script = speech_script(sentence, "en", lexicons)
    spanish = [t for t in script.tokens if t.lang == "es"]
    assert [(t.text, t.phonemes) for t in spanish] == [("Cúcuta", "ˈkukuta")]
    assert script.text == "He moved from Cúcuta to Leema."  # an alias replaces the word it says
    assert [lang for lang, _ in script.runs()] == ["en", "es", "en"] and not script.plain


def test_a_lexicon_entry_wins_over_the_acronym_rule_and_matches_a_capitalised_word():
    lexicons = (Lexicon("en", (Pronunciation(("IOM",), "", "the migration agency"),
                               Pronunciation(("tacna",), "ˈtɑːknə"))),)
    script = SpeechScript.of_text("Tacna and the IOM.", "en", lexicons)
    assert script.text == "Tacna and the the migration agency."
    assert script.tokens[0].phonemes == "ˈtɑːknə"


def test_every_venezuelan_of_the_sample_is_said_with_its_lexicon_phonemes(paths):
    story, _ = parse(paths.sample)
    lexicon = story.lexicon("en")
    plan = {s.id: s for s in narration_plan(story, "en").sentences}
    said = {plan[sentence_id].text[t.start:t.end]: t.phonemes for sentence_id, script in speech_scripts(story, "en").items()
            for t in script.tokens if "Venezuela" in plan[sentence_id].text[t.start:t.end]}
    assert set(said) == {"Venezuelan", "A Venezuelan", "a Venezuelan", "Venezuelan and", "Venezuelans", "Venezuela"}
    assert all(phonemes and phonemes == lexicon.entry(written).phoneme for written, phonemes in said.items())


def script_text(story, lang: str) -> str:
    lines = []
    for sentence in narration_plan(story, lang).sentences:
        script = speech_scripts(story, lang)[sentence.id]
        marks = " ".join(f"[{t.text}:{t.lang}{'/' + t.phonemes if t.phonemes else ''}]" for t in script.tokens
                         if t.phonemes or t.lang != lang)
        lines.append(f"{sentence.id}\t{script.text}\t{marks}".rstrip())
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sample_speech_matches_its_golden_file(lang: str, paths):
    story, _ = parse(paths.sample)
    text = script_text(story, lang)
    golden = paths.golden / f"serving-hope.{lang}.speech.txt"
    if os.environ.get("STORYEXPORT_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()
