"""What an edition offers readers with disabilities, decided once for every format.

`accessibility` looks at what one language's edition really contains (photos with alt text,
long descriptions, notes, languages marked, a narration, print page numbers) and says which
schema.org access modes and features are true, and writes the accessibility summary: what the
edition offers, what storyexport checked by machine, and what a person still has to check.
The EPUB's package metadata and the page's JSON-LD are both written from it; only the medium
differs (a book has a cover page and a table of contents; a page shows captions with its player).

Conformance to a standard is never claimed by the tool: only the publisher can declare it, after
its own review (front matter `accessibility:`, in the model as `Story.accessibility`).
"""

from __future__ import annotations

from dataclasses import dataclass

import langcodes

from ..model import AccessibilityDeclaration, Article, Division, Heading, Paragraph, Story, walk_blocks
from .labels import label
from .languages import primary_subtag
from .units import minutes_and_seconds

BOOK, PAGE = "book", "page"


@dataclass(frozen=True)
class NarrationFacts:
    narrator: str  # engine and voice, as the audio builder recorded them
    duration_ms: int
    captions: bool = False  # the edition shows captions with it (a page's captions panel; a book shows none)
    by_word: bool = False  # the read-along highlights each word, not only each sentence


@dataclass(frozen=True)
class Accessibility:
    """The facts of one language's edition in one medium, and what they let it claim."""

    medium: str  # BOOK or PAGE
    lang: str
    declaration: AccessibilityDeclaration  # the publisher's, after its review; empty: no claim
    photos: int  # figures with alternative text
    decorative: int
    long_descriptions: int
    footnotes: int
    cover: bool  # the edition shows a cover image of its own (the book's cover page)
    other_languages: tuple[str, ...]  # languages tagged inside the text, in order of appearance
    narration: NarrationFacts | None
    print_pages: bool = False  # the print edition's page numbers are marked, with a page list

    @property
    def visual(self) -> bool:
        """Images carry information (decorative ones do not)."""
        return bool(self.photos or self.cover)

    @property
    def access_modes(self) -> tuple[str, ...]:
        return ("textual",) + ("visual",) * self.visual + ("auditory",) * bool(self.narration)

    @property
    def sufficient_modes(self) -> tuple[str, ...]:
        """Each set of modes that is enough to read the whole edition, the text alone first."""
        return ("textual",) + ("textual,visual",) * self.visual

    @property
    def features(self) -> frozenset[str]:
        found = {"structuralNavigation", "readingOrder", "displayTransformability"}
        found |= {"tableOfContents"} if self.medium == BOOK else set()
        found |= {"alternativeText"} if self.visual else set()
        found |= {"longDescription"} if self.long_descriptions else set()
        found |= {"captions"} if self.narration and self.narration.captions else set()
        found |= {"synchronizedAudioText"} if self.narration else set()
        found |= {"printPageNumbers", "pageNavigation"} if self.print_pages else set()
        return frozenset(found)

    hazards: tuple[str, ...] = ("none",)

    def summary(self) -> str:
        """A few sentences, in the edition's language, about what it really offers."""
        def say(key: str, **values: object) -> str:
            return label(self.lang, key).format(**values)

        sentences = [say("a11y_structure")]
        if self.photos:
            sentences.append(say("a11y_photos", count=self.photos) if self.photos > 1 else say("a11y_photo"))
        if self.long_descriptions:
            sentences.append(say("a11y_long_descriptions"))
        if self.decorative:
            sentences.append(say("a11y_decorative"))
        if self.footnotes:
            sentences.append(say("a11y_notes"))
        sentences.append(say("a11y_languages", languages=language_names(self.other_languages, self.lang))
                         if self.other_languages else say("a11y_language"))
        sentences.append(say("a11y_display"))
        if self.print_pages:
            sentences.append(say("a11y_pages"))
        if self.narration:
            sentences.append(say("a11y_narration_words" if self.narration.by_word else "a11y_narration",
                                 narrator=self.narration.narrator,
                                 duration=minutes_and_seconds(self.narration.duration_ms)))
        else:
            sentences.append(say("a11y_no_narration"))
        sentences.append(say("a11y_hazards"))
        sentences.append(say("a11y_checked"))
        if self.declaration:
            sentences.append(say("a11y_conformance", certifier=self.declaration.certified_by,
                                 conformance=self.declaration.conforms_to))
        else:
            sentences.append(say("a11y_unreviewed"))
        return " ".join(sentences)


def accessibility(story: Story, article: Article, medium: str, narration: NarrationFacts | None,
                  print_pages: bool = False) -> Accessibility:
    """The accessibility facts of `article`'s edition as a BOOK (EPUB) or a PAGE (web)."""
    figures = article.figures()
    return Accessibility(
        medium=medium, lang=article.lang, declaration=story.accessibility,
        photos=sum(not f.decorative for f in figures), decorative=sum(f.decorative for f in figures),
        long_descriptions=sum(bool(f.long_description) for f in figures if not f.decorative),
        footnotes=len(article.footnotes), cover=medium == BOOK and story.cover is not None,
        other_languages=tagged_languages(article), narration=narration, print_pages=print_pages)


def tagged_languages(article: Article) -> tuple[str, ...]:
    """Languages other than the article's own that its text marks (spans and divisions), and those of
    the front matter it shows untranslated (which every format marks too)."""
    found: dict[str, None] = {}
    blocks = list(walk_blocks(article.blocks))
    for note in article.footnotes:
        blocks += list(walk_blocks(note.blocks))
    for block in blocks:
        if isinstance(block, Division) and block.lang:
            found[block.lang] = None
        if isinstance(block, (Paragraph, Heading)):
            found.update((span.lang, None) for span in block.content if span.lang)
    found.update((value.lang, None) for _, value in article.untranslated())
    found.pop(article.lang, None)
    return tuple(found)


def language_names(tags: tuple[str, ...], lang: str) -> str:
    """"Spanish and French" / "español y francés": the tagged languages named in the edition's language."""
    names = [langcodes.Language.get(tag).display_name(lang) for tag in tags]
    joiner = " y " if primary_subtag(lang) == "es" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + joiner + names[-1]
