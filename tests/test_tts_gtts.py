"""gTTS against local stand-ins of Google's endpoint: `responses` for answers, local sockets for silence."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import socket
import time
from urllib.parse import unquote

import numpy as np
import pytest
import responses

from storyexport.formats import BuildContext, Options
from storyexport.formats.audio.builder import AudioBuilder
from storyexport.formats.audio.encode import write_mp3
from storyexport.formats.audio.splice import GAP
from storyexport.formats.audio.tts import choose
from storyexport.formats.audio.tts.gtts import REQUEST_TIMEOUT, GttsEngine
from storyexport.model import NarrationChoice
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.store.layout import TIMINGS
from storyexport.text.narration_plan import Anchor, Sentence
from storyexport.text.speech import SpeechScript, speech_script
from storyexport.text.timings import load_timings

ENDPOINT = re.compile(r"https://translate\.google\.[a-z.]+/_/TranslateWebserverUi/data/batchexecute")


def tone_mp3() -> bytes:
    """One second of a 220 Hz tone as an MP3, as Google would send it."""
    out = io.BytesIO()
    write_mp3([(np.sin(np.arange(24000) * 2 * np.pi * 220 / 24000) * 8000).astype(np.int16)], 24000, out)
    return out.getvalue()


TONE = tone_mp3()


def google_answer(audio: bytes = TONE) -> str:
    """The body Google sends back: the MP3, base64, inside its RPC envelope."""
    payload = base64.b64encode(audio).decode()
    return ')]}\'\n\n123\n[["wrb.fr","jQ1olc","[\\"' + payload + '\\"]",null,null,null,"generic"]]\n'


def spoken(request) -> list:
    """[text, lang, speed, ...] that gTTS put in a request."""
    return json.loads(json.loads(unquote(request.body[6:-1]))[0][0][1])


@pytest.fixture(autouse=True)
def fresh_engine(monkeypatch):
    monkeypatch.setattr(GttsEngine, "backoff", 0.01)
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_one_request_per_sentence_latin_american_spanish_and_a_timeout():
    engine = GttsEngine()
    voice = engine.voice("es", NarrationChoice("es"))
    text = "Tener la oportunidad de ejercer como médico, dijo Jesús, es un milagro."
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        clip = engine.synthesize(SpeechScript.of_text(text, "es"), voice)
        assert len(mock.calls) == 1
        request = mock.calls[0].request
    assert request.url.startswith("https://translate.google.com.mx/")
    assert spoken(request)[:2] == [text, "es"]  # whole, commas and all
    assert request.req_kwargs["timeout"] == REQUEST_TIMEOUT
    assert clip.rate == 24000 and len(clip.samples) == 24000


def test_the_story_can_ask_for_another_accent():
    engine = GttsEngine()
    voice = engine.voice("es", NarrationChoice("es", "gtts", tld="es"))
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        engine.synthesize(SpeechScript.of_text("Hola.", "es"), voice)
        assert mock.calls[0].request.url.startswith("https://translate.google.es/")
    assert voice.setting("tld") == "es"


def test_words_in_another_language_are_asked_of_that_languages_voice_and_aliases_replace_words():
    from storyexport.model import Lexicon, Pronunciation

    engine = GttsEngine()
    text = "He moved from Cúcuta to Lima with the IOM."
    sentence = Sentence("s1", text, Anchor("block"), "none", languages=((14, 20, "es"),))
    lexicons = (Lexicon("en", (Pronunciation(("Lima",), "ˈliːmə", "Leema"),)),)
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        clip = engine.synthesize(speech_script(sentence, "en", lexicons), engine.voice("en", NarrationChoice("en")))
        asked = [spoken(call.request)[:2] for call in mock.calls]
    assert asked == [["He moved from", "en"], ["Cúcuta", "es"], ["to Leema with the eye oh em.", "en"]]
    gap = round(GAP * 24000)
    assert len(clip.samples) == 3 * 24000 + 2 * gap  # one clip: three pieces, two short breaths
    for join in (24000, 2 * 24000 + gap):  # each piece faded out and the next faded in: no click
        assert abs(clip.samples[join - 1]) < 1e-3 and abs(clip.samples[join + gap]) < 1e-3


def test_a_sentence_wholly_in_another_language_is_asked_of_that_languages_voice():
    engine = GttsEngine()
    text = "Hola, amigos."
    sentence = Sentence("s1", text, Anchor("block"), "none", languages=((0, len(text), "es-419"),))
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        engine.synthesize(speech_script(sentence, "en", ()), engine.voice("en", NarrationChoice("en")))
        asked = [spoken(call.request)[:2] for call in mock.calls]
    assert asked == [["Hola, amigos.", "es"]]  # es-419: Google's Spanish, the closest it has


def test_429_then_success_is_retried_after_a_pause(caplog):
    caplog.set_level(logging.WARNING)
    engine = GttsEngine()
    answers = iter([(429, {}, "slow down"), (503, {}, "busy"), (200, {}, google_answer())])
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, ENDPOINT, callback=lambda request: next(answers))
        clip = engine.synthesize(SpeechScript.of_text("Hello.", "en"), engine.voice("en", NarrationChoice("en")))
        assert len(mock.calls) == 3
    assert len(clip.samples) == 24000
    assert [r.getMessage()[:22] for r in caplog.records if r.levelno == logging.WARNING] == \
        ["gTTS: 429 (Too Many Re", "gTTS: 503 (Service Una"]


def test_a_lasting_error_gives_up_after_the_last_attempt():
    from storyexport.formats.audio.tts import EngineFailed

    engine = GttsEngine()
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, status=500)
        with pytest.raises(EngineFailed, match="500"):
            engine.synthesize(SpeechScript.of_text("Hello.", "en"), engine.voice("en", NarrationChoice("en")))
        assert len(mock.calls) == 4


@pytest.fixture
def silent_proxy(monkeypatch):
    """A local proxy that accepts connections and never answers (a black-holed network)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.getsockname()[1]}")
        yield


@pytest.fixture
def no_network(monkeypatch):
    """A proxy address where nothing listens: every connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")


def test_auto_gives_up_on_a_silent_google_within_the_limit(silent_proxy, monkeypatch, caplog):
    monkeypatch.setattr(GttsEngine, "probe_timeout", 1.0)
    caplog.set_level(logging.INFO, logger="storyexport.formats.audio.tts")
    run: dict = {}  # one run's engines: each language is probed once in it
    started = time.monotonic()
    chosen = choose("es", "auto", NarrationChoice("es"), offline=False, engines=run)
    again = choose("es", "auto", NarrationChoice("es"), offline=False, engines=run)  # no second wait
    assert time.monotonic() - started < 1.8
    assert (chosen.voice.engine, again.voice.engine) == ("kokoro", "kokoro")
    line = caplog.records[-1].getMessage()
    assert line.startswith("narration es: kokoro, voice jm_kumo (auto: gtts: Google did not answer within 1 s (")


def test_the_probe_lasts_one_run_and_is_asked_per_language():
    run, calls = {}, []
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, ENDPOINT, callback=lambda request: (calls.append(spoken(request)[1])
                                                                               or (200, {}, google_answer())))
        for lang in ("es", "en", "es", "en"):
            choose(lang, "auto", NarrationChoice(lang), offline=False, engines=run)
        assert calls == ["es", "en"]  # one probe per language in this run
        choose("es", "auto", NarrationChoice("es"), offline=False, engines={})  # the next run asks again
        assert calls == ["es", "en", "es"]


def test_no_network_means_the_offline_engine_with_the_log_line(no_network, caplog):
    caplog.set_level(logging.INFO, logger="storyexport.formats.audio.tts")
    chosen = choose("en", "auto", NarrationChoice("en"), offline=False)
    assert chosen.voice.engine == "piper"
    assert re.fullmatch(r"narration en: piper, voice en_US-joe-medium \(auto: gtts: Google did not answer "
                        r"within 3 s \(\w+Error\)\)", caplog.records[-1].getMessage())


def test_google_answering_makes_auto_choose_gtts():
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        chosen = choose("es", "auto", NarrationChoice("es"), offline=False)
        probe_timeout = mock.calls[0].request.req_kwargs["timeout"]
    assert chosen.voice.engine == "gtts" and chosen.voice.setting("tld") == "com.mx"
    assert chosen.fallbacks == ("kokoro", "espeak") and sum(probe_timeout) == 3.0


def test_offline_never_touches_the_network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        assert GttsEngine(offline=True).unavailable_reason("en") == "--offline: the network is not used"
        assert choose("en", "auto", NarrationChoice("en"), offline=True).voice.engine == "piper"
        assert len(mock.calls) == 0


@pytest.mark.slow  # Piper narrates the story when Google fails
def test_gtts_failing_mid_way_hands_the_language_to_the_offline_engine(tmp_path, caplog, paths):
    caplog.set_level(logging.WARNING)
    story, _ = parse(paths.story("narration-excerpt"))
    folder = tmp_path / story.slug
    answers = iter([(200, {}, google_answer())])  # the probe succeeds, then Google fails
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, ENDPOINT, callback=lambda request: next(answers, (500, {}, "")))
        options = Options(languages=("en",), tts="auto", offline=False)
        AudioBuilder().build(story, BuildContext(folder, Cache(tmp_path / ".cache"), options))
    timings = load_timings(TIMINGS.path(folder, story.slug, "en"))
    assert timings.engine == "piper"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("narration en: gtts failed (gTTS: 500") for m in warnings)
    # the manifest says so too: the builder's details for every audio file carry the note
    outputs = AudioBuilder().build(story, BuildContext(folder, Cache(tmp_path / ".cache"),
                                                       Options(languages=("en",), offline=True)))
    assert all(o.details["warnings"] == list(timings.notes) for o in outputs)
    assert timings.notes[0].startswith("gtts failed while narrating (gTTS: 500")


def test_gtts_words_are_estimated_by_phonemes_and_the_manifest_says_so(tmp_path, paths):
    """Google gives no word times: each sentence is shared out among its words, and that is said."""
    from storyexport.text.timings import ESTIMATED_WORDS
    from storyexport.text.words import words

    story, _ = parse(paths.story("narration-excerpt"))
    folder = tmp_path / story.slug
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, ENDPOINT, body=google_answer())
        outputs = AudioBuilder().build(story, BuildContext(folder, Cache(tmp_path / ".cache"),
                                                           Options(languages=("en",), tts="gtts")))
    timings = load_timings(TIMINGS.path(folder, story.slug, "en"))
    assert timings.engine == "gtts" and timings.word_timing == ESTIMATED_WORDS
    assert {o.details["word_timings"] for o in outputs} == {ESTIMATED_WORDS}
    for sentence in timings.sentences:
        assert len(sentence.words) == len(words(sentence.text))
        assert sentence.words[0].begin == sentence.begin and sentence.words[-1].end == sentence.end
        assert all(a.end == b.begin for a, b in zip(sentence.words, sentence.words[1:]))
        durations = {sentence.text[slice(*w.chars)]: w.end - w.begin for w in sentence.words}
        if {"a", "Venezuelan"} <= set(durations):  # more phonemes, more time
            assert durations["Venezuelan"] > 3 * durations["a"]
