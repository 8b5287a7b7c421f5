"""Books for the EPUB tests, narrated for real: eSpeak NG per sentence, lameenc MP3 (until the audio builder is merged).

Each sentence of the narration plan is spoken by the espeak-ng command line into a WAV file;
the PCM is joined with silences for the plan's pauses, encoded once to MP3, and the sample
ranges are saved through timings.save_timings, exactly as the audio builder will.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
import zipfile
from dataclasses import dataclass
from pathlib import Path

import lameenc
from lxml import etree

from storyexport.builders import BuildContext, Options
from storyexport.builders.epub import EpubBuilder
from storyexport.cache import Cache
from storyexport.model import Story
from storyexport.narration import narration_plan
from storyexport.parse import parse
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


# -- the books the EPUB tests read ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "serving-hope" / "story.md"
EVERY_CONSTRUCT = ROOT / "tests" / "fixtures" / "stories" / "every-construct" / "story.md"


@dataclass(frozen=True)
class Built:
    story: Story
    folder: Path  # the output folder, with the narration the EPUBs were made from
    narrated: dict[str, Path]  # lang -> EPUB with media overlays
    text_only: dict[str, Path]  # lang -> EPUB built with narration switched off
    timings: dict[str, NarrationTimings]


def build_epubs(story_path: Path, root: Path) -> Built:
    """Narrate every language, then build the narrated and the text-only EPUBs."""
    story, _ = parse(story_path)
    folder = root / story.slug
    timings = {lang: narrate(story, lang, folder) for lang in story.languages}
    cache = Cache(root / ".cache")
    narrated = _build(story, folder, cache, Options())
    text_folder = root / "text-only" / story.slug
    text_only = _build(story, text_folder, cache, Options(narration=False), copy_from=folder)
    return Built(story, folder, narrated, text_only, timings)


def _build(story: Story, folder: Path, cache: Cache, options: Options, copy_from: Path | None = None) -> dict:
    if copy_from:  # the narration is there too: the text-only variant must ignore it
        shutil.copytree(copy_from, folder)
    outputs = EpubBuilder().build(story, BuildContext(folder, cache, options))
    return {output.lang: output.path for output in outputs}


_BUILT: dict[Path, Built] = {}


def built(story_path: Path, tmp_path_factory) -> Built:
    """The books of one story, built once per test session."""
    if story_path not in _BUILT:
        _BUILT[story_path] = build_epubs(story_path, tmp_path_factory.mktemp("epub"))
    return _BUILT[story_path]


# -- reading an EPUB back -------------------------------------------------------------------

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "smil": "http://www.w3.org/ns/SMIL"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Book:
    """An EPUB opened for inspection: its package document and any file inside it, parsed."""

    def __init__(self, path: Path):
        self.archive = zipfile.ZipFile(path)
        self.opf = self.xml("content.opf")

    def read(self, name: str) -> bytes:
        return self.archive.read(f"EPUB/{name}")

    def xml(self, name: str):
        return etree.fromstring(self.read(name))

    def meta(self, prop: str) -> list[str]:
        """Values of the book-wide <meta property=...> (not those refining an item)."""
        return [m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop and not m.get("refines")]

    def refining(self, prop: str) -> dict[str, str]:
        return {m.get("refines"): m.text for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop and m.get("refines")}

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def items(self) -> dict[str, dict]:
        """Manifest items by id."""
        return {i.get("id"): dict(i.attrib) for i in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def documents(self) -> list[str]:
        return [i["href"] for i in self.items().values() if i["media-type"] == "application/xhtml+xml"]
