"""The OPF metadata: Dublin Core, EPUB Accessibility 1.1 and media overlay properties."""

from __future__ import annotations

import uuid

from ...model import Story
from .facts import BookFacts
from .overlays import ACTIVE_CLASS, clock
from .summary import accessibility_summary
from .xml import xml_text

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def book_identifier(story: Story, lang: str) -> str:
    """The story's identifier for its own language; a stable one derived from it for each translation,
    so that reading systems keep the two books apart."""
    if lang == story.lang:
        return story.identifier
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{story.identifier}#{lang}')}"


def dublin_core(story: Story, lang: str) -> list[tuple[str, str, str | None]]:
    """(element, value, xml:lang when not the book's) besides identifier, title and language, in order.

    Subjects and rights are written once, in the story's own language; a translation without
    its own description gets the original one, marked as such.
    """
    article, original = story.article(lang), story.article(story.lang)
    other = story.lang if story.lang != lang else None
    description = (article.description, None) if article.description.strip() else (original.description, other)
    triples = [("creator", author, None) for author in story.authors]
    triples += [("publisher", story.publisher, None),
                ("date", story.date.isoformat() if story.date else "", None),
                ("rights", story.rights, other), ("description", *description)]
    triples += [("subject", subject, other) for subject in story.subjects]
    if story.url:
        triples.append(("source", story.url, None))
    return [(name, xml_text(value), tag) for name, value, tag in triples if value.strip()]


def access_modes(facts: BookFacts) -> list[tuple[str, str]]:
    """schema: accessibility properties true to what the book contains."""
    modes = ["textual"] + ["visual"] * facts.visual + ["auditory"] * bool(facts.narration)
    sufficient = ["textual"] + ["textual,visual"] * facts.visual
    features = (["alternativeText"] * bool(facts.photos or facts.cover)
                + ["longDescription"] * bool(facts.long_descriptions)
                + ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
                + ["synchronizedAudioText"] * bool(facts.narration))
    return ([("schema:accessMode", m) for m in modes]
            + [("schema:accessModeSufficient", m) for m in sufficient]
            + [("schema:accessibilityFeature", f) for f in features]
            + [("schema:accessibilityHazard", "none"),
               ("schema:accessibilitySummary", xml_text(accessibility_summary(facts))),
               ("dcterms:conformsTo", CONFORMANCE)]
            + [("a11y:certifiedBy", xml_text(facts.publisher))] * bool(facts.publisher.strip()))


def media_properties(narrator: str, durations: dict[str, int]) -> list[tuple[str, str, str | None]]:
    """(property, value, refines) for the media overlays: each overlay's duration and their total."""
    total = clock(sum(durations.values()))
    return ([("media:duration", clock(ms), f"#{overlay_id}") for overlay_id, ms in durations.items()]
            + [("media:duration", total, None), ("media:narrator", xml_text(narrator), None),
               ("media:active-class", ACTIVE_CLASS, None)])
