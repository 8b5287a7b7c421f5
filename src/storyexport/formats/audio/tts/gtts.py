"""gTTS: Google Translate's voices (online). One request per sentence, with timeouts and retries.

gTTS's own tokenizer cuts a text at every comma, which breaks a sentence into separately
intoned pieces, so each storyexport sentence is sent whole (Google takes at most 100
characters per request; longer sentences are cut only at the last space before that limit).
Words in another language are asked of that language's Google voice and joined in, their
silences trimmed and the joins faded. Google takes no phonemes: a lexicon entry reaches it
only through its alias (the respelling).
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np

from ....errors import EngineUnavailable
from ....model import NarrationChoice
from ....text.languages import primary_subtag
from ....text.speech import SpeechScript
from . import EngineFailed, SpeechClip, Voice, package_version

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 3.0  # seconds `auto` waits for Google before narrating offline
REQUEST_TIMEOUT = (5.0, 20.0)  # connect, read: gTTS waits forever without one
MAX_ATTEMPTS = 4
DEFAULT_TLD = {"es": "com.mx", "en": "com"}  # Latin American Spanish by default
PROBE_TEXT = {"en": "Hello.", "es": "Hola."}


class GttsEngine:
    name = "gtts"
    parallel = True
    cpu_bound = False
    backoff = 1.0  # seconds before the first retry; doubled after each
    probe_timeout = PROBE_TIMEOUT

    def __init__(self, offline: bool = False):
        self.offline = offline
        self._probes: dict[tuple[str, str], str | None] = {}  # lives as long as this engine: one run
        self._probe_lock = threading.Lock()

    def unavailable_reason(self, lang: str, choice: NarrationChoice | None = None) -> str | None:
        if self.offline:
            return "--offline: the network is not used"
        try:
            from gtts.lang import tts_langs
        except ImportError:
            return "the gTTS package is not installed (pip install gTTS)"
        code = gtts_language(lang, tuple(tts_langs()))
        if code is None:
            return f"Google has no voice for {lang!r}"
        return self._probe(code, DEFAULT_TLD.get(primary_subtag(code), "com"))

    def _probe(self, code: str, tld: str) -> str | None:
        """Why Google cannot be used now, or None when it answered: asked once per language and
        accent for as long as this engine lives (one run)."""
        with self._probe_lock:
            if (code, tld) not in self._probes:
                self._probes[(code, tld)] = self._ask(code, tld)
            return self._probes[(code, tld)]

    def _ask(self, code: str, tld: str) -> str | None:
        from gtts import gTTS, gTTSError

        started = time.monotonic()
        try:
            request = gTTS(PROBE_TEXT.get(code, "OK."), lang=code, tld=tld,
                           timeout=(self.probe_timeout / 2, self.probe_timeout / 2))
            next(iter(request.stream()))
        except (gTTSError, StopIteration) as error:
            return f"Google did not answer within {self.probe_timeout:g} s ({_cause(error)})"
        log.debug("gTTS answered in %.2f s", time.monotonic() - started)
        return None

    def voice(self, lang: str, choice: NarrationChoice) -> Voice:
        from gtts.lang import tts_langs

        if choice.engine == "gtts" and choice.voice:
            raise EngineUnavailable("gTTS has no voices to choose from; give its accent as `tld` (e.g. com.mx)")
        code = gtts_language(lang, tuple(tts_langs())) or primary_subtag(lang)
        tld = choice.tld or DEFAULT_TLD.get(primary_subtag(code), "com")
        return Voice("gtts", f"Google {code} (translate.google.{tld})", code, package_version("gTTS"),
                     (("tld", tld),))

    def synthesize(self, script: SpeechScript, voice: Voice) -> SpeechClip:
        clips = [self._say(SpeechScript(lang, tokens).text, self._language(lang, script, voice), voice)
                 for lang, tokens in script.runs()]
        if len(clips) == 1:  # the whole sentence in one language (its own, or a passage in another)
            return clips[0]
        from ..splice import joined

        return joined(clips)

    @staticmethod
    def _language(lang: str, script: SpeechScript, voice: Voice) -> str:
        """Google's voice for words in `lang`: the narration's own for its language (and for one
        Google has no voice for), else Google's closest (gtts_language)."""
        from gtts.lang import tts_langs

        if lang == script.lang:
            return voice.lang
        return gtts_language(lang, tuple(tts_langs())) or voice.lang

    def _say(self, text: str, lang: str, voice: Voice) -> SpeechClip:
        pieces = [_decode(mp3) for mp3 in self._request(text, lang, voice)]
        rate = pieces[0].rate
        return SpeechClip(np.concatenate([p.samples for p in pieces]), rate)

    def _request(self, text: str, lang: str, voice: Voice) -> list[bytes]:
        from gtts import gTTS, gTTSError

        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return list(gTTS(text, lang=lang, tld=voice.setting("tld", "com"),
                                 tokenizer_func=lambda whole: [whole], timeout=REQUEST_TIMEOUT).stream())
            except gTTSError as error:
                if attempt == MAX_ATTEMPTS or not _retryable(error):
                    raise EngineFailed(f"gTTS: {_cause(error)}") from error
                delay = _retry_after(error) or self.backoff * 2 ** (attempt - 1)
                log.warning("gTTS: %s; retrying in %.1f s", _cause(error), delay)
                time.sleep(delay)
        raise AssertionError("unreachable")


def gtts_language(lang: str, codes: tuple[str, ...]) -> str | None:
    """The gTTS language for a BCP 47 tag by CLDR language matching (langcodes): zh-Hans -> zh-CN,
    nb -> no, he -> iw; None when Google has none close enough."""
    import langcodes

    match = langcodes.closest_supported_match(lang, list(codes))
    return str(match) if match else None


def _retryable(error: Exception) -> bool:
    import requests

    response = getattr(error, "rsp", None)
    if response is not None:
        return response.status_code == 429 or response.status_code >= 500
    return isinstance(error.__context__, requests.exceptions.Timeout)


def _retry_after(error: Exception) -> float | None:
    response = getattr(error, "rsp", None)
    value = response.headers.get("Retry-After", "") if response is not None else ""
    return min(float(value), 30.0) if value.isdigit() else None


def _cause(error: BaseException) -> str:
    context = error.__context__
    if context is not None and getattr(error, "rsp", None) is None:
        return f"{type(context).__name__}"
    return str(error) or type(error).__name__


def _decode(mp3: bytes) -> SpeechClip:
    from ..encode import decode

    return SpeechClip(*decode(mp3))


ENGINE_CLASS = GttsEngine
