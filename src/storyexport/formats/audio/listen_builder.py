"""The listening check (`storyexport listen`): an offline recognizer transcribes each narrated
sentence, and every sentence heard otherwise than written is listed with its misheard words and
a lexicon entry to start a correction from. Transcripts are cached per sentence audio."""

from __future__ import annotations

import logging
from typing import ClassVar

from ...errors import BuildError
from ...model import Story
from ...store.cache import cache_key
from ...store.layout import LISTENING, TIMINGS
from ...store.manifest import sha256_file
from ...text.listening import Listening, SentenceHearing, compare, save_listening
from ...text.narration_plan import NarrationPlan, narration_plan
from ...text.timings import recorded_timings
from .. import BuildContext, Output

log = logging.getLogger(__name__)
TRANSCRIPT_VERSION = 1  # bump when the transcription recipe changes


class ListenBuilder:
    name = "listen"
    description = "listening check: an offline recognizer transcribes the narration (extra [listen])"
    needs: ClassVar[tuple[str, ...]] = ("audio",)
    per_language: ClassVar[bool] = True  # not part of `all` (formats.ON_DEMAND): about a second per sentence

    def build(self, story: Story, ctx: BuildContext) -> list[Output]:
        from . import recognizer

        if reason := recognizer.unavailable_reason():
            raise BuildError(reason)
        outputs = []
        for lang in ctx.languages(story):
            plan = narration_plan(story, lang)
            listening = self._listen(story, plan, ctx)
            if listening is not None:
                path = save_listening(LISTENING.path(ctx.folder, story.slug, lang), listening)
                log.info("listening %s: word error rate %.3f; %d of %d sentences heard otherwise", lang,
                         listening.word_error_rate, len(listening.sentences), len(plan.sentences))
                outputs.append(Output(path, LISTENING.format, lang, {"word_error_rate": round(listening.word_error_rate, 4)}))
        return outputs

    def _listen(self, story: Story, plan: NarrationPlan, ctx: BuildContext) -> Listening | None:
        from ...text.speech import speech_scripts
        from .builder import speakers
        from .recognizer import Recognizer, model_name
        from .synthesis import spoken_clips
        from .tts import choose

        timings = recorded_timings(ctx.folder, story.slug, plan, f"the {plan.lang} narration cannot be listened to")
        if timings is None:
            return None
        selection = choose(plan.lang, timings.engine, story.narration_for(plan.lang), ctx.options.offline,
                           engines=ctx.engines)
        scripts = speech_scripts(story, plan.lang)
        with speakers(selection.engine, selection.voice, scripts, ctx) as speak:  # from the cache, as a rule
            spoken = spoken_clips(plan, scripts, selection.voice, ctx.cache, speak, ctx.progress)
        keys = {sentence_id: clip.key for sentence_id, clip in spoken.items()}
        unique = list(dict.fromkeys(keys.values()))
        heard: dict[str, str] = {}
        task, recognizer, model = f"listening {plan.lang}", Recognizer(), model_name()
        for done, key in enumerate(unique):
            ctx.progress(task, done, len(unique))
            heard[key] = self._transcript(key, plan.lang, model, recognizer, ctx)
        ctx.progress(task, len(unique), len(unique))
        hearings = [compare(s.id, s.text, heard[keys[s.id]], plan.lang, scripts[s.id].written_in_spoken_order(s.text))
                    for s in plan.sentences]
        misheard = tuple(_with_suggestions(h, story, plan.lang) for h in hearings if h.errors)
        sha = sha256_file(TIMINGS.path(ctx.folder, story.slug, plan.lang))
        return Listening(plan.lang, model, timings.engine, timings.voice, sha, sum(h.words for h in hearings),
                         sum(h.errors for h in hearings), misheard)

    @staticmethod
    def _transcript(key: str, lang: str, model: str, recognizer, ctx: BuildContext) -> str:
        """What the recognizer hears in the sentence cached under `key` (its sound read from the
        cache only when it has not been heard before)."""
        import numpy as np

        from .stream import RATE

        transcript_key = cache_key("transcript", TRANSCRIPT_VERSION, key, lang, model)
        if hit := ctx.cache.get(transcript_key, kind="transcript"):
            return hit[0].decode("utf-8")
        sound = ctx.cache.get(key, kind="sentence", counted_as="listening")
        if sound is None:
            raise BuildError("a sentence's audio disappeared from the cache during the listening check; "
                             "run storyexport again")
        text = recognizer.transcribe(np.frombuffer(sound[0], np.int16).astype("float32") / 32768, RATE, lang)
        ctx.cache.put(transcript_key, text.encode("utf-8"), kind="transcript")
        return text


def _with_suggestions(hearing: SentenceHearing, story: Story, lang: str) -> SentenceHearing:
    from dataclasses import replace

    from .lexicon_hints import suggestions

    return replace(hearing, suggestions=suggestions(hearing, story, lang))
