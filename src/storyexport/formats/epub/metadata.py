"""The OPF metadata: Dublin Core, EPUB Accessibility 1.1 and media overlay properties."""

from __future__ import annotations

from ...model import Story
from ...text.accessibility import Accessibility
from ...text.editions import edition_identifier, subtitle_language
from .overlays import ACTIVE_CLASS, smil_clock
from .xml import xml_text

CERTIFIER_ID = "certifier"


# ONIX code list 5: the identifier-type of an ISBN-13 and of a DOI (EPUB 3 identifier refinement)
ONIX_IDENTIFIER_TYPES = {"ISBN": "15", "DOI": "06"}


def identifiers(story: Story, lang: str) -> list[tuple[str, str, str]]:
    """(element id, identifier, ONIX type or "") of the book: the unique identifier first (ids
    "id", then "identifier-2"...). A translation is another book: it gets its own identifier only,
    since an ISBN or a DOI names one edition."""
    first = edition_identifier(story, lang)
    found = [("id", first, "")]
    if lang == story.lang:
        found = [(("id" if n == 1 else f"identifier-{n}"), i.value, ONIX_IDENTIFIER_TYPES.get(i.scheme, ""))
                 for n, i in enumerate(story.identifiers, start=1)] or found
    return found


def titles(story: Story, lang: str) -> list[tuple[str, str, str, str | None]]:
    """(element id, title, title-type, xml:lang when not the book's) of the book: its title, and its
    subtitle when it has one (the original's, so marked, in a translation that gives none)."""
    article = story.article(lang)
    if not article.subtitle:
        return [("title", xml_text(article.title), "", None)]
    subtitle_lang = subtitle_language(story, article)
    return [("title", xml_text(article.title), "main", None),
            ("subtitle", xml_text(article.subtitle), "subtitle", subtitle_lang if subtitle_lang != lang else None)]


def dublin_core(story: Story, lang: str) -> list[tuple[str, str, str | None]]:
    """(element, value, xml:lang when not the book's) besides identifier, title and language, in order.

    Values a translation does not give are the original's, marked with the original's language;
    so is the original description when a translation has none of its own.
    """
    article, original = story.article(lang), story.original
    other = story.lang if story.lang != lang else None

    def tagged(value) -> str | None:  # xml:lang of a Localized value that is not in the book's language
        return value.lang if value.lang != lang else None

    description = (article.description, None) if article.description.strip() else (original.description, other)
    triples = [("creator", author.name, None) for author in article.authors]
    triples += [("publisher", article.publisher.text, tagged(article.publisher)),
                ("date", story.date.isoformat() if story.date else "", None),
                ("rights", article.rights.text, tagged(article.rights)), ("description", *description)]
    triples += [("subject", subject.text, tagged(subject)) for subject in article.subjects]
    if story.url:
        triples.append(("source", story.url, None))
    return [(name, xml_text(value), tag) for name, value, tag in triples if value.strip()]


# the order the package metadata lists the features in (a set to reading systems; kept stable)
FEATURE_ORDER = ("alternativeText", "longDescription", "structuralNavigation", "tableOfContents", "readingOrder",
                 "printPageNumbers", "pageNavigation", "displayTransformability", "synchronizedAudioText")


def access_modes(facts: Accessibility) -> list[tuple[str, str]]:
    """(property, value) of the schema: accessibility properties, true to what the book contains."""
    features = [feature for feature in FEATURE_ORDER if feature in facts.features]
    return ([("schema:accessMode", m) for m in facts.access_modes]
            + [("schema:accessModeSufficient", m) for m in facts.sufficient_modes]
            + [("schema:accessibilityFeature", f) for f in features]
            + [("schema:accessibilityHazard", h) for h in facts.hazards]
            + [("schema:accessibilitySummary", xml_text(facts.summary()))])


def conformance(facts: Accessibility) -> list[tuple[str, str, dict[str, str]]]:
    """(element, value, attributes) of the publisher's conformance declaration (EPUB Accessibility 1.1
    §5): nothing unless the publisher made one after its review."""
    declared = facts.declaration
    if not declared:
        return []
    found = [("meta", declared.conforms_to, {"property": "dcterms:conformsTo"}),
             ("meta", xml_text(declared.certified_by), {"property": "a11y:certifiedBy", "id": CERTIFIER_ID})]
    if declared.credential:
        found.append(("meta", xml_text(declared.credential),
                      {"property": "a11y:certifierCredential", "refines": f"#{CERTIFIER_ID}"}))
    if declared.report:
        found.append(("link", "", {"rel": "a11y:certifierReport", "refines": f"#{CERTIFIER_ID}",
                                   "href": declared.report}))
    return found


def media_properties(narrator: str, durations: dict[str, int]) -> list[tuple[str, str, str | None]]:
    """(property, value, refines) for the media overlays: each overlay's duration and their total."""
    total = smil_clock(sum(durations.values()))
    return ([("media:duration", smil_clock(ms), f"#{overlay_id}") for overlay_id, ms in durations.items()]
            + [("media:duration", total, None), ("media:narrator", xml_text(narrator), None),
               ("media:active-class", ACTIVE_CLASS, None)])
