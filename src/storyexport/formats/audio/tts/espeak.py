"""eSpeak NG through the libespeak-ng that the PyPI package espeakng-loader ships (en-us, es-419).

libespeak-ng keeps state in static variables that survive espeak_Terminate/espeak_Initialize
(measured: the same sentence said four times in one process gave four different byte strings,
up to 10 ms apart). So each sentence is said by a freshly loaded private copy of the library
(dlopen, say it, dlclose), which makes every sentence a pure function of its text. Loading
costs about 2 ms; eSpeak NG is still ~500x faster than real time.

Word times come with the sound: eSpeak NG reports a word event (the word's first character in
the text and its first sample) as it speaks; `phonemes` gives another engine's words their
share of a sentence by the phonemes eSpeak NG would say.
"""

from __future__ import annotations

import atexit
import ctypes
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice
from ....text.languages import primary_subtag
from ..words import from_text_positions, last_sound, tightened
from . import SpeechClip, Voice, espeak_language, package_version

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
END_PAUSE = 0x1000
SAMPLE_RATE = 22050
WORD_EVENT, LIST_END = 1, 0  # espeak_EVENT_TYPE values
IPA = 0x02  # espeak_TextToPhonemes: phonemes in IPA


class Event(ctypes.Structure):
    """espeak_EVENT (speak_lib.h): text_position is 1-based, in characters; sample is a sample index."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))
OWN_CHOICE = ("en", "es")  # storyexport picks these voices itself (espeak_language); eSpeak NG the others


class _VoiceSpec(ctypes.Structure):
    """espeak_VOICE: what espeak_SetVoiceByProperties matches and espeak_GetCurrentVoice answers."""

    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_char_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


class EspeakEngine:
    name = "espeak"
    parallel = False  # the library is process-global
    cpu_bound = True
    _library_copy: Path | None = None
    _lock = threading.Lock()

    def unavailable_reason(self, lang: str) -> str | None:
        try:
            import espeakng_loader  # noqa: F401
        except ImportError:
            return "not installed: pip install espeakng-loader"
        return None if self.voice_for(lang) else f"eSpeak NG has no voice for {lang!r}"

    def voice_for(self, lang: str) -> str | None:
        """The eSpeak NG voice for a BCP 47 tag: en-us and es-419 for English and Spanish, else the
        voice eSpeak NG itself matches to the tag (no and nb: gmq/nb; zh and zh-TW: sit/cmn)."""
        if primary_subtag(lang) in OWN_CHOICE:
            return espeak_language(lang)
        spec = _VoiceSpec(languages=lang.lower().encode())
        with self._lock, self._fresh_library() as library:
            if library.espeak_SetVoiceByProperties(ctypes.byref(spec)) != 0:
                return None
            library.espeak_GetCurrentVoice.restype = ctypes.POINTER(_VoiceSpec)
            current = library.espeak_GetCurrentVoice()
            return current.contents.identifier.decode() if current and current.contents.identifier else None

    def voice(self, lang: str, choice: NarrationChoice) -> Voice:
        name = choice.voice if choice.engine == "espeak" and choice.voice else self.voice_for(lang)
        with self._lock, self._fresh_library() as library:
            if not name or library.espeak_SetVoiceByName(name.encode()) != 0:
                raise EngineUnavailable(f"eSpeak NG has no voice {name or lang!r}")
        return Voice("espeak", name, name, f"eSpeak NG {self._library_version()}; "
                     + package_version("espeakng-loader"))

    def synthesize(self, text: str, voice: Voice) -> SpeechClip:
        pieces: list[bytes] = []
        starts: list[tuple[int, int]] = []  # (character, sample) where each spoken word begins

        def collect(wave, count, events) -> int:
            if count > 0:
                pieces.append(ctypes.string_at(wave, count * 2))
            index = 0
            while events[index].type != LIST_END:
                if events[index].type == WORD_EVENT:
                    starts.append((events[index].text_position - 1, events[index].sample))
                index += 1
            return 0

        callback = SYNTH_CALLBACK(collect)
        data = text.encode("utf-8") + b"\0"
        with self._lock, self._fresh_library() as library:
            library.espeak_SetSynthCallback(callback)
            if library.espeak_SetVoiceByName(voice.name.encode()) != 0:
                raise ValueError(f"eSpeak NG has no voice {voice.name!r}")
            library.espeak_Synth(data, len(data), 0, 0, 0, CHARS_UTF8 | END_PAUSE, None, None)
            library.espeak_Synchronize()
        samples = np.frombuffer(b"".join(pieces), np.int16).astype(np.float32) / 32768
        spans = tightened(from_text_positions(text, starts, len(samples)), last_sound(samples))
        return SpeechClip(samples, SAMPLE_RATE, tuple(spans))

    def phonemes(self, tokens: list[str], lang: str) -> list[str]:
        """What eSpeak NG would say for each token, in IPA, in the language's voice."""
        said = []
        with self._lock, self._fresh_library() as library:
            library.espeak_TextToPhonemes.restype = ctypes.c_char_p
            library.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
            if library.espeak_SetVoiceByName(espeak_language(lang).encode()) != 0:
                raise ValueError(f"eSpeak NG has no {lang!r} voice")
            for token in tokens:
                data = ctypes.create_string_buffer(token.encode("utf-8") + b"\0")
                pointer = ctypes.c_void_p(ctypes.addressof(data))
                parts = []
                while pointer.value:  # one clause per call; the pointer moves on, NULL at the end
                    said_now = library.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, IPA)
                    parts.append((said_now or b"").decode())
                said.append(" ".join(parts))
        return said

    def _library_version(self) -> str:
        with self._lock, self._fresh_library() as library:
            library.espeak_Info.restype = ctypes.c_char_p
            return library.espeak_Info(None).decode()

    @classmethod
    def _fresh_library(cls):
        return _LoadedLibrary(cls._private_copy())

    @classmethod
    def _private_copy(cls) -> Path:
        """A copy of libespeak-ng that nothing else in the process has loaded (so dlclose unloads it)."""
        if cls._library_copy is None or not cls._library_copy.exists():  # a run removes its temporary folder
            import espeakng_loader

            folder = Path(tempfile.mkdtemp(prefix="storyexport-espeak-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            cls._library_copy = Path(shutil.copy(espeakng_loader.get_library_path(), folder))
        return cls._library_copy


class _LoadedLibrary:
    """libespeak-ng loaded and initialised on entry, terminated and unloaded on exit."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> ctypes.CDLL:
        import espeakng_loader

        self.library = ctypes.CDLL(str(self.path))
        rate = self.library.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0,
                                              espeakng_loader.get_data_path().encode(), 0)
        if rate != SAMPLE_RATE:
            raise RuntimeError(f"eSpeak NG could not start (it answered {rate})")
        return self.library

    def __exit__(self, *exc) -> None:
        import _ctypes

        self.library.espeak_Terminate()
        _ctypes.dlclose(self.library._handle)


ENGINE_CLASS = EspeakEngine
