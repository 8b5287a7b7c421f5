"""How each edition of a story is identified: one identifier per language, and the print edition's name."""

from __future__ import annotations

import uuid

from ..model import Article, Story
from ..store.layout import PRINT_PDF
from .labels import label


def edition_identifier(story: Story, lang: str) -> str:
    """The story's identifier for its own language; a stable one derived from it for each translation,
    so that reading systems and search engines keep the editions apart (the EPUB and the page share it)."""
    if lang == story.lang:
        return story.identifier
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{story.identifier}#{lang}')}"


def print_edition_name(story: Story, lang: str) -> str:
    """The print edition a language's EPUB takes its page numbers from, named so a reader can find it:
    "<title>, print edition (A5, <slug>.<lang>.print.pdf)", in the edition's language."""
    return (f"{story.article(lang).title}, {label(lang, 'print_edition')} "
            f"({story.print.trim}, {PRINT_PDF.name(story.slug, lang)})")


def subtitle_language(story: Story, article: Article) -> str:
    """The language of the subtitle an edition shows: a translation that gives none shows the
    original's (parse falls back on it), which every format marks with the original's language."""
    borrowed = article.lang != story.lang and article.subtitle and article.subtitle == story.original.subtitle
    return story.lang if borrowed else article.lang
