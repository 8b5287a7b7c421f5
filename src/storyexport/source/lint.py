"""Accessibility and consistency rules that read the model: each returns Problems with lines."""

from __future__ import annotations

import re
from pathlib import Path

import langcodes

from ..errors import Problem
from ..model import Article, Division, Figure, Heading, Paragraph, Story, walk_blocks

ALT_MAX = 250
REDUNDANT_ALT = re.compile(
    r"^(an? )?(image|photo|photograph|picture|pic) (of|showing)\b|"
    r"^(una? )?(imagen|foto|fotografía|fotografia) (de|que muestra)\b", re.IGNORECASE)
UNDEFINED_NOTE = re.compile(r"\[\^[^\]\s]+\]")


def figure_problems(source: Path, figure: Figure, written_alt: str) -> list[Problem]:
    """Warnings about one figure's alt text (the errors are found while parsing)."""
    found = []
    warn = lambda message: found.append(Problem(source, figure.line, message, "warning"))  # noqa: E731
    name = f'figure "{figure.id}"'
    if figure.decorative:
        if written_alt:
            warn(f"{name} is .decorative, so its alt text is not published; remove .decorative "
                 "if the photo carries information")
        return found
    if len(figure.alt) > ALT_MAX:
        warn(f"{name}: alt text is {len(figure.alt)} characters; keep it under {ALT_MAX} and move "
             f"the detail into a long description (::: {{.description for={figure.id}}})")
    if REDUNDANT_ALT.match(figure.alt):
        warn(f'{name}: alt text starts with "{REDUNDANT_ALT.match(figure.alt)[0]}"; screen readers already '
             "announce an image, so start with what it shows")
    if figure.caption and figure.alt.strip().lower() == figure.caption.strip().lower():
        warn(f"{name}: alt text repeats the caption word for word, so screen reader users hear it twice; "
             "make the alt text describe the photo")
    return found


def heading_problems(source: Path, article: Article) -> list[Problem]:
    """Errors for level-1 headings left in the body (a negative shift-heading-level-by); skipped
    levels are found while parsing, where the source's own levels are known."""
    return [Problem(source, block.line, "level-1 heading in the body: the story's title (from the front matter) "
                    "is its only level-1 heading; use ## here, or a larger shift-heading-level-by")
            for block in walk_blocks(article.blocks) if isinstance(block, Heading) and block.level == 1]


def text_problems(source: Path, article: Article) -> list[Problem]:
    """Warnings for footnote calls that have no definition (they stay as literal text)."""
    found = []
    for block in walk_blocks(article.blocks):
        if isinstance(block, Paragraph):
            text = "".join(span.text for span in block.content if not span.code)
            for match in UNDEFINED_NOTE.finditer(text):
                found.append(Problem(source, block.line, f"footnote {match[0]} has no definition "
                                     f"(add a line `{match[0]}: text` in the {article.lang} text)", "warning"))
    return found


def untranslated_problems(source: Path, original: Article, translation: Article, line: int) -> list[Problem]:
    """A warning naming the front-matter text a translation leaves in the original's language (every
    format shows it marked as that language, but a reader of the translation may not read it)."""
    keys = list(dict.fromkeys(key for key, _ in translation.untranslated()))
    if original.description.strip() and not translation.description.strip():
        keys.insert(0, "description")
    if original.subtitle and translation.subtitle == original.subtitle:
        keys.insert(0, "subtitle")
    if original.abstract and translation.abstract and _borrowed(translation.abstract[0], original.lang):
        keys.append("abstract")
    if not keys:
        return []
    lang, listed = translation.lang, ", ".join(f"`{key}`" for key in keys)
    name = langcodes.Language.get(lang).display_name()
    return [Problem(source, line, f"translations.{lang} gives no {listed}: the {lang} edition shows the "
                    f"{original.lang} text (marked as {original.lang}); add {'them' if len(keys) > 1 else 'it'} "
                    f"to translations.{lang}, in {name}", "warning")]


def _borrowed(block, lang: str) -> bool:
    """The original's abstract, shown in a translation that has none of its own (source/parse.py)."""
    return isinstance(block, Division) and block.lang == lang and "abstract-original" in block.classes


def story_problems(story: Story) -> list[Problem]:
    """Every model-level rule for every language."""
    found: list[Problem] = []
    for article in story.articles:
        found += heading_problems(story.source, article)
        found += text_problems(story.source, article)
    return found
