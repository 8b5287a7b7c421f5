"""Word timing accuracy: the engines' word times against an independent reference, Whisper's word
timestamps (faster-whisper, multilingual base, on the same clip, offline).

    .venv/bin/python bench/words.py                   # every offline engine, the whole sample story
    .venv/bin/python bench/words.py --sentences 8     # the first 8 sentences of each language

Each sentence goes through storyexport's own synthesis (trimmed, resampled to 24 kHz, its word
times moved with it), then Whisper transcribes the clip with word timestamps. The two word lists
are matched by their spelling (difflib, after lower-casing and removing accents and punctuation).
For each pair of neighbouring words matched on both sides, the boundary between them is compared.
On each side the boundary is the stretch from the end of the first word to the start of the
second (a pause between two words is a boundary as a whole; Whisper's words mostly touch, so its
stretch is mostly a point), and the difference is the distance between the two stretches (0 when
they meet). "bias" is the median of the signed differences (negative: Whisper puts boundaries
earlier). Word starts alone are printed too. Figures: median and 95th percentile, in ms.
The recogniser is bench-only: see bench/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/narration.py: the recogniser's weights

from narration import ASR_RATE, RUNS, SAMPLE, normalise, whisper_base  # noqa: E402

from storyexport.formats.audio.synthesis import RATE, _speak  # noqa: E402
from storyexport.formats.audio.tts import get_engine  # noqa: E402
from storyexport.model import NarrationChoice  # noqa: E402
from storyexport.source.parse import parse  # noqa: E402
from storyexport.text.narration_plan import narration_plan  # noqa: E402
from storyexport.text.words import words  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=0, help="first N sentences per language (0: all)")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    whisper = WhisperModel(str(whisper_base()), device="cpu", compute_type="int8", cpu_threads=2)
    story, _ = parse(SAMPLE)
    print("reference: Whisper base (faster-whisper, int8), word_timestamps=True, beam 5, language given")
    print(f"{'engine':8} {'lang':4} {'sentences':>9} {'words':>6} {'matched':>7} {'boundaries':>10} "
          f"{'median ms':>9} {'p95 ms':>7} {'bias':>5} {'start med':>9} {'start p95':>9} {'estimated':>9}")
    for name, lang, _ in RUNS:
        sentences = narration_plan(story, lang).sentences
        sentences = sentences[:args.sentences] if args.sentences else sentences
        print(measure(name, lang, sentences, whisper), flush=True)


def measure(name: str, lang: str, sentences, whisper) -> str:
    import soxr

    engine = get_engine(name, offline=True)
    voice = engine.voice(lang, NarrationChoice(lang))
    boundaries, signed, starts, total, matched, estimated = [], [], [], 0, 0, 0
    for sentence in sentences:
        spoken = _speak(sentence, engine, voice)
        estimated += spoken.estimated
        audio = soxr.resample(spoken.pcm.astype(np.float32) / 32768, RATE, ASR_RATE).astype(np.float32)
        segments, _ = whisper.transcribe(audio, language=lang, beam_size=5, word_timestamps=True,
                                         condition_on_previous_text=False)
        heard = [(normalise(w.word), w.start, w.end) for s in segments for w in s.words if normalise(w.word)]
        ours = [(normalise(sentence.text[w.start:w.end]), b / RATE, e / RATE)
                for w, (b, e) in zip(words(sentence.text), spoken.words)]
        pairs = matches([w for w, _, _ in ours], [w for w, _, _ in heard])
        total, matched = total + len(ours), matched + len(pairs)
        starts += [abs(ours[i][1] - heard[j][1]) for i, j in pairs]
        for (i, j), (k, m) in zip(pairs, pairs[1:]):
            if k == i + 1 and m == j + 1:
                (ours_low, ours_high), (low, high) = (ours[i][2], ours[k][1]), (heard[j][2], heard[m][1])
                late, early = low - ours_high, ours_low - high  # Whisper's stretch after ours / before ours
                boundaries.append(max(0.0, late, early))
                signed.append(late if late > 0 else -early if early > 0 else 0.0)
    return (f"{name:8} {lang:4} {len(sentences):9d} {total:6d} {matched:7d} {len(boundaries):10d} "
            f"{ms(boundaries, 50):9.0f} {ms(boundaries, 95):7.0f} {ms(signed, 50):5.0f} {ms(starts, 50):9.0f} "
            f"{ms(starts, 95):9.0f} {estimated:9d}")


def matches(ours: list[str], heard: list[str]) -> list[tuple[int, int]]:
    """(our index, Whisper's index) of the words both heard the same, in order."""
    blocks = difflib.SequenceMatcher(a=ours, b=heard, autojunk=False).get_matching_blocks()
    return [(block.a + k, block.b + k) for block in blocks for k in range(block.size)]


def ms(values: list[float], percentile: int) -> float:
    return float(np.percentile(values, percentile)) * 1000 if values else float("nan")


if __name__ == "__main__":
    main()
