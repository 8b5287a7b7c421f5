"""The audio builder end to end: the sample (eSpeak NG) and an excerpt of it (Piper, Kokoro), for real."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from storyexport.formats import BuildContext, Options
from storyexport.formats.audio.builder import AudioBuilder
from storyexport.formats.audio.encode import decode
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.text.narration_plan import narration_plan
from storyexport.text.timings import load_timings

pytestmark = pytest.mark.slow  # every test reads a real narration

KINDS = ("mp3", "opus", "vtt", "timings.json")


def build_audio(source: Path, root: Path, cache: Cache | None = None, workers=None, **options):
    """Build one story's audio into root/<slug>/ (its tasks run by `workers`, else in this thread);
    returns the story, its folder and the cache used."""
    story, _ = parse(source)
    cache = cache or Cache(root / ".cache")
    ctx = BuildContext(root / story.slug, cache, Options(**options), workers=workers)
    AudioBuilder().build(story, ctx)
    return story, root / story.slug, cache


@pytest.fixture(scope="session")
def espeak_builds(tmp_path_factory, paths):
    """The sample story in both languages with eSpeak NG, built twice from empty caches."""
    return [build_audio(paths.sample, tmp_path_factory.mktemp(f"espeak{n}"), tts="espeak") for n in (1, 2)]


@pytest.fixture(scope="session")
def offline_builds(tmp_path_factory, paths):
    """The excerpt with the default offline engines (Piper en, Kokoro es), built twice from empty caches."""
    excerpt = paths.story("narration-excerpt")
    return [build_audio(excerpt, tmp_path_factory.mktemp(f"offline{n}"), offline=True) for n in (1, 2)]


def files(folder: Path, slug: str, lang: str) -> dict[str, Path]:
    return {kind: folder / f"{slug}.{lang}.{kind}" for kind in KINDS}


def cues(vtt: str) -> list[tuple[str, float, float, str]]:
    """(sentence id, start, end, text) per sentence of a WebVTT file: a sentence's cues ("s3",
    "s3-2"...) joined, their lines too."""
    found = re.findall(r"(s\d+)(?:-\d+)?\n(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n"
                       r"((?:.+\n)+)", vtt)
    seconds = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000  # noqa: E731
    joined: dict[str, tuple[str, float, float, str]] = {}
    for c in found:
        text = html.unescape(" ".join(c[9].split()))
        if c[0] in joined:
            first = joined[c[0]]
            joined[c[0]] = (c[0], first[1], seconds(*c[5:9]), f"{first[3]} {text}")
        else:
            joined[c[0]] = (c[0], seconds(*c[1:5]), seconds(*c[5:9]), text)
    return list(joined.values())


@pytest.mark.parametrize("builds", ["espeak_builds", "offline_builds"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_narration_is_complete_exact_and_well_paced(builds: str, lang: str, request):
    story, folder, _ = request.getfixturevalue(builds)[0]
    plan = narration_plan(story, lang)
    paths = files(folder, story.slug, lang)
    timings = load_timings(paths["timings.json"])
    assert timings is not None and timings.matches(plan) and timings.sample_rate == 24000
    words = sum(len(s.text.split()) for s in plan.sentences)
    assert 0.25 <= timings.duration / words <= 0.6
    found = cues(paths["vtt"].read_text("utf-8"))
    assert [(c[0], c[3]) for c in found] == [(s.id, s.text) for s in plan.sentences]
    for (_, start, end, _), timing in zip(found, timings.sentences):
        assert 0 <= start < end <= timings.duration
        assert start == pytest.approx(timing.begin / 24000, abs=0.0006)
        assert end == pytest.approx(timing.end / 24000, abs=0.0006)
    assert [c.title for c in timings.chapters] == [s.chapter for s in plan.sentences if s.chapter]


@pytest.mark.parametrize("builds", ["espeak_builds", "offline_builds"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_mp3_and_opus_decode_to_the_timed_samples(builds: str, lang: str, request):
    import soundfile

    story, folder, _ = request.getfixturevalue(builds)[0]
    paths = files(folder, story.slug, lang)
    timings = load_timings(paths["timings.json"])
    from_mp3, rate = decode(paths["mp3"].read_bytes())  # FFmpeg
    from_opus, opus_rate = decode(paths["opus"].read_bytes())
    assert (rate, len(from_mp3)) == (24000, timings.samples)
    assert (opus_rate, len(from_opus)) == (48000, 2 * timings.samples)
    for path in (paths["mp3"], paths["opus"]):  # a second, independent decoder: mpg123 and libopus
        assert soundfile.info(str(path)).frames in (timings.samples, 2 * timings.samples)
    speech = timings.sentences[2]  # the same sentence sits at the same samples in both files
    window = slice(speech.begin, speech.end)
    mp3_part, opus_part = from_mp3[window], from_opus[::2][window]
    assert np.corrcoef(mp3_part, opus_part)[0, 1] > 0.8
    silence = slice(timings.sentences[1].end + 200, timings.sentences[2].begin - 200)
    assert np.abs(from_mp3[silence]).max() < 0.01


def audio_bytes(path: Path) -> int:
    """The bytes of a file's audio stream: without the ID3 tag (MP3) or the Ogg header pages (Opus)."""
    from mutagen.id3 import ID3
    from mutagen.ogg import OggPage

    if path.suffix == ".mp3":
        return path.stat().st_size - ID3(str(path)).size
    with open(path, "rb") as stream:
        pages = []
        while stream.tell() < path.stat().st_size:
            pages.append(OggPage(stream))
    return sum(page.size for page in pages if page.position > 0)


@pytest.mark.parametrize("builds", ["espeak_builds", "offline_builds"])
def test_files_have_the_promised_bitrates(builds: str, request):
    story, folder, _ = request.getfixturevalue(builds)[0]
    for lang in story.languages:
        paths = files(folder, story.slug, lang)
        seconds = load_timings(paths["timings.json"]).duration
        assert audio_bytes(paths["mp3"]) * 8 / seconds == pytest.approx(48_000, rel=0.02)
        assert audio_bytes(paths["opus"]) * 8 / seconds == pytest.approx(24_000, rel=0.05)


@pytest.mark.parametrize("builds", ["espeak_builds", "offline_builds"])
def test_two_offline_runs_are_byte_identical(builds: str, request):
    (story, first, _), (_, second, _) = request.getfixturevalue(builds)
    for lang in story.languages:
        for kind, path in files(first, story.slug, lang).items():
            assert path.read_bytes() == files(second, story.slug, lang)[kind].read_bytes(), path.name


@pytest.mark.parametrize("builds", ["espeak_builds", "offline_builds"])
def test_every_narration_is_at_spoken_word_loudness_as_players_decode_it(builds: str, request):
    from storyexport.formats.audio.encode import decoded_chunks
    from storyexport.formats.audio.loudness import measure

    story, folder, _ = request.getfixturevalue(builds)[0]
    for lang in story.languages:
        for kind in ("mp3", "opus"):
            rate, chunks = decoded_chunks(files(folder, story.slug, lang)[kind])
            loudness = measure(chunks, rate)
            assert abs(loudness.integrated_lufs - (-18.0)) <= 1.0, (lang, kind, loudness)
            assert loudness.true_peak_dbtp <= -1.5, (lang, kind, loudness)


def espeak_narration(source: Path, lang: str, cache: Cache) -> np.ndarray:
    """A story's narration in `lang` as eSpeak NG says it: joined and levelled, not yet encoded
    (its sentences put in `cache`, where the narration is read from, as in a build)."""
    from storyexport.formats.audio.loudness import loudness_gain
    from storyexport.formats.audio.recording import levelled
    from storyexport.formats.audio.stream import SpokenClip, narration
    from storyexport.formats.audio.synthesis import speak
    from storyexport.formats.audio.tts import get_engine
    from storyexport.text.speech import speech_scripts

    story, _ = parse(source)
    engine = get_engine("espeak")
    voice = engine.voice(lang, story.narration_for(lang))
    scripts, plan = speech_scripts(story, lang), narration_plan(story, lang)
    clips = {}
    for sentence in plan.sentences:
        spoken = speak(engine, voice, scripts[sentence.id], sentence.text)
        cache.put(sentence.id, spoken.pcm.tobytes(), kind="sentence")
        clips[sentence.id] = SpokenClip(sentence.id, len(spoken.pcm), spoken.words, spoken.estimated)
    joined = narration(plan, clips)
    gain = loudness_gain(lambda: joined.chunks(cache), joined.rate)
    return np.concatenate(list(levelled(joined, cache, gain)))


def encoded(codec: str, pcm: np.ndarray, held: bool) -> bytes:
    """`pcm` as an MP3 or Opus file, encoded once, or (`held`) again as long as its decoded peaks
    rise over the ceiling, as a build makes it."""
    from storyexport.formats.audio import encode
    from storyexport.formats.audio.recording import EncodedFile, encode_files, held as held_under, hold_under_ceiling
    from storyexport.formats.audio.stream import rechunked

    def source(ceiling: float | None):
        return rechunked([pcm]) if ceiling is None else held_under(rechunked([pcm]), 24000, ceiling)

    out = io.BytesIO()
    file = EncodedFile(codec, out, getattr(encode, f"{codec}_writer"))
    encode_files([file], source(None), 24000, go_on)
    if held:
        hold_under_ceiling(file, source, 24000, go_on)
    return out.getvalue()


def decoded_loudness(data: bytes):
    """The loudness of an encoded file as players decode it."""
    from storyexport.formats.audio.encode import decoded_chunks
    from storyexport.formats.audio.loudness import measure

    rate, chunks = decoded_chunks(data)
    return measure(chunks, rate)


@pytest.mark.parametrize("codec", ["mp3", "opus"])
def test_a_file_whose_decoded_peaks_rise_over_the_ceiling_is_encoded_again(paths, codec: str, tmp_path):
    """eSpeak NG's English levelled 2.5 dB hotter, its peaks limited at -2 dBTP, less than the codecs'
    margin: the file made is held at most -1.5 dBTP as decoded, its loudness about the same."""
    from storyexport.formats.audio.loudness import limited_pcm

    narrated = espeak_narration(paths.story("narration-excerpt"), "en", Cache(tmp_path / "cache"))
    hot = limited_pcm(narrated, 24000, 2.5, -2.0)
    plain, held = decoded_loudness(encoded(codec, hot, False)), decoded_loudness(encoded(codec, hot, True))
    assert plain.true_peak_dbtp > -1.5  # the case is real: as it was, the file would peak too high
    assert held.true_peak_dbtp <= -1.5
    assert held.integrated_lufs == pytest.approx(plain.integrated_lufs, abs=0.6)  # measured: 0.39 and 0.48 LU


@pytest.mark.parametrize("codec", ["mp3", "opus"])
def test_a_file_under_the_ceiling_is_encoded_once_as_it_is(paths, codec: str, tmp_path):
    pcm = espeak_narration(paths.story("narration-excerpt"), "en", Cache(tmp_path / "cache"))
    assert encoded(codec, pcm, True) == encoded(codec, pcm, False)


def go_on() -> None:
    """An encoder's `between` that never stops it."""


@pytest.mark.parametrize("lang,language", [("en", "eng"), ("es", "spa")])
def test_mp3_tags_name_the_story_authors_publisher_language_engine_and_chapters(espeak_builds, lang, language):
    from mutagen.id3 import ID3

    story, folder, _ = espeak_builds[0]
    article = story.article(lang)
    tags = ID3(str(files(folder, story.slug, lang)["mp3"]))
    assert tags.version == (2, 3, 0)
    assert str(tags["TIT2"]) == str(tags["TALB"]) == article.title
    assert str(tags["TPE1"]) == {"en": "IOM", "es": "OIM"}[lang]  # each edition's own byline
    assert str(tags["TPUB"]) == article.publisher.text
    assert str(tags["TCON"]) == "Speech"
    assert str(tags["TLAN"]) == language
    comment = tags.getall("COMM")[0].text[0]
    voice = 'en-us' if lang == 'en' else 'es-419'
    assert comment.startswith(f"Synthetic narration: espeak, voice {voice} (eSpeak NG 1.52")
    cover = Image.open(io.BytesIO(tags.getall("APIC")[0].data))
    assert cover.format == "JPEG" and cover.size == (600, 600) and not cover.getexif() and "comment" not in cover.info
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    timings = load_timings(files(folder, story.slug, lang)["timings.json"])
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == [c.title for c in timings.chapters]
    assert [c.start_time for c in chapters] == [round(c.begin / 24) for c in timings.chapters]
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [c.element_id for c in chapters]


def test_opus_comments_carry_the_same_tags_and_chapters(espeak_builds):
    from mutagen.oggopus import OggOpus

    story, folder, _ = espeak_builds[0]
    tags = OggOpus(str(files(folder, story.slug, "es")["opus"])).tags
    assert tags["TITLE"] == tags["ALBUM"] == [story.article("es").title] and tags["LANGUAGE"] == ["spa"]
    assert tags["ARTIST"] == ["OIM"] and tags["GENRE"] == ["Speech"]
    assert tags["ORGANIZATION"] == ["Organización Internacional para las Migraciones"]
    timings = load_timings(files(folder, story.slug, "es")["timings.json"])
    names = [tags[f"CHAPTER{n:03d}NAME"][0] for n in range(1, len(timings.chapters) + 1)]
    starts = [tags[f"CHAPTER{n:03d}"][0] for n in range(1, len(timings.chapters) + 1)]
    assert names == [c.title for c in timings.chapters] and starts == sorted(starts)
    assert "METADATA_BLOCK_PICTURE" in tags


def test_a_narration_recorded_in_a_worker_process_or_in_the_driver_is_the_same(offline_builds, paths, tmp_path):
    """Worker processes on this machine record the narration themselves (reading the sentence
    cache, writing into the temporary folder; the driver moves the files into place); a cluster's
    workers share no files, so the driver records. Either way the same bytes, and nothing is left over."""
    from storyexport.workers.local import InlineWorkers, ProcessWorkers

    story, made_here, warm_cache = offline_builds[0]
    cache = Cache(Path(shutil.copytree(warm_cache.folder, tmp_path / "cache")))
    processes = ProcessWorkers(2, cache)
    try:
        _, in_workers, _ = build_audio(paths.story("narration-excerpt"), tmp_path / "processes", cache, processes,
                                       offline=True)
        usage = processes.usage()
    finally:
        processes.close()
    elsewhere = InlineWorkers(cache)
    elsewhere.local = False  # as a Ray cluster's workers: the driver records
    _, in_driver, _ = build_audio(paths.story("narration-excerpt"), tmp_path / "driver", cache, elsewhere,
                                  offline=True)
    assert cache.stats["miss:sentence"] == 0  # every sentence came from the cache (looked up by the driver)...
    assert len(usage) >= 1  # ...so the recordings were the only tasks, and they ran in the worker processes
    for lang in story.languages:
        for kind in KINDS:
            name = f"{story.slug}.{lang}.{kind}"
            expected = (made_here / name).read_bytes()
            assert (in_workers / name).read_bytes() == expected and (in_driver / name).read_bytes() == expected
    assert sorted(p.name for p in in_workers.iterdir()) == sorted(p.name for p in in_driver.iterdir())


def test_editing_one_sentence_synthesizes_exactly_that_sentence(offline_builds, tmp_path, paths):
    _, _, warm_cache = offline_builds[0]
    source = tmp_path / "source" / "narration-excerpt"
    shutil.copytree(paths.stories / "narration-excerpt", source)
    story_file = source / "story.md"
    text = story_file.read_text("utf-8")
    story_file.write_text(text.replace("no pudo revalidar su título de médico.", "no pudo revalidar su título."))
    cache = Cache(Path(shutil.copytree(warm_cache.folder, tmp_path / "cache")))
    story, folder, _ = build_audio(story_file, tmp_path / "out", cache=cache, offline=True)
    assert cache.stats["miss:sentence"] == 1
    assert cache.stats["hit:sentence"] == 2 * 9 - 1
    timings = load_timings(files(folder, story.slug, "es")["timings.json"])
    assert timings.sentences[5].text == "Al principio no pudo revalidar su título."


def test_an_unchanged_story_is_not_narrated_again(offline_builds, paths):
    story, folder, cache = offline_builds[0]
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    misses, hits = cache.stats["miss:sentence"], cache.stats["hit:sentence"]
    build_audio(paths.story("narration-excerpt"), folder.parent, cache=cache, offline=True)
    assert (cache.stats["miss:sentence"], cache.stats["hit:sentence"]) == (misses, hits)
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_manifest_names_engine_and_voice_of_each_audio_file(offline_builds, paths, run_cli):
    story, folder, _ = offline_builds[0]
    result = run_cli("audio", paths.story("narration-excerpt"), "--offline", "-q", "-o", str(folder.parent))
    assert result.exit_code == 0, result.output
    entries = {e["path"]: e for e in json.loads((folder / "manifest.json").read_text())["files"]}
    assert entries[f"{story.slug}.en.mp3"]["engine"] == "piper"
    assert entries[f"{story.slug}.en.mp3"]["voice"] == "en_US-joe-medium"
    assert entries[f"{story.slug}.es.opus"]["engine"] == "kokoro"
    assert entries[f"{story.slug}.es.opus"]["voice"] == "jm_kumo"

