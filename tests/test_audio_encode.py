"""Encoding, timings and captions, on synthetic PCM where every expected number is known."""

from __future__ import annotations

import io

import numpy as np
import pytest

from storyexport.formats.audio.encode import decode, mp3, opus
from storyexport.formats.audio.lametag import LAME_DELAY, FrameHeader, count_frames
from storyexport.formats.audio.synthesis import PAUSES, RATE, TAIL, SpokenSentence, assemble, trim
from storyexport.formats.audio.vtt import webvtt
from storyexport.text.narration_plan import Anchor, NarrationPlan, Sentence
from storyexport.text.timings import NarrationTimings, SentenceTiming


def bursts(length: int, starts: tuple[int, ...]) -> np.ndarray:
    """Silence with 300-sample noise bursts at `starts`: onsets anyone can find again after a codec."""
    pcm = np.zeros(length, np.int16)
    noise = np.random.default_rng(7).standard_normal(300) * 8000
    for start in starts:
        pcm[start:start + 300] = noise[:len(pcm[start:start + 300])].astype(np.int16)
    return pcm


def lag(decoded: np.ndarray, original: np.ndarray, reach: int = 200) -> int:
    """How many samples `decoded` lags `original` (cross-correlation over the first second)."""
    n = min(len(decoded), len(original), RATE)
    a, b = decoded[:n].astype(np.float64), original[:n].astype(np.float64)

    def score(shift: int) -> float:  # a[k + shift] against b[k]
        return float(np.dot(a[max(0, shift): n + min(0, shift)], b[max(0, -shift): n - max(0, shift)]))
    return max(range(-reach, reach + 1), key=score)


@pytest.mark.parametrize("length", [1000, RATE * 3 + 123, RATE * 61 + 7])
def test_mp3_decodes_to_exactly_the_pcm_length_and_start(length: int):
    pcm = bursts(length, (500, length - 400))
    samples, rate = decode(mp3(pcm, RATE))  # FFmpeg, as browsers and most players decode
    assert rate == RATE and len(samples) == length
    assert lag(samples, pcm) == 0


def test_mp3_is_also_exact_for_a_second_decoder():
    import soundfile  # libsndfile decodes MP3 with mpg123

    pcm = bursts(RATE * 2, (1000,))
    samples, rate = soundfile.read(io.BytesIO(mp3(pcm, RATE)), dtype="float32")
    assert len(samples) == len(pcm) and lag(samples, pcm) == 0


def test_mp3_info_frame_states_delay_and_padding():
    from mutagen.mp3 import MP3

    pcm = bursts(RATE * 2 + 5, (10,))
    data = mp3(pcm, RATE)
    info = MP3(io.BytesIO(data)).info
    assert info.sample_rate == RATE and info.channels == 1 and info.bitrate == 48000
    assert info.encoder_info.startswith("LAME") and info.length == pytest.approx(len(pcm) / RATE, abs=1e-6)
    first = FrameHeader(data)
    tag = data[4 + first.side_info: 4 + first.side_info + 4]
    assert tag == b"Info"
    delays = int.from_bytes(data[4 + first.side_info + 120 + 21: 4 + first.side_info + 120 + 24], "big")
    frames = count_frames(data[first.length:])
    assert delays >> 12 == LAME_DELAY and (delays & 0xFFF) == frames * 576 - len(pcm) - LAME_DELAY


def test_opus_decodes_to_exactly_the_pcm_and_is_deterministic():
    pcm = bursts(RATE * 4 + 77, (2000, RATE * 3))
    first, second = opus(pcm, RATE), opus(pcm, RATE)
    assert first == second
    samples, rate = decode(first)
    assert rate == 48000 and len(samples) == 2 * len(pcm)
    assert lag(samples[::2], pcm) == 0


def sentence(number: int, pause: str, chapter: str | None = None) -> Sentence:
    return Sentence(f"s{number}", f"Sentence {number}.", Anchor("block", (number,)), pause, chapter)


def test_timings_are_running_sample_counts_with_fixed_pauses():
    plan = NarrationPlan("en", (sentence(1, "none", "Title"), sentence(2, "sentence"),
                                sentence(3, "section", "Part two"), sentence(4, "paragraph")))
    clips = {f"s{n}": SpokenSentence(np.full(1000 * n, 1000, np.int16), ((0, 400 * n), (500 * n, 1000 * n)))
             for n in range(1, 5)}
    narration = assemble(plan, clips)
    position, expected = 0, []
    for number, pause in zip(range(1, 5), ("none", "sentence", "section", "paragraph")):
        position += round(PAUSES[pause] * RATE)
        expected.append((f"s{number}", position, position + 1000 * number))
        position += 1000 * number
    assert [(t.id, t.begin, t.end) for t in narration.sentences] == expected
    assert len(narration.pcm) == position + round(TAIL * RATE)
    chapters = [(c.title, c.begin, c.end) for c in narration.chapters]
    part_two = expected[1][2]  # chapter two starts where sentence 2 ends, before its pause
    assert chapters == [("Title", 0, part_two), ("Part two", part_two, len(narration.pcm))]
    for timing in narration.sentences:  # silence between sentences, sound inside them
        assert np.all(narration.pcm[timing.begin:timing.end] != 0)
        # the words move with their sentence, and keep their characters in its text
        number = int(timing.id[1:])
        assert [(w.chars, w.begin - timing.begin, w.end - timing.begin) for w in timing.words] == [
            ((0, 8), 0, 400 * number), ((9, 10), 500 * number, 1000 * number)]


def test_trim_keeps_a_short_margin_around_the_sound():
    clip = np.zeros(RATE, np.float32)
    clip[6000:9000] = 0.5
    trimmed, cut = trim(clip, RATE)
    assert len(trimmed) == 3000 + int(0.03 * RATE) + int(0.08 * RATE)
    assert cut == 6000 - int(0.03 * RATE)  # what was cut before: the words' times move back by as much
    assert len(trim(np.zeros(500, np.float32), RATE)[0]) > 0  # a silent clip keeps a place in time


def test_webvtt_cues_carry_sentence_ids_times_and_escaped_text():
    timings = NarrationTimings("en", 24000, 96000, "espeak", "en-us", ("x.mp3",),
                               (SentenceTiming("s1", "A <b> & c --> d", 24, 24000 * 3 + 24),), ())
    assert webvtt(timings) == ("WEBVTT\n\ns1\n00:00:00.001 --> 00:00:03.001\n"
                               "A &lt;b&gt; &amp; c --&gt; d\n")
