"""What one language's book really contains: its metadata and accessibility summary are written from this."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Article, Division, Heading, Paragraph, Story, walk_blocks


@dataclass(frozen=True)
class Narration:
    """What a narrated book says about its narration."""

    narrator: str  # engine and voice, as the audio builder recorded them
    duration_ms: int  # the media overlays' total duration


@dataclass(frozen=True)
class BookFacts:
    lang: str
    publisher: str
    photos: int  # figures with alternative text
    decorative: int
    long_descriptions: int
    footnotes: int
    cover: bool
    other_languages: tuple[str, ...]  # languages tagged inside the text, in order of appearance
    narration: Narration | None

    @property
    def visual(self) -> bool:
        return bool(self.photos or self.decorative or self.cover)


def book_facts(story: Story, article: Article, narration: Narration | None) -> BookFacts:
    figures = article.figures()
    return BookFacts(
        lang=article.lang, publisher=story.publisher or ", ".join(story.authors),
        photos=sum(not f.decorative for f in figures), decorative=sum(f.decorative for f in figures),
        long_descriptions=sum(bool(f.long_description) for f in figures if not f.decorative),
        footnotes=len(article.footnotes), cover=story.cover is not None,
        other_languages=tagged_languages(article), narration=narration)


def tagged_languages(article: Article) -> tuple[str, ...]:
    """Languages other than the article's own that its text marks (spans and divisions)."""
    found: dict[str, None] = {}
    blocks = list(walk_blocks(article.blocks))
    for note in article.footnotes:
        blocks += list(walk_blocks(note.blocks))
    for block in blocks:
        if isinstance(block, Division) and block.lang:
            found[block.lang] = None
        if isinstance(block, (Paragraph, Heading)):
            found.update((span.lang, None) for span in block.content if span.lang)
    found.pop(article.lang, None)
    return tuple(found)

