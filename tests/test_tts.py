"""The offline engines, for real: they speak, they are deterministic, and the choice among them."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys

import numpy as np
import pytest

from storyexport.errors import EngineUnavailable
from storyexport.formats.audio.tts import (
    candidates,
    choose,
    get_engine,
    requested_engine,
)
from storyexport.model import NarrationChoice
from storyexport.text.speech import SpeechScript

SENTENCES = {"en": ("Jesus arrived in Tacna in 2018.", "He could not validate his medical license."),
             "es": ("Jesús llegó a Tacna en 2018.", "No pudo revalidar su título de médico.")}
OFFLINE = [("espeak", "en"), ("espeak", "es"), ("piper", "en"), ("kokoro", "es")]


def digest(name: str, lang: str, text: str) -> str:
    engine = get_engine(name, offline=True)
    clip = engine.synthesize(SpeechScript.of_text(text, lang), engine.voice(lang, NarrationChoice(lang)))
    return hashlib.sha256(np.asarray(clip.samples, np.float32).tobytes()).hexdigest()


@pytest.mark.slow  # speech synthesis
@pytest.mark.parametrize("name,lang", OFFLINE)
def test_engine_speaks_a_sentence_at_a_speaking_pace(name: str, lang: str):
    engine = get_engine(name, offline=True)
    assert engine.unavailable_reason(lang) is None
    text = SENTENCES[lang][1]
    clip = engine.synthesize(SpeechScript.of_text(text, lang), engine.voice(lang, NarrationChoice(lang)))
    seconds = len(clip.samples) / clip.rate
    assert 0.2 <= seconds / len(text.split()) <= 0.9  # trailing silence included
    assert np.abs(clip.samples).max() > 0.1


@pytest.mark.slow  # speech synthesis
@pytest.mark.parametrize("name,lang", OFFLINE)
def test_engine_is_deterministic_whatever_was_said_before(name: str, lang: str):
    first, other = SENTENCES[lang]
    before = digest(name, lang, first)
    digest(name, lang, other)
    assert digest(name, lang, first) == before


@pytest.mark.slow  # speech synthesis
@pytest.mark.parametrize("name,lang", OFFLINE)
def test_a_fresh_process_says_a_sentence_with_the_same_bytes(name: str, lang: str):
    text = SENTENCES[lang][0]
    code = ("import sys, hashlib, numpy as np; from storyexport.formats.audio.tts import get_engine; "
            "from storyexport.model import NarrationChoice; from storyexport.text.speech import SpeechScript; "
            f"engine = get_engine({name!r}, offline=True); "
            f"clip = engine.synthesize(SpeechScript.of_text(sys.argv[1], {lang!r}), "
            f"engine.voice({lang!r}, NarrationChoice({lang!r}))); "
            "print(hashlib.sha256(np.asarray(clip.samples, np.float32).tobytes()).hexdigest())")
    fresh = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, check=True)
    assert fresh.stdout.strip() == digest(name, lang, text)


def test_auto_offline_prefers_piper_for_english_and_kokoro_for_spanish(caplog):
    caplog.set_level(logging.INFO, logger="storyexport.formats.audio.tts")
    assert choose("en", "auto", NarrationChoice("en"), offline=True).voice.engine == "piper"
    spanish = choose("es", "auto", NarrationChoice("es"), offline=True)
    assert (spanish.voice.engine, spanish.voice.name, spanish.voice.lang) == ("kokoro", "jm_kumo", "es-419")
    assert spanish.fallbacks == ("espeak",)
    lines = [r.getMessage() for r in caplog.records]
    assert "narration es: kokoro, voice jm_kumo (auto, --offline: first choice)" in lines


def test_auto_falls_back_to_espeak_and_says_why(caplog):
    caplog.set_level(logging.INFO, logger="storyexport.formats.audio.tts")
    chosen = choose("es", "auto", NarrationChoice("es"), offline=True, skip=("kokoro",))
    assert chosen.voice.engine == "espeak" and chosen.voice.name == "es-419"
    assert caplog.records[-1].getMessage() == ("narration es: espeak, voice es-419 "
                                               "(auto, --offline: kokoro: failed while narrating)")


def test_online_auto_tries_gtts_first_and_offline_never_does():
    assert candidates("en", "auto", offline=False) == ("gtts", "piper", "espeak")
    assert candidates("es", "auto", offline=True) == ("kokoro", "espeak")
    assert candidates("fr", "auto", offline=True) == ("espeak",)
    assert candidates("es", "espeak", offline=False) == ("espeak",)


def test_the_command_line_engine_wins_over_the_story():
    story = NarrationChoice("es", "espeak", "es-419")
    assert requested_engine("auto", story) == "espeak"
    assert requested_engine("kokoro", story) == "kokoro"


def test_nothing_can_speak_lists_every_reason_and_the_install_hint():
    with pytest.raises(EngineUnavailable) as caught:
        choose("es", "piper", NarrationChoice("es"), offline=True)
    assert "piper: Piper's only packaged voice (en_US-joe-medium) speaks English, not 'es'" in str(caught.value)
    assert "--tts auto" in str(caught.value) and "pip install" not in str(caught.value)
    with pytest.raises(EngineUnavailable) as caught:
        choose("xx", "auto", NarrationChoice("xx"), offline=True)
    assert "espeak: eSpeak NG has no voice for 'xx'" in str(caught.value)
    assert "no engine storyexport has can speak 'xx'; leave the language out with --lang" in str(caught.value)


def test_story_voices_are_used_and_checked():
    kokoro = get_engine("kokoro")
    assert kokoro.voice("es", NarrationChoice("es", "kokoro", "jf_nezumi")).name == "jf_nezumi"
    assert kokoro.voice("es", NarrationChoice("es", "auto", "jf_nezumi")).name == "jm_kumo"
    with pytest.raises(EngineUnavailable, match="Kokoro has no voice 'nobody'"):
        kokoro.voice("es", NarrationChoice("es", "kokoro", "nobody"))
    assert get_engine("espeak").voice("es-ES", NarrationChoice("es-ES")).name == "es"
