"""EPUB 3 media overlays: one SMIL per content document, a <par> per narrated sentence.

Each sentence's clip runs from its first sample to the first sample of the next sentence (the
last one to the end of the audio), so the clips tile the narration: reading systems play it
without gaps, the pauses between sentences are kept, and the durations add up exactly. All
times are whole milliseconds, rounded down once per boundary, so a clip's end is the next clip's
begin and the per-document durations sum to the book's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby, pairwise

from markupsafe import Markup

from ...errors import BuildError
from ...model import Article, Figure
from ...text.narration_plan import NarrationPlan, Sentence, block_paths
from ...text.timings import NarrationTimings, SentenceTiming
from ...text.units import clock
from ...text.words import word_id

SMIL_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" '
             'version="3.0">\n<body>\n')
ACTIVE_CLASS = "-epub-media-overlay-active"


def smil_clock(ms: int) -> str:
    """A SMIL full clock value: 0:01:02.345."""
    return clock(ms, hour_digits=1, millis=True)


@dataclass(frozen=True)
class Overlay:
    """One content document's media overlay: its SMIL text and how long it plays."""

    smil: bytes
    duration_ms: int


def clip_boundaries(plan: NarrationPlan, timings: NarrationTimings) -> tuple[int, ...]:
    """Where each sentence's clip begins, in whole ms, and where the last one ends: sentence i
    plays from boundaries[i] to boundaries[i + 1]. BuildError when the timings cannot be right."""
    spoken = timings.sentences
    if not spoken:
        raise BuildError(f"the {timings.lang} narration timings list no sentences; rebuild the audio")
    starts = [t.begin for t in spoken] + [timings.samples]
    if starts[0] < 0 or spoken[-1].end > timings.samples or any(
            later <= earlier for earlier, later in pairwise(starts)):
        raise BuildError(f"the {timings.lang} narration timings are out of order or run past the audio; "
                         "rebuild the audio (storyexport audio)")
    return tuple(sample * 1000 // timings.sample_rate for sample in starts)  # floored: never past the audio


def _group(sentence: Sentence, figures: dict[tuple[int, ...], Figure]) -> tuple[str, str] | None:
    """The escapable or skippable structure a sentence belongs to: (epub:type, element id)."""
    anchor = sentence.anchor
    if anchor.part in ("alt", "caption", "credit") and anchor.path in figures:
        return "figure", figures[anchor.path].id
    if anchor.part == "note":
        return "footnote", f"fn-{anchor.path[0]}"
    return None


@dataclass(frozen=True)
class WordClips:
    """What a word-by-word overlay needs: each sentence's timed words and the ids the text shows."""

    timings: NarrationTimings
    shown: frozenset[str]  # element ids in the content document


def media_overlay(article: Article, plan: NarrationPlan, boundaries: tuple[int, ...], text_href: str,
                  audio_href: str, words: WordClips | None = None) -> Overlay:
    """The SMIL for the content document at `text_href` (hrefs relative to the SMIL file); word by
    word when `words` is given."""
    figures = {path: block for path, block in block_paths(article.blocks) if isinstance(block, Figure)}
    clips = [(sentence, boundaries[i], boundaries[i + 1]) for i, sentence in enumerate(plan.sentences)]
    timed = {t.id: t for t in words.timings.sentences} if words else {}
    parts = [Markup('<seq id="seq-body" epub:textref="{}" epub:type="bodymatter">\n').format(text_href)]
    for group, members in groupby(clips, key=lambda clip: _group(clip[0], figures)):
        pars = Markup("").join(
            _word_pars(sentence, begin, end, timed[sentence.id], words, text_href, audio_href)
            if words and sentence.id in timed else _par(sentence.id, begin, end, text_href, audio_href)
            for sentence, begin, end in members)
        if group is None:
            parts.append(pars)
        else:
            kind, element_id = group
            parts.append(Markup('<seq epub:textref="{0}#{1}" epub:type="{2}">\n{3}</seq>\n').format(
                text_href, element_id, kind, pars))
    parts.append(Markup("</seq>\n"))
    smil = SMIL_HEAD + "".join(parts) + "</body>\n</smil>\n"
    return Overlay(smil.encode("utf-8"), clips[-1][2] - clips[0][1] if clips else 0)


def _par(element_id: str, begin_ms: int, end_ms: int, text_href: str, audio_href: str) -> Markup:
    """The <par> of one element of the text (a sentence, or a word) and its stretch of the audio."""
    return Markup('<par id="par-{0}"><text src="{1}#{0}"/>'
                  '<audio src="{2}" clipBegin="{3}" clipEnd="{4}"/></par>\n').format(
        element_id, text_href, audio_href, smil_clock(begin_ms), smil_clock(end_ms))


def _word_pars(sentence: Sentence, begin_ms: int, end_ms: int, timing: SentenceTiming, words: WordClips,
               text_href: str, audio_href: str) -> Markup:
    """A sentence as a <seq> of its shown words' <par>s tiling [begin_ms, end_ms); the sentence alone
    when it shows no word (a photo's description is said for its <img>)."""
    rate = words.timings.sample_rate
    starts: list[tuple[str, int]] = []  # (element id, ms)
    for number, word in enumerate(timing.words, start=1):
        element = word_id(sentence.id, number)
        if element not in words.shown:
            continue
        ms = min(end_ms, max(begin_ms, word.begin * 1000 // rate))
        if not starts:  # the first shown word: from the clip start, unless unshown words come first
            ms = begin_ms if number == 1 else ms
            if ms > begin_ms:
                starts.append((sentence.id, begin_ms))
        if not starts or ms > starts[-1][1]:
            starts.append((element, ms))
    if not any(element != sentence.id for element, _ in starts):
        return _par(sentence.id, begin_ms, end_ms, text_href, audio_href)
    ends = [ms for _, ms in starts[1:]] + [end_ms]
    pars = Markup("").join(_par(element, ms, end, text_href, audio_href)
                           for (element, ms), end in zip(starts, ends) if end > ms)
    return Markup('<seq id="seq-{0}" epub:textref="{1}#{0}">\n{2}</seq>\n').format(sentence.id, text_href, pars)
