"""The bench's forced aligner: PocketSphinx's HMM aligner places the words a clip says, known in advance, in its audio.

PocketSphinx 5's wheel on PyPI ships CMU's US English acoustic model (hidden Markov models of
triphones over 10 ms frames, phonetically tied mixtures, trained on recorded human speech) and CMUdict; it is independent of
every engine we measure (none of them uses CMUdict, PocketSphinx or its model). English words take
their CMUdict pronunciations; Spanish words (the Spanish text, and Spanish spans inside the
English) take epitran's Spanish spelling rules (Latin American, rule-based, no eSpeak), mapped to
the English model's nearest phones, which is cross-language alignment: the model knows the
sounds, not the language. English words missing from CMUdict are spelled by the same Spanish rules
and counted ("guessed"). Decoding is PocketSphinx's own alignment mode (set_align_text: the words
in order, optional silence between them, Viterbi over the whole clip, 10 ms frames), with its
beams wide open, no cap on the HMMs a frame and every Gaussian of the model scored: with the
defaults (a cap of 30,000 HMMs, the 4 best of each codebook's 128 Gaussians) some long clips
never reach their end (no alignment at all).
"""

from __future__ import annotations

import numpy as np

RATE = 16000  # the acoustic model's
FRAME = 0.01  # seconds: PocketSphinx's frame rate is 100 a second
WIDE = 1e-200  # every beam: keep every path the text allows
TOPN = 128  # Gaussians scored a frame: all of each codebook's (the default, 4, approximates)
# epitran's Spanish IPA to the nearest phone of the US English model (ARPAbet). The tap and trill
# both become R, the model's only rhotic; the palatal nasal is N Y, as in "canyon".
PHONES = {
    "a": "AA", "e": "EH", "i": "IY", "o": "OW", "u": "UW", "j": "Y", "w": "W",
    "b": "B", "β": "B", "d": "D", "ð": "DH", "ɡ": "G", "g": "G", "ɣ": "G", "p": "P", "t": "T", "k": "K",
    "f": "F", "s": "S", "z": "Z", "x": "HH", "h": "HH", "θ": "TH", "ʃ": "SH", "t͡ʃ": "CH", "ʝ": "Y", "ʎ": "Y",
    "m": "M", "n": "N", "ɲ": "N Y", "ŋ": "NG", "l": "L", "ɾ": "R", "r": "R",
}
FILLERS = {"<s>", "</s>", "<sil>", "(NULL)", "[NOISE]"}


class SphinxAligner:
    """PocketSphinx's forced alignment of known words, English words by CMUdict, Spanish ones by rule."""

    title = ("PocketSphinx 5.1 forced alignment (CMU US English acoustic model; CMUdict for English, "
             "epitran's Spanish rules mapped to its phones for Spanish)")
    misses_pauses = False  # it models silence itself

    def __init__(self) -> None:
        import epitran
        from pocketsphinx import Decoder

        self.decoder = Decoder(lm=None, bestpath=False, loglevel="FATAL", maxhmmpf=-1, maxwpf=-1, topn=TOPN,
                               beam=WIDE, wbeam=WIDE, pbeam=WIDE, lpbeam=WIDE, lponlybeam=WIDE)
        self.spanish = epitran.Epitran("spa-Latn")
        self.guessed: set[str] = set()  # English words outside CMUdict, spelled by the Spanish rules

    def heard(self, audio: np.ndarray, lang: str, said: list[tuple[str, str]]) -> list[tuple[str, float, float]]:
        """(word, start s, end s) of each of `said` ((word, language) in order) in `audio` (16 kHz);
        [] when the aligner cannot reach the end of the clip with them."""
        names = [self.entry(word, language) for word, language in said]
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
        self.decoder.set_align_text(" ".join(names))
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        segments = self.decoder.seg() or []
        return [(s.word.split("@")[0].split("(")[0], s.start_frame * FRAME, (s.end_frame + 1) * FRAME)
                for s in segments if s.word not in FILLERS]

    def entry(self, word: str, lang: str) -> str:
        """The dictionary entry that says `word` in `lang`: CMUdict's for English, added by rule otherwise."""
        if lang == "en" and self.decoder.lookup_word(word) is not None:
            return word
        if lang == "en":
            self.guessed.add(word)
        name = f"{word}@{lang}"
        if self.decoder.lookup_word(name) is None:
            self.decoder.add_word(name, self.spelled(word), True)
        return name

    def spelled(self, word: str) -> str:
        """The English model's phones for a word read by epitran's Spanish spelling rules."""
        sounds = self.spanish.trans_list(word)
        if missing := [s for s in sounds if s not in PHONES]:
            raise ValueError(f"no English phone for {missing} in {word!r}: add them to PHONES")
        return " ".join(PHONES[s] for s in sounds)
