"""Encoding, timings and captions, on synthetic PCM where every expected number is known."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest

from storyexport.errors import BuildError
from storyexport.formats.audio.encode import decode, write_mp3, write_opus
from storyexport.formats.audio.lametag import LAME_DELAY, FrameCounter, FrameHeader
from storyexport.formats.audio.loudness import limited, limited_pcm
from storyexport.formats.audio.recording import held, levelled
from storyexport.formats.audio.stream import PAUSES, RATE, TAIL, SpokenClip, narration, rechunked
from storyexport.formats.audio.synthesis import trim
from storyexport.formats.audio.vtt import webvtt
from storyexport.store.cache import Cache
from storyexport.text.narration_plan import Anchor, NarrationPlan, Sentence
from storyexport.text.timings import NarrationTimings, SentenceTiming


def bursts(length: int, starts: tuple[int, ...]) -> np.ndarray:
    """Silence with 300-sample noise bursts at `starts`: onsets anyone can find again after a codec."""
    pcm = np.zeros(length, np.int16)
    noise = np.random.default_rng(7).standard_normal(300) * 8000
    for start in starts:
        pcm[start:start + 300] = noise[:len(pcm[start:start + 300])].astype(np.int16)
    return pcm


def encoded(write: Callable, pcm: np.ndarray, piece: int | None = None) -> bytes:
    """`pcm` through an encoder's writer, whole or in pieces of `piece` samples."""
    out = io.BytesIO()
    write([pcm[i:i + piece] for i in range(0, len(pcm), piece)] if piece else [pcm], RATE, out)
    return out.getvalue()


def mp3(pcm: np.ndarray) -> bytes:
    return encoded(write_mp3, pcm)


def opus(pcm: np.ndarray) -> bytes:
    return encoded(write_opus, pcm)


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
    samples, rate = decode(mp3(pcm))  # FFmpeg, as browsers and most players decode
    assert rate == RATE and len(samples) == length
    assert lag(samples, pcm) == 0


def test_mp3_is_also_exact_for_a_second_decoder():
    import soundfile  # libsndfile decodes MP3 with mpg123

    pcm = bursts(RATE * 2, (1000,))
    samples, rate = soundfile.read(io.BytesIO(mp3(pcm)), dtype="float32")
    assert len(samples) == len(pcm) and lag(samples, pcm) == 0


def test_mp3_info_frame_states_delay_and_padding():
    from mutagen.mp3 import MP3

    pcm = bursts(RATE * 2 + 5, (10,))
    data = mp3(pcm)
    info = MP3(io.BytesIO(data)).info
    assert info.sample_rate == RATE and info.channels == 1 and info.bitrate == 48000
    assert info.encoder_info.startswith("LAME") and info.length == pytest.approx(len(pcm) / RATE, abs=1e-6)
    first = FrameHeader(data)
    tag = data[4 + first.side_info: 4 + first.side_info + 4]
    assert tag == b"Info"
    delays = int.from_bytes(data[4 + first.side_info + 120 + 21: 4 + first.side_info + 120 + 24], "big")
    counted = FrameCounter()
    counted.feed(data[first.length:])
    frames = counted.frames
    assert delays >> 12 == LAME_DELAY and (delays & 0xFFF) == frames * 576 - len(pcm) - LAME_DELAY


def test_opus_decodes_to_exactly_the_pcm_and_is_deterministic():
    pcm = bursts(RATE * 4 + 77, (2000, RATE * 3))
    first, second = opus(pcm), opus(pcm)
    assert first == second
    samples, rate = decode(first)
    assert rate == 48000 and len(samples) == 2 * len(pcm)
    assert lag(samples[::2], pcm) == 0


def sentence(number: int, pause: str, chapter: str | None = None) -> Sentence:
    return Sentence(f"s{number}", f"Sentence {number}.", Anchor("block", (number,)), pause, chapter)


@pytest.mark.parametrize("write", [write_mp3, write_opus])
def test_encoders_write_the_same_bytes_whatever_the_pieces(write):
    """The narration reaches the encoders a sentence at a time: the files must not depend on that."""
    pcm = bursts(RATE * 5 + 11, (300, RATE * 2, RATE * 4))
    whole = encoded(write, pcm)
    assert encoded(write, pcm, piece=4801) == whole and encoded(write, pcm, piece=RATE) == whole


def test_frames_are_counted_across_pieces_of_any_size():
    data = mp3(bursts(RATE * 3, (100,)))
    frames = data[FrameHeader(data).length:]  # without the Info frame
    whole = FrameCounter()
    whole.feed(frames)
    split = FrameCounter()
    for start in range(0, len(frames), 97):
        split.feed(frames[start:start + 97])
    assert (split.frames, split.length) == (whole.frames, whole.length) and whole.frames * 144 == len(frames)


def cached_narration(tmp_path, plan: NarrationPlan, clips: dict[str, np.ndarray]):
    """The narration of `plan` with `clips` (by sentence id) put in a real cache, as synthesis leaves
    them (each with two words: the first 40 % and the last half of the clip), and that cache."""
    cache = Cache(tmp_path / "cache")
    spoken = {}
    for sentence_id, clip in clips.items():
        cache.put(f"key-{sentence_id}", clip.tobytes(), kind="sentence")
        n = len(clip)
        spoken[sentence_id] = SpokenClip(f"key-{sentence_id}", n, ((0, 2 * n // 5), (n // 2, n)))
    return narration(plan, spoken), cache


def test_timings_are_running_sample_counts_with_fixed_pauses(tmp_path):
    plan = NarrationPlan("en", (sentence(1, "none", "Title"), sentence(2, "sentence"),
                                sentence(3, "section", "Part two"), sentence(4, "paragraph")))
    clips = {f"s{n}": np.full(1000 * n, 1000, np.int16) for n in range(1, 5)}
    narration, cache = cached_narration(tmp_path, plan, clips)
    pcm = np.concatenate(list(narration.pieces(cache)))
    position, expected = 0, []
    for number, pause in zip(range(1, 5), ("none", "sentence", "section", "paragraph")):
        position += round(PAUSES[pause] * RATE)
        expected.append((f"s{number}", position, position + 1000 * number))
        position += 1000 * number
    assert [(t.id, t.begin, t.end) for t in narration.sentences] == expected
    assert len(pcm) == narration.samples == position + round(TAIL * RATE)
    chapters = [(c.title, c.begin, c.end) for c in narration.chapters]
    part_two = expected[1][2]  # chapter two starts where sentence 2 ends, before its pause
    assert chapters == [("Title", 0, part_two), ("Part two", part_two, len(pcm))]
    for timing in narration.sentences:  # silence between sentences, sound inside them
        assert np.all(pcm[timing.begin:timing.end] != 0)
        # the words move with their sentence, and keep their characters in its text
        number = int(timing.id[1:])
        assert [(w.chars, w.begin - timing.begin, w.end - timing.begin) for w in timing.words] == [
            ((0, 8), 0, 400 * number), ((9, 10), 500 * number, 1000 * number)]
    assert np.count_nonzero(pcm) == sum(len(clip) for clip in clips.values())


def test_a_stream_is_cut_into_the_chunks_one_array_would_be_cut_into():
    whole = np.arange(10_000, dtype=np.int16)
    pieces = [whole[a:b] for a, b in zip((0, 3, 3, 1500, 4096, 9999), (3, 3, 1500, 4096, 9999, 10_000))]
    chunks = list(rechunked(pieces, size=1024))
    assert [len(c) for c in chunks] == [1024] * 9 + [784]
    assert all(np.array_equal(c, whole[i * 1024:(i + 1) * 1024]) for i, c in enumerate(chunks))
    assert list(rechunked([np.zeros(0, np.int16)], size=8)) == []


def test_the_levelled_stream_is_the_joined_narration_limited_as_one_array(tmp_path):
    plan = NarrationPlan("en", (sentence(1, "none"), sentence(2, "sentence")))
    clips = {"s1": bursts(RATE, (100, 9000)), "s2": (bursts(RATE // 2, (50,)) * 3).astype(np.int16)}
    narration, cache = cached_narration(tmp_path, plan, clips)
    pcm = np.concatenate(list(narration.pieces(cache)))
    expected = np.concatenate([np.clip(np.round(piece * 32767), -32768, 32767).astype(np.int16)
                               for piece in limited([pcm.astype(np.float64) / 32768], RATE, 6.0)])
    assert np.array_equal(np.concatenate(list(levelled(narration, cache, 6.0))), expected)
    assert len(expected) == narration.samples and not np.array_equal(expected, pcm)
    lower = np.concatenate(list(held(levelled(narration, cache, 6.0), RATE, -8.0)))  # a file peaked too high
    assert np.array_equal(lower, limited_pcm(expected, RATE, 0.0, -8.0)) and not np.array_equal(lower, expected)


def test_a_clip_gone_from_the_cache_while_writing_is_a_build_error(tmp_path):
    plan = NarrationPlan("en", (sentence(1, "none"),))
    narration, cache = cached_narration(tmp_path, plan, {"s1": np.full(500, 1000, np.int16)})
    for stored in (tmp_path / "cache").rglob("*.bin"):
        stored.write_bytes(b"\0\0")
    with pytest.raises(BuildError, match="run storyexport again"):
        list(narration.pieces(cache))


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
