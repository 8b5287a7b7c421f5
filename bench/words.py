"""Word timing accuracy: the engines' word times against independent references on the same clips,
offline: PocketSphinx's forced alignment of the known words (the default), Whisper's word timestamps.

    .venv/bin/python bench/words.py                        # every offline engine, the whole sample, PocketSphinx
    .venv/bin/python bench/words.py --reference sphinx base  # two references, one synthesis
    .venv/bin/python bench/words.py --sentences 8          # the first 8 sentences of each language
    .venv/bin/python bench/words.py --engine kokoro        # one engine
    .venv/bin/python bench/words.py --worst 8 --plots /tmp/worst   # the 8 worst boundaries: listed, plotted, cut out

The references (bench/references.py): `sphinx`, PocketSphinx 5's HMM aligner with the US English
acoustic model its PyPI wheel ships, given the words each clip says (CMUdict for English, epitran's
Spanish rules mapped to the model's phones for Spanish: bench/alignment.py); `base`, Whisper base
through faster-whisper, which is not told the words; `small`, Whisper small, whose wheels on PyPI
are incomplete, so it stops before anything is spoken.

Each sentence goes through storyexport's own synthesis (trimmed, resampled to 24 kHz, its word
times moved with it), once; then each reference times the words of every clip. The two word
lists are matched by their spelling (difflib, after lower-casing and removing accents and
punctuation). For each pair of neighbouring words matched on both sides, the boundary between them
is compared. On each side the boundary is the stretch from the end of the first word to the start
of the second (a pause between two words is a boundary as a whole; where words touch it is a
point), and the difference is the distance between the two stretches (0 when they meet). "bias"
is the median of the signed differences (negative: the reference puts boundaries earlier). Word
starts alone are printed too. Figures: median and 95th percentile, in ms.

Whisper's word timestamps come from its cross-attention and are weakest at pauses: it often ends
a word 0.2-0.6 s before its sound ends and stretches the next word over the pause. For Whisper a
second table corrects that the way stable-ts does (its default, loudness-based "suppress silence"):
where the clip is silent for at least 100 ms (10 ms frames below -50 dBFS) inside two neighbouring
Whisper words and Whisper's boundary misses that pause, the boundary becomes the pause. The pause
is measured on the audio, not taken from the engine, so the reference stays independent; it
only moves boundaries that fall at a pause (every other boundary is Whisper's own).
A last check needs no reference: at every pause inside a clip, where the sound resumes is where
the next word starts. "onset" compares each such point with our start of the word nearest to it
(median and 95th percentile of the distance, and the median signed difference: negative when our
word starts before its sound); the same is printed for each reference's own word starts.
The references are bench-only (`pip install -e '.[bench]'`): see bench/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/references.py: the recognisers' weights

from references import NAMES, normalise, reference  # noqa: E402

from storyexport.formats.audio.synthesis import RATE, SpokenSentence, speak  # noqa: E402
from storyexport.formats.audio.tts import get_engine  # noqa: E402
from storyexport.model import NarrationChoice  # noqa: E402
from storyexport.source.parse import parse  # noqa: E402
from storyexport.text.narration_plan import Sentence, narration_plan  # noqa: E402
from storyexport.text.speech import SpeechScript, speech_scripts  # noqa: E402
from storyexport.text.words import words  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "source" / "serving-hope" / "story.md"
RUNS = [("piper", "en"), ("espeak", "en"), ("kokoro", "es"), ("espeak", "es")]
ASR_RATE = 16000  # Whisper's and PocketSphinx's
SILENCE_DB = -50  # dBFS: a 10 ms frame quieter than this is silent
MIN_PAUSE = 0.1  # seconds: shorter silences are stop consonants inside words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=0, help="first N sentences per language (0: all)")
    parser.add_argument("--engine", choices=sorted({name for name, _ in RUNS}), help="only this engine")
    parser.add_argument("--reference", nargs="+", choices=NAMES, default=["sphinx"],
                        help="the references to compare with: sphinx (PocketSphinx's forced aligner, the default), "
                             "base (Whisper base), small (Whisper small: incomplete on PyPI)")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst boundaries of each engine")
    parser.add_argument("--plots", type=Path, help="with --worst: a spectrogram (PNG) and the audio (WAV) of each")
    args = parser.parse_args()
    references = {name: reference(name) for name in args.reference}  # a missing one stops here
    story, _ = parse(SAMPLE)
    spoken = {}
    for name, lang in RUNS:
        if not args.engine or name == args.engine:
            sentences = narration_plan(story, lang).sentences
            spoken[name, lang] = synthesize(story, name, lang, sentences[:args.sentences] if args.sentences else sentences)
    results = {}
    for name, found in references.items():
        results.update(against(name, found, spoken))
    print_onsets(spoken)
    if args.worst:
        for (name, *_), result in results.items():
            show_worst(name, result, args.worst, args.plots)


def against(name: str, found, spoken: dict) -> dict:
    """Every engine's clips against one reference: its boundaries, and for Whisper also moved into the pauses it misses."""
    print(f"\nreference {name}: {found.title}")
    print(HEADER)
    results = {}
    for (engine, lang), clips in spoken.items():
        results[name, engine, lang] = compare(engine, lang, clips, found)
        print(results[name, engine, lang].row(), flush=True)
    print(f"{name}'s own word starts against where the sound resumes after each pause (as for ours below):")
    print(ONSET_HEADER)
    for result in results.values():
        apart = [abs(value) for value in result.onsets]
        print(f"{result.name:8} {result.lang:4} {len(apart):6d} {ms(apart, 50):9.0f} {ms(apart, 95):7.0f} "
              f"{ms(result.onsets, 50):5.0f}")
    if guessed := sorted(getattr(found, "guessed", ())):
        print(f"English words outside CMUdict, spelled by the Spanish rules: {', '.join(guessed)}")
    if found.misses_pauses:
        print(f"the same, each boundary moved into the pause between its two words when the audio has one "
              f"(>= {MIN_PAUSE * 1000:.0f} ms below {SILENCE_DB} dBFS) and {name} missed it:")
        for result in results.values():
            print(result.row(snapped=True))
    return results


def print_onsets(spoken: dict) -> None:
    """No recogniser: our word starts against where the sound resumes after each pause."""
    print("\nno recogniser: our word starts against where the sound resumes after each pause:")
    print(ONSET_HEADER)
    for (name, lang), clips in spoken.items():
        found = [o for clip in clips for o in clip.onsets()]
        apart = [abs(value) for value in found]
        print(f"{name:8} {lang:4} {len(apart):6d} {ms(apart, 50):9.0f} {ms(apart, 95):7.0f} {ms(found, 50):5.0f}")


ONSET_HEADER = f"{'engine':8} {'lang':4} {'pauses':>6} {'median ms':>9} {'p95 ms':>7} {'bias':>5}"
HEADER = (f"{'engine':8} {'lang':4} {'sentences':>9} {'words':>6} {'matched':>7} {'boundaries':>10} "
          f"{'median ms':>9} {'p95 ms':>7} {'bias':>5} {'start med':>9} {'start p95':>9} {'estimated':>9} {'unaligned':>9}")


@dataclass(frozen=True)
class Clip:
    """One sentence as storyexport speaks it, with our words (normalised spelling, start s, end s)."""

    sentence: Sentence
    script: SpeechScript
    spoken: SpokenSentence

    @property
    def said(self) -> list[tuple[str, str]]:
        """The words the engine was given to say (normalised), each with its language."""
        return [(word, token.lang) for token in self.script.tokens for word in normalise(token.text).split()]

    @property
    def audio(self) -> np.ndarray:
        return self.spoken.pcm.astype(np.float32) / 32768

    @property
    def ours(self) -> list[tuple[str, float, float]]:
        return [(normalise(self.sentence.text[w.start:w.end]), b / RATE, e / RATE)
                for w, (b, e) in zip(words(self.sentence.text), self.spoken.words)]

    def onsets(self, starts: list[float] | None = None) -> list[float]:
        """The word start (ours, or of `starts`) nearest to where the sound resumes after each pause,
        minus that point (s)."""
        length = len(self.spoken.pcm) / RATE
        starts = [w[1] for w in self.ours] if starts is None else starts
        return [min((start - end for start in starts), key=abs) for begin, end in pauses(self.audio, RATE)
                if 0 < begin and end < length] if starts else []


@dataclass(frozen=True)
class Boundary:
    """Two neighbouring words matched on both sides: our stretch between them and the reference's (s)."""

    clip: Clip
    first: int  # index of the first word in our words
    ours: tuple[float, float]
    heard: tuple[float, float]
    snapped: tuple[float, float]  # the reference's, moved into the pause it missed

    def signed(self, snapped: bool = False) -> float:
        """How far the reference's stretch lies after (+) or before (-) ours; 0 if they meet."""
        return signed(self.ours, self.snapped if snapped else self.heard)


def signed(ours: tuple[float, float], theirs: tuple[float, float]) -> float:
    """How far the stretch `theirs` lies after (+) or before (-) `ours`; 0 if they meet."""
    late, early = theirs[0] - ours[1], ours[0] - theirs[1]
    return late if late > 0 else -early if early > 0 else 0.0


@dataclass
class Measured:
    name: str
    lang: str
    sentences: int = 0
    words: int = 0
    matched: int = 0
    estimated: int = 0
    unaligned: int = 0  # clips the reference gave no words for
    boundaries: list[Boundary] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)  # |our start - the reference's start| of every matched word, s
    onsets: list[float] = field(default_factory=list)  # the reference's word starts against the sound after pauses, s

    def row(self, snapped: bool = False) -> str:
        """One line of the table, against the reference's boundaries as they are or moved into pauses."""
        signed = [b.signed(snapped) for b in self.boundaries]
        apart = [abs(value) for value in signed]
        return (f"{self.name:8} {self.lang:4} {self.sentences:9d} {self.words:6d} {self.matched:7d} "
                f"{len(apart):10d} {ms(apart, 50):9.0f} {ms(apart, 95):7.0f} {ms(signed, 50):5.0f} "
                f"{ms(self.starts, 50):9.0f} {ms(self.starts, 95):9.0f} {self.estimated:9d} {self.unaligned:9d}")


def synthesize(story, name: str, lang: str, sentences) -> list[Clip]:
    """Every sentence spoken by the engine's default voice, as storyexport speaks it (the story's lexicons too)."""
    engine = get_engine(name, offline=True)
    voice = engine.voice(lang, NarrationChoice(lang))
    scripts = speech_scripts(story, lang)
    return [Clip(sentence, scripts[sentence.id], speak(engine, voice, scripts[sentence.id], sentence.text))
            for sentence in sentences]


def compare(name: str, lang: str, clips: list[Clip], found) -> Measured:
    """Our word boundaries against the reference's, clip by clip."""
    import soxr

    result = Measured(name, lang, sentences=len(clips))
    for clip in clips:
        audio = soxr.resample(clip.audio, RATE, ASR_RATE).astype(np.float32)
        heard = found.heard(audio, lang, clip.said)
        result.unaligned += not heard
        into_pauses = moved_into_pauses(heard, pauses(clip.audio, RATE)) if found.misses_pauses else heard
        ours = clip.ours
        pairs = matches([w for w, _, _ in ours], [w for w, _, _ in heard])
        result.words, result.matched = result.words + len(ours), result.matched + len(pairs)
        result.estimated += clip.spoken.estimated
        result.starts += [abs(ours[i][1] - heard[j][1]) for i, j in pairs]
        result.onsets += clip.onsets([start for _, start, _ in heard])
        result.boundaries += [Boundary(clip, i, stretch(ours, i), stretch(heard, j), stretch(into_pauses, j))
                              for i, j in neighbours(pairs)]
    return result


def neighbours(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(i, j) of matched words whose next words are matched too: a boundary both sides have."""
    return [(i, j) for (i, j), (k, m) in zip(pairs, pairs[1:]) if k == i + 1 and m == j + 1]


def stretch(timed: list[tuple[str, float, float]], index: int) -> tuple[float, float]:
    """The boundary after word `index`: from its end to the next word's start (s)."""
    return timed[index][2], timed[index + 1][1]


def show_worst(reference: str, result: Measured, count: int, folder: Path | None) -> None:
    """The `count` boundaries farthest from the reference's (Whisper's moved into pauses), with a plot and the audio of each."""
    name, lang = result.name, result.lang
    worst = sorted(result.boundaries, key=lambda b: -abs(b.signed(snapped=True)))[:count]
    print(f"\nworst boundaries of {name} {lang} against {reference}, ms:")
    for rank, boundary in enumerate(worst, 1):
        sentence = boundary.clip.sentence
        pair = [sentence.text[w.start:w.end] for w in words(sentence.text)[boundary.first:boundary.first + 2]]
        print(f"  {rank:2d}. {sentence.id:5} {pair[0]!r} | {pair[1]!r}: ours {_span(boundary.ours)}, "
              f"{reference} {_span(boundary.heard)}, moved {_span(boundary.snapped)}, "
              f"difference {boundary.signed(snapped=True) * 1000:+.0f}")
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
            stem = folder / f"{reference}-{name}-{lang}-{rank:02d}-{sentence.id}"
            plot(boundary, stem.with_suffix(".png"))
            cut_out(boundary, stem.with_suffix(".wav"))


def _span(stretch: tuple[float, float]) -> str:
    low, high = (round(value * 1000) for value in stretch)
    return f"{low}" if low == high else f"{low}-{high}"


def window(boundary: Boundary) -> tuple[int, int]:
    """Samples of the clip around a boundary: from our first word's start to the second's end, and 0.2 s more."""
    spans = boundary.clip.spoken.words
    begin, end = spans[boundary.first][0], spans[boundary.first + 1][1]
    return max(0, begin - RATE // 5), min(len(boundary.clip.spoken.pcm), end + RATE // 5)


def plot(boundary: Boundary, path: Path) -> None:
    """A spectrogram of the words around a boundary: ours in green, the reference's in red, moved into a pause in yellow."""
    from PIL import Image, ImageDraw

    begin, end = window(boundary)
    audio, hop, size = boundary.clip.audio[begin:end], RATE // 200, 512  # a column every 5 ms
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(audio, (size // 2, size // 2)), size)[::hop]
    power = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1))[:, :size // 3]  # up to 8 kHz
    level = 20 * np.log10(power + 1e-9)
    shade = np.clip((level - level.max() + 70) / 70 * 255, 0, 255).astype(np.uint8)[:, ::-1].T
    image = Image.fromarray(np.repeat(np.repeat(shade, 2, axis=0), 2, axis=1)).convert("RGB")
    draw = ImageDraw.Draw(image)

    def x(seconds: float) -> int:
        return round((seconds * RATE - begin) / hop * 2)

    for stretch, colour, top in ((boundary.ours, "lime", 0), (boundary.heard, "red", 12), (boundary.snapped, "yellow", 24)):
        for edge in stretch:
            draw.line([(x(edge), top), (x(edge), image.height)], fill=colour, width=2)
    spans = boundary.clip.spoken.words
    text = boundary.clip.sentence.text
    for index in (boundary.first, boundary.first + 1):
        word = words(text)[index]
        draw.text((x(spans[index][0] / RATE) + 3, image.height - 14), text[word.start:word.end], fill="lime")
    image.save(path)


def cut_out(boundary: Boundary, path: Path) -> None:
    """The audio around a boundary, to listen to."""
    import soundfile

    begin, end = window(boundary)
    soundfile.write(path, boundary.clip.spoken.pcm[begin:end], RATE, subtype="PCM_16")


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
