"""Pronunciation for real, in each offline engine: a lexicon's IPA is what the engine says, a word in
another language is said in that language, and a lexicon edit re-synthesizes only its sentences."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from storyexport.formats import BuildContext, Options
from storyexport.formats.audio.builder import AudioBuilder
from storyexport.formats.audio.tts import get_engine
from storyexport.formats.audio.tts.phonemes import voice_ipa
from storyexport.model import Lexicon, NarrationChoice, Pronunciation
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.text.narration_plan import Anchor, Sentence
from storyexport.text.speech import SpeechScript, speech_script

pytestmark = pytest.mark.slow  # speech synthesis

# A deliberately wrong entry: eSpeak, Piper and Kokoro all say "Tacna" with a t; the lexicon says p.
WRONG_TACNA = {"en": Lexicon("en", (Pronunciation(("Tacna",), "ˈpakna"),)),
               "es": Lexicon("es", (Pronunciation(("Tacna",), "ˈpakna"),))}
SENTENCE = {"en": "The doctor moved to Tacna in the south.", "es": "El médico llegó a Tacna en el sur."}


def bare(phonemes: str) -> str:
    """Phonemes without stress marks (engines place them as they like)."""
    return "".join(c for c in unicodedata.normalize("NFC", phonemes) if c not in "ˈˌ")


def script(lang: str, lexicon: bool = True) -> SpeechScript:
    return SpeechScript.of_text(SENTENCE[lang], lang, (WRONG_TACNA[lang],) if lexicon else ())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_espeak_says_exactly_the_lexicon_phonemes(lang: str):
    engine = get_engine("espeak")
    voice = engine.voice(lang, NarrationChoice(lang))
    said = bare(engine.spoken_phonemes(script(lang), voice))
    default = bare(engine.spoken_phonemes(script(lang, lexicon=False), voice))
    wanted = bare(voice_ipa("ˈpakna", voice.lang))  # in the sounds this voice has
    said_words, default_words = said.split(), default.split()
    assert len(said_words) == len(default_words)
    changed = [said for said, usual in zip(said_words, default_words) if said != usual]
    assert changed == [wanted]  # that word, and only that word, is said otherwise


def test_piper_is_given_exactly_the_lexicon_phonemes():
    engine = get_engine("piper")
    voice = engine.voice("en", NarrationChoice("en"))
    model = engine.model(voice)
    own = [p for s in model.phonemize("Tacna") for p in s if p not in ".ˈˌ"]
    sentence = [p for s in model.phonemize(SENTENCE["en"]) for p in s]
    start = next(i for i in range(len(sentence)) if [p for p in sentence[i:i + len(own) + 1] if p not in "ˈˌ"] == own)
    end = start + len(own) + sum(p in "ˈˌ" for p in sentence[start:start + len(own) + 1])
    expected = sentence[:start] + list(unicodedata.normalize("NFD", voice_ipa("ˈpakna", "en-us"))) + sentence[end:]
    assert engine.phonemes(script("en"), voice) == [expected]
    clip = engine.synthesize(script("en"), voice)
    audio = np.asarray(model.phoneme_ids_to_audio(model.phonemes_to_ids(expected), _piper_config()))
    assert np.array_equal(clip.samples, np.clip(audio / np.abs(audio).max(), -1, 1).astype(np.float32))


def test_piper_keeps_a_phrase_entrys_words_apart_and_the_punctuation_around_it():
    engine = get_engine("piper")
    voice = engine.voice("en", NarrationChoice("en"))
    phrase = Lexicon("en", (Pronunciation(("a Venezuelan",), "eɪ ˈvɛnəˈzweɪlɪn"),))
    said = "".join(engine.phonemes(SpeechScript.of_text("He said so, a Venezuelan doctor.", "en", (phrase,)), voice)[0])
    assert "sˈoʊ, eɪ vˈɛnəzwˈeɪlɪn dˈɑːktɚ." in unicodedata.normalize("NFC", said)  # not "sˈoʊeɪvˈɛnə"


def test_kokoro_is_given_exactly_the_lexicon_phonemes():
    engine = get_engine("kokoro")
    voice = engine.voice("es", NarrationChoice("es"))
    tokenizer = engine.model().tokenizer
    expected = tokenizer.phonemize(SENTENCE["es"], "es-419").replace(tokenizer.phonemize("Tacna", "es-419"), "pˈakna")
    assert engine.phonemes(script("es"), voice) == expected
    clip = engine.synthesize(script("es"), voice)
    audio, _ = engine.model().create(expected, voice="jm_kumo", is_phonemes=True, sentence_pause=0, clause_pause=0)
    assert np.array_equal(clip.samples, np.asarray(audio, np.float32))


def spanning(text: str, lang: str, word: str, word_lang: str) -> SpeechScript:
    start = text.index(word)
    return speech_script(Sentence("s1", text, Anchor("block"), "none", languages=((start, start + len(word), word_lang),)), lang)


def test_espeak_says_a_spanish_word_in_english_with_the_spanish_voice():
    engine = get_engine("espeak")
    voice = engine.voice("en", NarrationChoice("en"))
    text = "He moved from Cúcuta to Lima."
    marked = bare(engine.spoken_phonemes(spanning(text, "en", "Cúcuta", "es"), voice))
    english = bare(engine.spoken_phonemes(SpeechScript.of_text(text, "en"), voice))
    spanish = bare(engine.spoken_phonemes(SpeechScript.of_text("Cúcuta", "es"), engine.voice("es", NarrationChoice("es"))))
    assert spanish.strip(". ") in marked.split() and spanish.strip(". ") not in english.split()


def test_piper_says_a_spanish_word_with_spanish_phonemes():
    from piper.phonemize_espeak import EspeakPhonemizer

    engine = get_engine("piper")
    voice = engine.voice("en", NarrationChoice("en"))
    text = "He moved from Cúcuta to Lima."
    spanish = "".join(p for s in EspeakPhonemizer().phonemize("es-419", "Cúcuta") for p in s if p not in ".")
    mapped = unicodedata.normalize("NFD", voice_ipa(spanish, "en-us"))
    said = "".join("".join(s) for s in engine.phonemes(spanning(text, "en", "Cúcuta", "es"), voice))
    assert mapped in said and mapped not in "".join("".join(s) for s in engine.phonemes(SpeechScript.of_text(text, "en"), voice))
    marked, plain = (engine.synthesize(s, voice).samples for s in (spanning(text, "en", "Cúcuta", "es"),
                                                                    SpeechScript.of_text(text, "en")))
    assert not np.array_equal(marked, plain)


def test_kokoro_says_an_english_title_with_english_phonemes():
    engine = get_engine("kokoro")
    voice = engine.voice("es", NarrationChoice("es"))
    text = "Su historia se llama Serving Hope."
    english = engine.model().tokenizer.phonemize("Serving Hope", "en-us").strip(".")
    assert english in engine.phonemes(spanning(text, "es", "Serving Hope", "en"), voice)
    assert english not in engine.phonemes(SpeechScript.of_text(text, "es"), voice)


def build(story_file, root, cache):
    story, _ = parse(story_file)
    AudioBuilder().build(story, BuildContext(root / story.slug, cache, Options(tts="espeak", offline=True)))
    return story


def test_a_lexicon_edit_resynthesizes_only_the_sentences_with_its_words(story_copy, tmp_path):
    story_file = story_copy("pronunciation")
    cache = Cache(tmp_path / "cache")
    build(story_file, tmp_path / "out", cache)
    first = cache.stats["miss:sentence"]
    lexicon = story_file.parent / "pronunciation.es.pls"
    lexicon.write_text(lexicon.read_text("utf-8").replace("ˈkukuta", "kuˈkuta"), "utf-8")
    cache = Cache(tmp_path / "cache")
    build(story_file, tmp_path / "out", cache)
    # "Cúcuta" is in one English sentence (a Spanish span) and one Spanish sentence
    assert (first, cache.stats["miss:sentence"], cache.stats["hit:sentence"]) == (10, 2, 8)


def _piper_config():
    from piper import SynthesisConfig

    return SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)


SHARED_SPANISH = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="es">
  <lexeme><grapheme>familias</grapheme><phoneme>faˈmiljas</phoneme></lexeme>
</lexicon>
"""


@pytest.mark.slow
def test_a_run_sees_a_lexicon_edited_or_added_and_speaks_again_only_its_sentences(story_copy, tmp_path):
    """A run that would otherwise have nothing to do: the story's own lexicon edited, then a
    lexicon shared by its stories folder added, each re-speaks only the sentences with its words."""
    from storyexport.pipeline import build as run

    story_file = story_copy("pronunciation")
    output, options = tmp_path / "out", Options(tts="espeak", offline=True, jobs=1)
    assert not run([story_file], ["audio"], output, options).failed
    assert run([story_file], ["audio"], output, options).cache_stats["hit:story-record"] == 1  # nothing to do
    lexicon = story_file.parent / "pronunciation.es.pls"
    lexicon.write_text(lexicon.read_text("utf-8").replace("ˈkukuta", "kuˈkuta"), "utf-8")
    edited = run([story_file], ["audio"], output, options)
    assert (edited.cache_stats["miss:sentence"], edited.cache_stats["put:story-record"]) == (2, 1)
    (story_file.parent.parent / "pronunciation.es.pls").write_text(SHARED_SPANISH, "utf-8")
    added = run([story_file], ["audio"], output, options)
    assert (added.cache_stats["miss:sentence"], added.cache_stats["put:story-record"]) == (1, 1)  # "familias"
    assert run([story_file], ["audio"], output, options).cache_stats["hit:story-record"] == 1
