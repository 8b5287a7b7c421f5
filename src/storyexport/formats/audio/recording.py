"""One language's narration written into its MP3 and Opus files, levelled and encoded as a stream
read from the sentence cache (no copy of the whole narration is ever in memory), then tagged.

The level is set in passes over that stream, in one place: `loudness_gain` reads it (as often as
it needs) to find the gain that brings it to the spoken-word loudness once limited; `levelled`
applies the gain and the true-peak limiter chunk by chunk as the encoders take it. Each file is
then decoded and its true peak measured; one that peaks too high is encoded again from the
levelled stream with its peaks held lower (`hold_under_ceiling`).

Where the run's workers are on the driver's machine, one of them does this (`narration_files`, a
task writing into the run's temporary folder); on a Ray cluster, whose workers share no files, the
driver does (audio/builder.py chooses).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ContextManager

import numpy as np

from ...model import Story
from ...store.cache import Cache
from ...store.clock import build_time
from ...store.output import open_atomic
from .stream import NarrationAudio, rechunked
from .tags import AudioTags
from .tts import Voice

if TYPE_CHECKING:
    from ...workers.task import Worker

log = logging.getLogger(__name__)
PEAK_MARGIN_DB = 0.2  # how far under the files' true-peak ceiling a decoded file is held
ENCODINGS = 3  # at most, per file
COVER_WIDTH = 600  # pixels: cover art in the tags stays small (and square, as players show it)
# One narration is levelled and encoded at a time in this process (a run's builders run a story's
# languages, and several stories, side by side; with --jobs 1 or on a Ray cluster they record in
# the driver): the limiter's arrays for one chunk of
# loudness.PCM_CHUNK samples (oversampled four times) take about 170 MB at their peak.
RECORDING = threading.Lock()

Writer = Callable[[BinaryIO, int], ContextManager[Callable[[np.ndarray], None]]]  # encode.mp3_writer, opus_writer
PcmSource = Callable[[float | None], Iterator[np.ndarray]]  # the PCM as it is (None), or its peaks held under a ceiling


@dataclass(frozen=True)
class EncodedFile:
    """One file being made: what it is, where it is written, its encoder, and what goes in front."""

    name: str
    out: BinaryIO
    writer: Writer
    head: bytes = b""


def narration_files(worker: Worker, narration: NarrationAudio, tags: AudioTags, mp3: Path, opus: Path) -> None:
    """A task (see BuildContext.submit) for a worker on the driver's machine: `narration`, its
    clips read from the run's cache, written into the files `mp3` and `opus` of the run's temporary
    folder, which the driver then moves into place (only the driver writes outputs)."""
    record_narration(narration, worker.cache, tags, mp3, opus, worker.stop_if_cancelled)


def record_narration(narration: NarrationAudio, cache: Cache, tags: AudioTags, mp3: Path, opus: Path,
                     between: Callable[[], None]) -> None:
    """Write `narration` (its clips read from `cache`) into the files `mp3` and `opus`, tagged;
    `between` is called before each chunk (it raises to stop: an hour of audio takes a while)."""
    with RECORDING:
        _record(narration, cache, tags, mp3, opus, between)


def _record(narration: NarrationAudio, cache: Cache, tags: AudioTags, mp3: Path, opus: Path,
            between: Callable[[], None]) -> None:
    from .encode import mp3_writer, opus_writer
    from .loudness import loudness_gain
    from .tags import id3_tag, tag_opus

    gain = loudness_gain(lambda: _checked(narration.chunks(cache), between), narration.rate)

    def pcm(ceiling: float | None) -> Iterator[np.ndarray]:
        """The levelled narration, its peaks held under `ceiling` when one is given."""
        chunks = levelled(narration, cache, gain)
        return chunks if ceiling is None else held(chunks, narration.rate, ceiling)

    with open_atomic(mp3) as mp3_file, open_atomic(opus) as opus_file:
        files = [EncodedFile("mp3", mp3_file, mp3_writer, id3_tag(tags)), EncodedFile("opus", opus_file, opus_writer)]
        encode_files(files, pcm(None), narration.rate, between)
        for file in files:
            hold_under_ceiling(file, pcm, narration.rate, between)
        tag_opus(opus_file, tags)


def hold_under_ceiling(file: EncodedFile, pcm: PcmSource, rate: int, between: Callable[[], None]) -> None:
    """`file` (encoded from `pcm(None)`) encoded again until its decoded true peak is under
    CEILING_DBTP less PEAK_MARGIN_DB, at most ENCODINGS times in all. Lossy coding raises peaks, by
    how much depends on the audio (0.5 to 2.7 dB over the limited PCM, measured): when the decoded
    file peaks too high, the PCM's peaks are held lower by the excess and it is encoded again (the
    loudness hardly moves: only the few peaks are turned down)."""
    from .loudness import CEILING_DBTP

    allowed, ceiling = CEILING_DBTP - PEAK_MARGIN_DB, None
    for _ in range(ENCODINGS - 1):
        peak = _decoded_peak(file.out)
        if peak <= allowed:
            return
        ceiling = _true_peak(pcm(ceiling), rate) - (peak - allowed)
        log.info("%s: decoded true peak %.2f dBTP; encoding again with the peaks held at %.2f dBTP",
                 file.name, peak, ceiling)
        encode_files([file], pcm(ceiling), rate, between)


def _checked(chunks: Iterable[np.ndarray], between: Callable[[], None]) -> Iterator[np.ndarray]:
    """The chunks, with `between` called before each (the measuring passes stop when the run does)."""
    for chunk in chunks:
        between()
        yield chunk


def encode_files(files: list[EncodedFile], chunks: Iterable[np.ndarray], rate: int, between: Callable[[], None]) -> None:
    """Each of `files` written anew from the PCM `chunks`, which are read once for all of them."""
    with contextlib.ExitStack() as writers:
        encoders = []
        for file in files:
            file.out.seek(0)
            file.out.truncate()
            file.out.write(file.head)
            encoders.append(writers.enter_context(file.writer(file.out, rate)))
        for chunk in chunks:
            between()
            for encode in encoders:
                encode(chunk)


def _decoded_peak(file: BinaryIO) -> float:
    """The true peak (dBTP) of the file as players decode it."""
    from .encode import decoded_chunks
    from .loudness import measure

    rate, chunks = decoded_chunks(file)
    return measure(chunks, rate).true_peak_dbtp


def _true_peak(pcm: Iterable[np.ndarray], rate: int) -> float:
    """The true peak (dBTP) of 16-bit PCM given in chunks."""
    from .loudness import measure

    return measure((chunk.astype(np.float64) / 32768 for chunk in pcm), rate).true_peak_dbtp


def levelled(narration: NarrationAudio, cache: Cache, gain_db: float) -> Iterator[np.ndarray]:
    """The narration with `gain_db` applied and its true peaks limited (loudness.py), as 16-bit PCM
    in chunks of PCM_CHUNK samples."""
    from .loudness import limited

    return _as_pcm(limited(narration.chunks(cache), narration.rate, gain_db))


def held(pcm: Iterable[np.ndarray], rate: int, ceiling_dbtp: float) -> Iterator[np.ndarray]:
    """16-bit PCM in chunks of PCM_CHUNK samples with its true peaks held under `ceiling_dbtp`,
    in chunks of the same size (the gain unchanged: only the few peaks move)."""
    from .loudness import limited

    return _as_pcm(limited((chunk.astype(np.float64) / 32768 for chunk in pcm), rate, 0.0, ceiling_dbtp))


def _as_pcm(samples: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """Float samples in [-1, 1] as 16-bit PCM, in chunks of PCM_CHUNK samples."""
    from .loudness import PCM_CHUNK

    return rechunked((np.clip(np.round(piece * 32767), -32768, 32767).astype(np.int16) for piece in samples),
                     PCM_CHUNK)


def narration_tags(story: Story, lang: str, voice: Voice, narration: NarrationAudio, cache: Cache) -> AudioTags:
    """What the files say of themselves: the story's title, authors and cover, the voice, the chapters."""
    import langcodes

    from ..renditions import rendition

    cover = rendition(story.cover, cache, width=COVER_WIDTH, quality=80, square=True) if story.cover else None
    article = story.article(lang)
    artists = tuple(author.name for author in article.authors) or ((article.publisher.text,) if article.publisher.text else ())
    return AudioTags(
        title=article.title, subtitle=article.subtitle, artists=artists, publisher=article.publisher.text,
        language=langcodes.Language.get(lang).to_alpha3(), year=str(build_time(story).year),
        rights=article.rights.text,
        comment=f"Synthetic narration: {voice.engine}, voice {voice.name} ({voice.version})",
        cover_jpeg=cover.data if cover else None, cover_size=(cover.width, cover.height) if cover else (0, 0),
        chapters=narration.chapters, rate=narration.rate)
