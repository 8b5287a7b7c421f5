"""From a narration plan to one language's PCM and exact timings, one cached sentence at a time.

Each sentence is synthesized alone from its speech script (text/speech.py), its leading and trailing silence trimmed, resampled to
24 kHz (the rate of every output, which Opus and MP3 both take) and cached by content. The clips
are joined with fixed pauses chosen by the plan (sentence, paragraph, section), so each
sentence's begin and end are sample counts: exact, whatever the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ...store.cache import Cache, cache_key
from ...text.narration_plan import NarrationPlan, Sentence
from ...text.speech import SpeechScript
from ...text.timings import ChapterTiming, SentenceTiming
from .tts import Engine, Voice

log = logging.getLogger(__name__)

RATE = 24000
SYNTHESIS_VERSION = 2  # bump when trimming or resampling changes, so cached clips are remade
PAUSES = {"none": 0.3, "sentence": 0.35, "paragraph": 0.75, "section": 1.25}  # seconds of silence before
TAIL = 0.6  # seconds of silence after the last sentence
SILENCE = 0.01  # amplitude below which a clip's ends count as silence (-40 dBFS)
MARGINS = (0.03, 0.08)  # seconds kept before the first and after the last sound (soft consonants)
CHUNK = 1 << 20  # samples handled at a time when the whole narration is measured and levelled


@dataclass(frozen=True)
class NarrationAudio:
    """One language's narration: 16-bit mono PCM at RATE and where each sentence lies in it."""

    pcm: np.ndarray
    rate: int
    sentences: tuple[SentenceTiming, ...]
    chapters: tuple[ChapterTiming, ...]


def sentence_key(script: SpeechScript, voice: Voice) -> str:
    """What one sentence's sound is made from: what is said (not where it is in the captions), who says
    it, and the code that turns a script into the engine's input."""
    said = [(t.text, t.lang, t.phonemes, t.joined) for t in script.tokens]
    return cache_key("sentence", SYNTHESIS_VERSION, RATE, script.lang, said, voice.engine, voice.name,
                     voice.lang, voice.version, voice.settings, engine_code(voice.engine))


@lru_cache(maxsize=8)
def engine_code(engine: str) -> str:
    """A digest of storyexport's own code for one engine (its module, the IPA conversion and its
    corpora): a change there re-synthesizes that engine's sentences, and only those."""
    from importlib import resources

    package = resources.files("storyexport")
    files = [package / "formats/audio/tts" / f"{engine}.py", package / "formats/audio/tts/phonemes.py",
             *sorted(package.joinpath("assets/phonemes").iterdir(), key=lambda f: f.name)]
    return cache_key(*[f.read_bytes() for f in files])


def synthesize_plan(plan: NarrationPlan, scripts: dict[str, SpeechScript], engine: Engine, voice: Voice,
                    cache: Cache, jobs: int, progress: Callable[[str, int, int], None]) -> NarrationAudio:
    """Every sentence of `plan` spoken by `voice` from its script, joined into one narration."""
    keys, clips = sentence_clips(plan, scripts, engine, voice, cache, jobs, progress)
    return assemble(plan, {sentence_id: clips[key] for sentence_id, key in keys.items()})


def sentence_clips(plan: NarrationPlan, scripts: dict[str, SpeechScript], engine: Engine, voice: Voice,
                   cache: Cache, jobs: int, progress: Callable[[str, int, int], None],
                   ) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """Each sentence's clip cache key (by sentence id) and each clip (by key), from the cache when it
    was spoken before. A sentence said twice (a repeated credit line) is synthesized once."""
    keys = {sentence.id: sentence_key(scripts[sentence.id], voice) for sentence in plan.sentences}
    clips: dict[str, np.ndarray] = {}  # by cache key
    missing: dict[str, Sentence] = {}
    for sentence in plan.sentences:
        key = keys[sentence.id]
        if key in clips or key in missing:
            continue
        if hit := cache.get(key, kind="sentence"):
            clips[key] = np.frombuffer(hit[0], np.int16)
        else:
            missing[key] = sentence
    task, total = f"narration {plan.lang} ({voice.engine})", len(set(keys.values()))
    progress(task, len(clips), total)
    if missing:
        log.info("narration %s: synthesizing %d of %d sentences with %s", plan.lang, len(missing), total,
                 voice.engine)
    workers = max(1, jobs) if engine.parallel else 1
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tts")
    try:
        spoken = pool.map(lambda s: _speak(scripts[s.id], engine, voice), missing.values())
        for (key, sentence), clip in zip(missing.items(), spoken):
            cache.put(key, clip.tobytes(), {"id": sentence.id}, kind="sentence")
            clips[key] = clip
            progress(task, len(clips), total)  # raises KeyboardInterrupt when the run is interrupted
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on an interrupt: the queued sentences are dropped
    return keys, clips


def _speak(script: SpeechScript, engine: Engine, voice: Voice) -> np.ndarray:
    clip = engine.synthesize(script, voice)
    samples = resample(trim(np.asarray(clip.samples, np.float32), clip.rate), clip.rate, RATE)
    return np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """The clip without its leading and trailing silence (but a short margin kept each side)."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size == 0:  # nothing audible: keep a moment of silence so the sentence has a place
        return np.zeros(int(0.1 * rate), np.float32)
    start = max(0, loud[0] - int(MARGINS[0] * rate))
    end = min(len(samples), loud[-1] + 1 + int(MARGINS[1] * rate))
    return samples[start:end]


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or samples.size == 0:
        return samples
    import soxr

    return soxr.resample(samples, rate, target, quality="HQ").astype(np.float32)


def assemble(plan: NarrationPlan, clips: dict[str, np.ndarray]) -> NarrationAudio:
    """The clips joined by the plan's pauses; timings are the running sample count."""
    parts, sentences, chapter_starts, position = [], [], [], 0
    for sentence in plan.sentences:
        if sentence.chapter:
            chapter_starts.append((sentence.chapter, 0 if not sentences else position))
        gap = np.zeros(round(PAUSES[sentence.pause] * RATE), np.int16)
        clip = clips[sentence.id]
        parts += [gap, clip]
        position += len(gap)
        sentences.append(SentenceTiming(sentence.id, sentence.text, position, position + len(clip)))
        position += len(clip)
    parts.append(np.zeros(round(TAIL * RATE), np.int16))
    pcm = _normalized(np.concatenate(parts))
    ends = [begin for _, begin in chapter_starts[1:]] + [len(pcm)]
    chapters = tuple(ChapterTiming(title, begin, end) for (title, begin), end in zip(chapter_starts, ends))
    return NarrationAudio(pcm, RATE, tuple(sentences), chapters)


def _normalized(pcm: np.ndarray) -> np.ndarray:
    """The narration at the spoken-word loudness, its true peaks limited (loudness.py), a piece at a time."""
    from .loudness import limited, loudness_gain

    def chunks():
        return (pcm[i:i + CHUNK].astype(np.float64) / 32768 for i in range(0, len(pcm), CHUNK))

    gain = loudness_gain(chunks, RATE)
    out, position = np.empty_like(pcm), 0
    for piece in limited(chunks(), RATE, gain):
        out[position:position + len(piece)] = np.clip(np.round(piece * 32767), -32768, 32767)
        position += len(piece)
    return out
