"""From a narration plan to every sentence's clip in the cache, one sentence at a time.

Each sentence is synthesized alone, its leading and trailing silence trimmed, resampled to
24 kHz (the rate of every output, which Opus and MP3 both take) and cached by content. Only the
clips' lengths stay in memory: stream.py joins the clips into one timed narration and reads
them back from the cache whenever the PCM is needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ...store.cache import Cache, cache_key
from ...text.narration_plan import NarrationPlan, Sentence
from .stream import RATE, NarrationAudio, narration
from .tts import Engine, Voice

log = logging.getLogger(__name__)

SYNTHESIS_VERSION = 1  # bump when trimming or resampling changes, so cached clips are remade
SILENCE = 0.01  # amplitude below which a clip's ends count as silence (-40 dBFS)
MARGINS = (0.03, 0.08)  # seconds kept before the first and after the last sound (soft consonants)


def sentence_key(sentence: Sentence, voice: Voice) -> str:
    return cache_key("sentence", SYNTHESIS_VERSION, RATE, sentence.text, voice.engine, voice.name,
                     voice.lang, voice.version, voice.settings)


def synthesize_plan(plan: NarrationPlan, engine: Engine, voice: Voice, cache: Cache, jobs: int,
                    progress: Callable[[str, int, int], None]) -> NarrationAudio:
    """Every sentence of `plan` spoken by `voice` and in the cache (from an earlier run, or now).

    A sentence said twice (a repeated credit line) is synthesized once.
    """
    keys = {sentence.id: sentence_key(sentence, voice) for sentence in plan.sentences}
    lengths: dict[str, int] = {}  # samples of each clip, by cache key
    missing: dict[str, Sentence] = {}
    for sentence in plan.sentences:
        key = keys[sentence.id]
        if key in lengths or key in missing:
            continue
        if hit := cache.get(key, kind="sentence"):
            lengths[key] = len(hit[0]) // 2
        else:
            missing[key] = sentence
    task, total = f"narration {plan.lang} ({voice.engine})", len(set(keys.values()))
    progress(task, len(lengths), total)
    if missing:
        log.info("narration %s: synthesizing %d of %d sentences with %s", plan.lang, len(missing), total,
                 voice.engine)
    workers = max(1, jobs) if engine.parallel else 1
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tts")
    try:
        spoken = pool.map(lambda s: _speak(s, engine, voice), missing.values())
        for (key, sentence), clip in zip(missing.items(), spoken):
            cache.put(key, clip.tobytes(), {"id": sentence.id}, kind="sentence")
            lengths[key] = len(clip)
            progress(task, len(lengths), total)  # raises KeyboardInterrupt when the run is interrupted
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on an interrupt: the queued sentences are dropped
    return narration(plan, keys, lengths, cache)


def _speak(sentence: Sentence, engine: Engine, voice: Voice) -> np.ndarray:
    clip = engine.synthesize(sentence.text, voice)
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
