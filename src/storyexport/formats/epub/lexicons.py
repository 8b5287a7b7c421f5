"""The pronunciation lexicons an EPUB carries (W3C PLS), so reading systems' own text-to-speech
says the story's words as the narration does: one per language the edition speaks, with the
entries its text uses, linked from every content document (`<link rel="pronunciation">`)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from markupsafe import Markup

from ...model import Lexicon, Story
from ...source.lexicons import PLS_NS, XML_LANG
from ...text.narration_plan import NarrationPlan
from ...text.speech import grapheme_pattern

MEDIA_TYPE = "application/pls+xml"
FOLDER = "lexicons"


@dataclass(frozen=True)
class BookLexicon:
    lang: str
    href: str  # inside the EPUB folder: lexicons/pronunciation.<lang>.pls
    content: bytes


def book_lexicons(story: Story, plan: NarrationPlan, languages: tuple[str, ...]) -> list[BookLexicon]:
    """A lexicon per language of the edition (its own, then those it marks) that has entries its text uses."""
    texts = [sentence.text for sentence in plan.sentences]
    found = []
    for lang in languages:
        lexicon = story.lexicon(lang)
        used = _used(lexicon, texts) if lexicon else ()
        if used:
            found.append(BookLexicon(lang, f"{FOLDER}/pronunciation.{lang}.pls", pls(Lexicon(lang, used))))
    return found


def _used(lexicon: Lexicon, texts: list[str]):
    return tuple(entry for entry in lexicon.entries
                 if any(grapheme_pattern(g).search(text) for g in entry.graphemes for text in texts))


def pls(lexicon: Lexicon) -> bytes:
    """The lexicon as a PLS 1.0 document (IPA), entries in the order given."""
    root = etree.Element(f"{{{PLS_NS}}}lexicon", nsmap={None: PLS_NS})
    root.set("version", "1.0")
    root.set("alphabet", "ipa")
    root.set(XML_LANG, lexicon.lang)
    for entry in lexicon.entries:
        lexeme = etree.SubElement(root, f"{{{PLS_NS}}}lexeme")
        for grapheme in entry.graphemes:
            etree.SubElement(lexeme, f"{{{PLS_NS}}}grapheme").text = grapheme
        if entry.phoneme:
            etree.SubElement(lexeme, f"{{{PLS_NS}}}phoneme").text = entry.phoneme
        if entry.alias:
            etree.SubElement(lexeme, f"{{{PLS_NS}}}alias").text = entry.alias
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def pronunciation_links(lexicons: list[BookLexicon]) -> Markup:
    """The <link> elements a content document's head gives for the book's lexicons."""
    return Markup("").join(Markup('<link rel="pronunciation" type="{}" hreflang="{}" href="{}" />\n').format(
        MEDIA_TYPE, lexicon.lang, lexicon.href) for lexicon in lexicons)
