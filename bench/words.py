"""Word timing accuracy: the engines' word times against an independent reference, Whisper's word
timestamps (faster-whisper, multilingual base, on the same clip, offline).

    .venv/bin/python bench/words.py                   # every offline engine, the whole sample story
    .venv/bin/python bench/words.py --sentences 8     # the first 8 sentences of each language
    .venv/bin/python bench/words.py --engine kokoro   # one engine

Each sentence goes through storyexport's own synthesis (trimmed, resampled to 24 kHz, its word
times moved with it), then Whisper transcribes the clip with word timestamps. The two word lists
are matched by their spelling (difflib, after lower-casing and removing accents and punctuation).
For each pair of neighbouring words matched on both sides, the boundary between them is compared.
On each side the boundary is the stretch from the end of the first word to the start of the
second (a pause between two words is a boundary as a whole; Whisper's words mostly touch, so its
stretch is mostly a point), and the difference is the distance between the two stretches (0 when
they meet). "bias" is the median of the signed differences (negative: Whisper puts boundaries
earlier). Word starts alone are printed too. Figures: median and 95th percentile, in ms.

Whisper's word timestamps come from its cross-attention and are weakest at pauses: it often ends
a word 0.2-0.6 s before its sound ends and stretches the next word over the pause. A second
reference corrects that the way stable-ts does (its default, loudness-based "suppress silence"):
where the clip is silent for at least 100 ms (10 ms frames below -50 dBFS) inside two neighbouring
Whisper words and Whisper's boundary misses that pause, the boundary becomes the pause. The pause
is measured on the audio, not taken from the engine, so the reference stays independent; it
only moves boundaries that fall at a pause (every other boundary is Whisper's own).
A third check needs no recogniser: at every pause inside a clip, where the sound resumes is where
the next word starts. "onset" compares each such point with our start of the word nearest to it
(median and 95th percentile of the distance, and the median signed difference: negative when our
word starts before its sound).
The recogniser is bench-only: see bench/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/narration.py: the recogniser's weights

from narration import ASR_RATE, RUNS, SAMPLE, normalise, whisper_base  # noqa: E402

from storyexport.formats.audio.synthesis import RATE, speak  # noqa: E402
from storyexport.text.speech import speech_script  # noqa: E402
from storyexport.formats.audio.tts import get_engine  # noqa: E402
from storyexport.model import NarrationChoice  # noqa: E402
from storyexport.source.parse import parse  # noqa: E402
from storyexport.text.narration_plan import narration_plan  # noqa: E402
from storyexport.text.words import words  # noqa: E402

SILENCE_DB = -50  # dBFS: a 10 ms frame quieter than this is silent
MIN_PAUSE = 0.1  # seconds: shorter silences are stop consonants inside words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=0, help="first N sentences per language (0: all)")
    parser.add_argument("--engine", choices=sorted({name for name, _, _ in RUNS}), help="only this engine")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    whisper = WhisperModel(str(whisper_base()), device="cpu", compute_type="int8", cpu_threads=2)
    story, _ = parse(SAMPLE)
    print("reference: Whisper base (faster-whisper, int8), word_timestamps=True, beam 5, language given")
    print(f"{'engine':8} {'lang':4} {'sentences':>9} {'words':>6} {'matched':>7} {'boundaries':>10} "
          f"{'median ms':>9} {'p95 ms':>7} {'bias':>5} {'start med':>9} {'start p95':>9} {'estimated':>9}")
    results = {}
    for name, lang, _ in RUNS:
        if args.engine and name != args.engine:
            continue
        sentences = narration_plan(story, lang).sentences
        sentences = sentences[:args.sentences] if args.sentences else sentences
        results[name, lang] = measure(name, lang, sentences, whisper)
        print(results[name, lang].row(0.0), flush=True)
    print(f"\nreference: the same, each boundary moved into the pause between its two words when the audio "
          f"has one (>= {MIN_PAUSE * 1000:.0f} ms below {SILENCE_DB} dBFS) and Whisper missed it:")
    for result in results.values():
        print(result.row(snapped=True))
    print("\nno recogniser: our word starts against where the sound resumes after each pause:")
    print(f"{'engine':8} {'lang':4} {'pauses':>6} {'median ms':>9} {'p95 ms':>7} {'bias':>5}")
    for result in results.values():
        apart = [abs(value) for value in result.onsets]
        print(f"{result.name:8} {result.lang:4} {len(apart):6d} {ms(apart, 50):9.0f} {ms(apart, 95):7.0f} "
              f"{ms(result.onsets, 50):5.0f}")


@dataclass
class Measured:
    name: str
    lang: str
    sentences: int
    words: int
    matched: int
    stretches: list[tuple[float, float, float, float]]  # (our low, our high, Whisper's low, high) s
    snapped: list[tuple[float, float, float, float]]  # the same, Whisper's boundary moved into the pause
    starts: list[float]  # |our start - Whisper's start| of every matched word, s
    onsets: list[float]  # our word start - where the sound resumes after a pause, s
    estimated: int

    def row(self, snapped: bool = False) -> str:
        """One line of the table, against Whisper's boundaries as they are or moved into pauses."""
        signed = [_signed(*stretch) for stretch in (self.snapped if snapped else self.stretches)]
        apart = [abs(value) for value in signed]
        return (f"{self.name:8} {self.lang:4} {self.sentences:9d} {self.words:6d} {self.matched:7d} "
                f"{len(apart):10d} {ms(apart, 50):9.0f} {ms(apart, 95):7.0f} {ms(signed, 50):5.0f} "
                f"{ms(self.starts, 50):9.0f} {ms(self.starts, 95):9.0f} {self.estimated:9d}")


def _signed(ours_low: float, ours_high: float, low: float, high: float) -> float:
    """How far Whisper's boundary stretch lies after (+) or before (-) ours; 0 if they meet."""
    late, early = low - ours_high, ours_low - high
    return late if late > 0 else -early if early > 0 else 0.0


def measure(name: str, lang: str, sentences, whisper) -> Measured:
    import soxr

    engine = get_engine(name, offline=True)
    voice = engine.voice(lang, NarrationChoice(lang))
    stretches, snapped, starts, onsets, total, matched, estimated = [], [], [], [], 0, 0, 0
    for sentence in sentences:
        spoken = speak(engine, voice, speech_script(sentence, lang), sentence.text)
        estimated += spoken.estimated
        audio = soxr.resample(spoken.pcm.astype(np.float32) / 32768, RATE, ASR_RATE).astype(np.float32)
        segments, _ = whisper.transcribe(audio, language=lang, beam_size=5, word_timestamps=True,
                                         condition_on_previous_text=False)
        heard = [(normalise(w.word), w.start, w.end) for s in segments for w in s.words if normalise(w.word)]
        quiet = pauses(spoken.pcm.astype(np.float32) / 32768, RATE)
        into_pauses = moved_into_pauses(heard, quiet)
        ours = [(normalise(sentence.text[w.start:w.end]), b / RATE, e / RATE)
                for w, (b, e) in zip(words(sentence.text), spoken.words)]
        pairs = matches([w for w, _, _ in ours], [w for w, _, _ in heard])
        total, matched = total + len(ours), matched + len(pairs)
        starts += [abs(ours[i][1] - heard[j][1]) for i, j in pairs]
        length = len(spoken.pcm) / RATE
        onsets += [min((w[1] - end for w in ours), key=abs) for begin, end in quiet if 0 < begin and end < length]
        for (i, j), (k, m) in zip(pairs, pairs[1:]):
            if k == i + 1 and m == j + 1:
                stretches.append((ours[i][2], ours[k][1], heard[j][2], heard[m][1]))
                snapped.append((ours[i][2], ours[k][1], into_pauses[j][2], into_pauses[m][1]))
    return Measured(name, lang, len(sentences), total, matched, stretches, snapped, starts, onsets, estimated)


def pauses(audio: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """(start, end) in seconds of every stretch of at least MIN_PAUSE whose 10 ms frames are all below SILENCE_DB."""
    frame = rate // 100
    count = len(audio) // frame
    level = 20 * np.log10(np.sqrt(np.mean(audio[:count * frame].reshape(count, frame) ** 2, axis=1)) + 1e-12)
    found, begin = [], None
    for index, quiet in enumerate([*(level < SILENCE_DB), False]):
        if quiet and begin is None:
            begin = index
        elif not quiet and begin is not None:
            if (index - begin) / 100 >= MIN_PAUSE:
                found.append((begin / 100, index / 100))
            begin = None
    return found


def moved_into_pauses(heard: list[tuple[str, float, float]],
                      quiet: list[tuple[float, float]]) -> list[tuple[str, float, float]]:
    """Whisper's words with each boundary that misses the pause inside its two words moved into it."""
    moved = [list(word) for word in heard]
    for first, second in zip(moved, moved[1:]):
        inside = [p for p in quiet if first[1] < p[0] and p[1] < second[2]]
        if not inside or any(p[0] <= second[1] and first[2] <= p[1] for p in inside):
            continue  # no pause there, or Whisper's boundary already meets it
        middle = (first[2] + second[1]) / 2
        begin, end = min(inside, key=lambda p: abs((p[0] + p[1]) / 2 - middle))
        first[2], second[1] = begin, end
    return [tuple(word) for word in moved]


def matches(ours: list[str], heard: list[str]) -> list[tuple[int, int]]:
    """(our index, Whisper's index) of the words both heard the same, in order."""
    blocks = difflib.SequenceMatcher(a=ours, b=heard, autojunk=False).get_matching_blocks()
    return [(block.a + k, block.b + k) for block in blocks for k in range(block.size)]


def ms(values: list[float], percentile: int) -> float:
    return float(np.percentile(values, percentile)) * 1000 if values else float("nan")


if __name__ == "__main__":
    main()
