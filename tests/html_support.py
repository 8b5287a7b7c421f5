"""Helpers for the HTML tests: build a story's pages, and make a real (eSpeak NG) narration for one."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

from storyexport.builders import BuildContext, Options
from storyexport.builders.html import HtmlBuilder
from storyexport.cache import Cache
from storyexport.model import Story
from storyexport.narration import narration_plan
from storyexport.output import write_text
from storyexport.parse import parse
from storyexport.timings import ChapterTiming, NarrationTimings, SentenceTiming, save_timings, timings_path

TESTS = Path(__file__).parent
STORIES = TESTS / "fixtures" / "stories"
SAMPLE = TESTS.parent / "source" / "serving-hope" / "story.md"
GAP_SECONDS = 0.25


def load(source: Path) -> Story:
    story, _ = parse(source)
    return story


def build_html(story: Story, output: Path, cache: Path, languages: tuple[str, ...] = ()) -> Path:
    """Build the html format of `story` into output/<slug>/ and return that folder."""
    folder = output / story.slug
    HtmlBuilder().build(story, BuildContext(folder, Cache(cache), Options(languages=languages)))
    return folder


def speak(text: str, lang: str, work: Path) -> tuple[bytes, int]:
    """16-bit mono PCM of `text` spoken by the eSpeak NG command line, and its sample rate."""
    wav = work / "sentence.wav"
    subprocess.run(["espeak-ng", "-v", lang, "-w", str(wav), text], check=True, capture_output=True)
    with wave.open(str(wav)) as reader:
        return reader.readframes(reader.getnframes()), reader.getframerate()


def encode(pcm: bytes, rate: int, target: Path, *codec: str) -> None:
    """PCM to a compressed file with ffmpeg (the test's stand-in for the audio builder)."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-",
                    *codec, str(target)], input=pcm, check=True, capture_output=True)


def vtt_time(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes // 60):02d}:{int(minutes % 60):02d}:{rest:06.3f}"


def make_narration(story: Story, lang: str, folder: Path) -> NarrationTimings:
    """Speak every sentence of the plan, encode MP3 and Opus, write timings.json and WebVTT."""
    plan = narration_plan(story, lang)
    folder.mkdir(parents=True, exist_ok=True)
    pcm, rate, sentences = bytearray(), 22050, []
    for sentence in plan.sentences:
        spoken, rate = speak(sentence.text, "es-419" if lang == "es" else lang, folder)
        pcm += b"\0\0" * int(GAP_SECONDS * rate)
        begin = len(pcm) // 2
        pcm += spoken
        sentences.append(SentenceTiming(sentence.id, sentence.text, begin, len(pcm) // 2))
    (folder / "sentence.wav").unlink()
    names = (f"{story.slug}.{lang}.mp3", f"{story.slug}.{lang}.opus")
    encode(bytes(pcm), rate, folder / names[0], "-c:a", "libmp3lame", "-b:a", "48k")
    encode(bytes(pcm), rate, folder / names[1], "-c:a", "libopus", "-b:a", "24k")
    starts = [(s.chapter, t.begin) for s, t in zip(plan.sentences, sentences) if s.chapter]
    chapters = tuple(ChapterTiming(title, begin, starts[i + 1][1] if i + 1 < len(starts) else len(pcm) // 2)
                     for i, (title, begin) in enumerate(starts))
    timings = NarrationTimings(lang, rate, len(pcm) // 2, "espeak-ng", lang, names, tuple(sentences), chapters)
    save_timings(timings_path(folder, story.slug, lang), timings)
    cues = [f"{t.id}\n{vtt_time(timings.seconds(t.begin))} --> {vtt_time(timings.seconds(t.end))}\n{t.text}\n"
            for t in sentences]
    write_text(folder / f"{story.slug}.{lang}.vtt", "WEBVTT\n\n" + "\n".join(cues))
    return timings
