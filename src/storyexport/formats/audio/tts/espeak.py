"""eSpeak NG through the libespeak-ng that the PyPI package espeakng-loader ships (en-us, es-419).

A speech script is given to eSpeak as SSML when it needs more than text: words in another
language inside `<voice xml:lang>` (said by that language's voice), and lexicon phonemes as
eSpeak's own phoneme mnemonics in `[[...]]` (eSpeak takes no IPA; phonemes.py converts it).

libespeak-ng keeps state in static variables that survive espeak_Terminate/espeak_Initialize
(measured: the same sentence said four times in one process gave four different byte strings,
up to 10 ms apart). So each sentence is said by a freshly loaded private copy of the library
(dlopen, say it, dlclose), which makes every sentence a pure function of its text. Loading
costs about 2 ms; eSpeak NG is still ~500x faster than real time.

Word times come with the sound: eSpeak NG reports a word event (the word's first character in
its input and its first sample) as it speaks; a character of SSML input is moved to its token in
the script's text (`in_script_text`). `phonemes` gives another engine's words their
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
from ....text.speech import SpeechScript, SpokenToken
from ..words import from_text_positions, last_sound, tightened
from . import SpeechClip, Voice, espeak_language, package_version

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
SSML = 0x10
PHONEMES = 0x100  # read [[...]] as phoneme mnemonics
END_PAUSE = 0x1000
IPA_OUTPUT = 2  # espeak_TextToPhonemes / espeak_SetPhonemeTrace: IPA rather than mnemonics
SAMPLE_RATE = 22050
WORD_EVENT, LIST_END = 1, 0  # espeak_EVENT_TYPE values


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

    def unavailable_reason(self, lang: str, choice: NarrationChoice | None = None) -> str | None:
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

    def synthesize(self, script: SpeechScript, voice: Voice) -> SpeechClip:
        return self._say(script, voice)

    def spoken_phonemes(self, script: SpeechScript, voice: Voice) -> str:
        """What eSpeak really says for `script`, in IPA (its phoneme trace), e.g. to check a lexicon."""
        trace: list[str] = []
        self._say(script, voice, trace)
        return " ".join(trace[0].split()) if trace else ""

    def _say(self, script: SpeechScript, voice: Voice, trace: list[str] | None = None) -> SpeechClip:
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
        text, flags, token_starts = espeak_input(script, voice.name)
        data = text.encode("utf-8") + b"\0"
        with self._lock, self._fresh_library() as library, _PhonemeTrace(library, trace):
            library.espeak_SetSynthCallback(callback)
            if library.espeak_SetVoiceByName(voice.name.encode()) != 0:
                raise ValueError(f"eSpeak NG has no voice {voice.name!r}")
            library.espeak_Synth(data, len(data), 0, 0, 0, CHARS_UTF8 | END_PAUSE | flags, None, None)
            library.espeak_Synchronize()
        samples = np.frombuffer(b"".join(pieces), np.int16).astype(np.float32) / 32768
        in_script = in_script_text(starts, token_starts, script)
        spans = tightened(from_text_positions(script.text, in_script, len(samples)), last_sound(samples))
        return SpeechClip(samples, SAMPLE_RATE, tuple(spans))

    def phonemes(self, tokens: list[str], lang: str) -> list[str]:
        """What eSpeak NG would say for each token, in IPA, in the language's voice."""
        return [" ".join(clauses) for clauses in _clauses(tokens, espeak_language(lang), IPA_OUTPUT)]

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


def espeak_input(script: SpeechScript, language: str) -> tuple[str, int, tuple[int, ...]]:
    """The text eSpeak is given for a script, the synth flags it needs, and where each token starts
    in that text: plain text when the script is plain; else SSML with other languages in <voice>
    and lexicon phonemes in [[ ]]."""
    if script.plain:
        text = script.text.replace("[[", "[ [")
        return text, 0, tuple(o + script.text.count("[[", 0, o) for o in script.offsets())
    from xml.sax.saxutils import escape

    text, starts = f'<speak xml:lang="{language}">', []
    for index, (lang, tokens) in enumerate(script.runs()):
        text += "" if index == 0 or tokens[0].joined else " "
        if lang != script.lang:
            text += f'<voice xml:lang="{espeak_language(lang)}">'
        for number, token in enumerate(tokens):
            text += "" if number == 0 or token.joined else " "
            starts.append(len(text))
            text += _said(token, language if lang == script.lang else espeak_language(lang), escape)
        if lang != script.lang:  # the space before </voice> matters: without it eSpeak garbles what follows [[ ]]
            text += " </voice>"
    return f"{text}</speak>", SSML | PHONEMES, tuple(starts)


def _said(token: SpokenToken, language: str, escape) -> str:
    """A token as eSpeak reads it: its lexicon phonemes as mnemonics in [[ ]], or its escaped text."""
    from .phonemes import mnemonics

    said = mnemonics(token.phonemes, language) if token.phonemes else None
    return f"[[{said}]]" if said else escape(token.text.replace("[[", "[ ["))


def in_script_text(starts: list[tuple[int, int]], token_starts: tuple[int, ...],
                   script: SpeechScript) -> list[tuple[int, int]]:
    """Word events (character of eSpeak's input, sample) moved to the script's text: an event inside
    token i (from its start in the input to the next token's) keeps its place in the token's text,
    at most its last character (markup after it); an event inside a token said by its [[phonemes]]
    is the token's start (the phonemes are not its text: a lexicon's "A Venezuelan" is one event,
    and from_text_positions shares its time between the two words)."""
    from bisect import bisect_right

    moved, offsets = [], script.offsets()
    for character, sample in starts:
        index = bisect_right(token_starts, character) - 1
        if index >= 0:
            token = script.tokens[index]
            inside = 0 if token.phonemes else min(character - token_starts[index], max(len(token.text) - 1, 0))
            moved.append((offsets[index] + inside, sample))
    return moved


def espeak_phonemes(text: str, language: str, ipa: bool = True, separator: str = "") -> str:
    """What eSpeak NG would say for `text` in `language`, as IPA (or its mnemonics), clause by clause;
    `separator` goes between the phonemes of a word."""
    mode = (IPA_OUTPUT if ipa else 0) | (ord(separator) << 8 if separator else 0)
    [clauses] = _clauses([text], language, mode)
    return " ".join(clause.strip() for clause in clauses if clause.strip())


def _clauses(texts: list[str], language: str, mode: int) -> list[list[str]]:
    """Each text's phonemes in eSpeak NG's `language` voice, a clause at a time (espeak_TextToPhonemes
    `mode`: IPA or mnemonics, and the separator between a word's phonemes)."""
    said = []
    with EspeakEngine._lock, EspeakEngine._fresh_library() as library:
        library.espeak_TextToPhonemes.restype = ctypes.c_char_p
        library.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        if library.espeak_SetVoiceByName(language.encode()) != 0:
            raise ValueError(f"eSpeak NG has no voice {language!r}")
        for text in texts:
            data = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
            pointer = ctypes.c_void_p(ctypes.addressof(data))
            clauses = []
            while pointer.value:  # one clause per call; the pointer moves on, NULL at the end
                clauses.append((library.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, mode) or b"").decode())
            said.append(clauses)
    return said


class _PhonemeTrace:
    """While synthesizing, eSpeak writes what it says (IPA) to a file; `trace` receives its text."""

    def __init__(self, library: ctypes.CDLL, trace: list[str] | None):
        self.library, self.trace = library, trace

    def __enter__(self) -> None:
        if self.trace is None:
            return
        libc = ctypes.CDLL(None)
        libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_char_p]
        self.libc, self.path = libc, Path(tempfile.mkstemp(prefix="storyexport-trace-")[1])
        self.file = libc.fopen(str(self.path).encode(), b"w")
        self.library.espeak_SetPhonemeTrace.argtypes = [ctypes.c_int, ctypes.c_void_p]
        self.library.espeak_SetPhonemeTrace(IPA_OUTPUT, ctypes.c_void_p(self.file))

    def __exit__(self, *exc) -> None:
        if self.trace is None:
            return
        self.library.espeak_SetPhonemeTrace(0, None)
        self.libc.fclose(ctypes.c_void_p(self.file))
        self.trace.append(self.path.read_text("utf-8"))
        self.path.unlink(missing_ok=True)


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
