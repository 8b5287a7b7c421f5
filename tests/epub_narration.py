"""Real narration for the EPUB tests until the audio builder is merged: eSpeak NG per sentence, lameenc MP3.

Each sentence of the narration plan is spoken by the espeak-ng command line into a WAV file;
the PCM is joined with silences for the plan's pauses, encoded once to MP3, and the sample
ranges are saved through timings.save_timings, exactly as the audio builder will.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import lameenc

from storyexport.model import Story
from storyexport.narration import narration_plan
from storyexport.timings import ChapterTiming, NarrationTimings, SentenceTiming, save_timings, timings_path

VOICES = {"en": "en-us", "es": "es-419"}
PAUSE_SECONDS = {"none": 0.0, "sentence": 0.25, "paragraph": 0.5, "section": 0.9}
SAMPLE_RATE = 22050


def speak(text: str, voice: str, workdir: Path) -> bytes:
    """16-bit mono PCM at 22,050 Hz for one sentence."""
    wav = workdir / "sentence.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav), "--", text], check=True, capture_output=True)
    with wave.open(str(wav)) as stream:
        assert (stream.getframerate(), stream.getnchannels(), stream.getsampwidth()) == (SAMPLE_RATE, 1, 2)
        return stream.readframes(stream.getnframes())


def encode_mp3(pcm: bytes) -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(48)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())


def narrate(story: Story, lang: str, folder: Path) -> NarrationTimings:
    """Write <slug>.<lang>.mp3 and its timings into `folder`, as the audio builder does."""
    plan = narration_plan(story, lang)
    pcm, sentences, chapter_starts = bytearray(), [], []
    with tempfile.TemporaryDirectory() as workdir:
        for sentence in plan.sentences:
            pcm += bytes(2 * round(PAUSE_SECONDS[sentence.pause] * SAMPLE_RATE))
            if sentence.chapter:
                chapter_starts.append((sentence.chapter, len(pcm) // 2))
            begin = len(pcm) // 2
            pcm += speak(sentence.text, VOICES[lang], Path(workdir))
            sentences.append(SentenceTiming(sentence.id, sentence.text, begin, len(pcm) // 2))
    pcm += bytes(2 * SAMPLE_RATE // 2)  # half a second of silence at the end
    total = len(pcm) // 2
    ends = [start for _, start in chapter_starts[1:]] + [total]
    chapters = tuple(ChapterTiming(title, start, end) for (title, start), end in zip(chapter_starts, ends))
    audio_name = f"{story.slug}.{lang}.mp3"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / audio_name).write_bytes(encode_mp3(bytes(pcm)))
    timings = NarrationTimings(lang, SAMPLE_RATE, total, "eSpeak NG", VOICES[lang], (audio_name,),
                               tuple(sentences), chapters)
    save_timings(timings_path(folder, story.slug, lang), timings)
    return timings
