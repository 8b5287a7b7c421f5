"""The accessibilitySummary: a few sentences, in the book's language, about what the book really offers."""

from __future__ import annotations

import langcodes

from ...text.labels import label
from ...text.languages import primary_subtag
from .facts import BookFacts


def duration_text(ms: int) -> str:
    """4 min 12 s (the same in English and Spanish)."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def language_names(tags: tuple[str, ...], lang: str) -> str:
    """"Spanish and French" / "español y francés": the tagged languages named in the book's language."""
    names = [langcodes.Language.get(tag).display_name(lang) for tag in tags]
    joiner = " y " if primary_subtag(lang) == "es" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]


def accessibility_summary(facts: BookFacts) -> str:
    def say(key: str, **values: object) -> str:
        return label(facts.lang, key).format(**values)

    sentences = [say("a11y_structure")]
    if facts.photos:
        sentences.append(say("a11y_photos", count=facts.photos) if facts.photos > 1 else say("a11y_photo"))
    if facts.long_descriptions:
        sentences.append(say("a11y_long_descriptions"))
    if facts.decorative:
        sentences.append(say("a11y_decorative"))
    if facts.footnotes:
        sentences.append(say("a11y_notes"))
    sentences.append(say("a11y_languages", languages=language_names(facts.other_languages, facts.lang))
                     if facts.other_languages else say("a11y_language"))
    sentences.append(say("a11y_display"))
    if facts.narration:
        sentences.append(say("a11y_narration", narrator=facts.narration.narrator,
                             duration=duration_text(facts.narration.duration_ms)))
    else:
        sentences.append(say("a11y_no_narration"))
    sentences.append(say("a11y_hazards"))
    if facts.publisher.strip():
        sentences.append(say("a11y_conformance", publisher=facts.publisher))
    return " ".join(sentences)
