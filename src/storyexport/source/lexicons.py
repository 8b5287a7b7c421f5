"""Pronunciation lexicons (W3C PLS 1.0): found beside a story, read, checked, merged per language.

A story's own `<story folder>/pronunciation.<lang>.pls` wins over the shared
`<stories folder>/pronunciation.<lang>.pls`, which wins over storyexport's built-in entries
(assets/lexicons). A lexicon for `es` also serves `es-419` text, after `es-419`'s own entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from ..errors import Problem
from ..model import Lexicon, Pronunciation
from ..text.languages import language_problem, primary_subtag
from .files import UnsafeFile, read_regular_file

PLS_NS = "http://www.w3.org/2005/01/pronunciation-lexicon"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FILE_NAME = re.compile(r"^pronunciation\.([A-Za-z0-9-]+)\.pls$")
STORY_FILE = "story.md"
MAX_BYTES = 2 * 1024 * 1024  # thousands of entries; more is a mistake
BUILT_IN_FOLDER = "assets/lexicons"
# What IPA is written with: letters of the IPA blocks, Latin lower case, a few Greek letters,
# length, stress, syllable and linking marks, tie bars and combining diacritics.
IPA_CHARACTER = re.compile("[a-z\u00e6\u00e7\u00f0\u00f8\u0127\u014b\u0153\u0250-\u02af\u03b2\u03b8\u03c7"
                           "\u02c8\u02cc\u02d0\u02d1.\u203f\u035c\u0361\u02b0-\u02ff\u0300-\u036f\u1d7b ]")


@dataclass(frozen=True)
class LexiconFile:
    lang: str
    entries: tuple[Pronunciation, ...]
    name: str  # for messages and Lexicon.files: "<folder>/pronunciation.<lang>.pls"


def story_lexicons(source: Path, story_langs: tuple[str, ...]) -> tuple[tuple[Lexicon, ...], list[Problem]]:
    """Every language's merged lexicon for the story at `source`, and the problems of its files."""
    problems: list[Problem] = []
    layers = [_read_folder(folder, problems) for folder in lexicon_folders(source)]
    layers.append(built_in_lexicons())
    tags = {f.lang for layer in layers for f in layer} | set(story_langs)
    merged = []
    for tag in sorted(tags, key=str.lower):
        files = [f for layer in layers for f in _serving(layer, tag)]
        if entries := _merge(files):
            merged.append(Lexicon(tag, entries, tuple(f.name for f in files)))
    return tuple(merged), problems


def lexicon_folders(source: Path) -> tuple[Path, ...]:
    """Where the story at `source` finds its lexicons: its own folder, then, for a story in a
    stories folder, that folder (shared by its stories)."""
    return (source.parent, source.parent.parent) if source.name == STORY_FILE else (source.parent,)


def lexicon_files(source: Path) -> tuple[Path, ...]:
    """Every lexicon file the story at `source` reads, whatever its language."""
    return tuple(path for folder in lexicon_folders(source) for path, _ in _lexicons_in(folder))


def _lexicons_in(folder: Path) -> list[tuple[Path, str]]:
    """The lexicon files of a folder (pronunciation.<lang>.pls), each with the language its name gives."""
    return [(path, match[1]) for path in sorted(folder.glob("pronunciation.*.pls"))
            if (match := FILE_NAME.match(path.name))]


def lexicon_places(source: Path, tags: Sequence[str]) -> tuple[Path, ...]:
    """Where a lexicon for text in `tags` would be read from (a file put there changes how the
    story is said): each tag's own file and its language's, in each of the story's lexicon folders."""
    names = dict.fromkeys(f"pronunciation.{name}.pls" for tag in tags
                          for name in (tag, tag.lower(), primary_subtag(tag)))
    return tuple(folder / name for folder in lexicon_folders(source) for name in names)


def _serving(layer: Sequence[LexiconFile], tag: str) -> list[LexiconFile]:
    """The files of one layer that serve text in `tag`: its own first, then its language's."""
    own = [f for f in layer if f.lang.lower() == tag.lower()]
    general = [f for f in layer if f.lang.lower() == primary_subtag(tag) and f.lang.lower() != tag.lower()]
    return own + general


def _merge(files: list[LexiconFile]) -> tuple[Pronunciation, ...]:
    """The entries of `files`, earlier files winning: a grapheme is said the first way given."""
    seen: set[str] = set()
    merged = []
    for file in files:
        for entry in file.entries:
            graphemes = tuple(g for g in entry.graphemes if g not in seen)
            if graphemes:
                seen.update(graphemes)
                merged.append(Pronunciation(graphemes, entry.phoneme, entry.alias, entry.line))
    return tuple(merged)


def _read_folder(folder: Path, problems: list[Problem]) -> list[LexiconFile]:
    found = []
    for path, lang in _lexicons_in(folder):
        if problem := language_problem(lang):
            problems.append(Problem(path, 1, f"the file name's {problem}; name it pronunciation.<lang>.pls"))
            continue
        lexicon = read_lexicon(path, lang, problems)
        if lexicon is not None:
            found.append(lexicon)
    return found


def default_lexicons() -> tuple[Lexicon, ...]:
    """storyexport's built-in entries alone, one Lexicon per language (what a story without
    lexicons of its own gets)."""
    return tuple(Lexicon(f.lang, f.entries, (f.name,)) for f in built_in_lexicons())


@lru_cache(maxsize=1)
def built_in_lexicons() -> tuple[LexiconFile, ...]:
    """storyexport's own entries: words that are read as words although written in capitals (read
    once a process: every story of a catalog layers them under its own)."""
    folder = resources.files("storyexport").joinpath(BUILT_IN_FOLDER)
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if match := FILE_NAME.match(entry.name):
            problems: list[Problem] = []
            lexicon = parse_lexicon(entry.read_bytes(), Path(entry.name), match[1], problems)
            if problems or lexicon is None:
                raise RuntimeError(f"storyexport's built-in lexicon {entry.name} is broken: {problems}")
            found.append(LexiconFile(lexicon.lang, lexicon.entries, f"storyexport/{entry.name}"))
    return tuple(found)


def read_lexicon(path: Path, lang: str, problems: list[Problem]) -> LexiconFile | None:
    try:
        data = read_regular_file(path, MAX_BYTES)  # no symlink followed, a regular file, within its size
    except UnsafeFile as exc:
        problems.append(Problem(path, 1, f"the lexicon {exc}"))
        return None
    lexicon = parse_lexicon(data, path, lang, problems)
    if lexicon is None:
        return None
    return LexiconFile(lexicon.lang, lexicon.entries, f"{path.parent.name}/{path.name}")


def parse_lexicon(data: bytes, path: Path, lang: str, problems: list[Problem]) -> LexiconFile | None:
    """A PLS document's entries, or None when it cannot be used; each problem with its line."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(path, exc.lineno or 1, f"the lexicon is not well-formed XML: {exc.msg}"))
        return None
    if not _root_ok(root, path, lang, problems):
        return None
    entries, seen = [], set()
    for lexeme in root.iterfind(f"{{{PLS_NS}}}lexeme"):
        if entry := _lexeme(lexeme, root.get("alphabet", ""), path, problems):
            for grapheme in entry.graphemes:
                if grapheme in seen:
                    problems.append(Problem(path, entry.line, f'"{grapheme}" has an earlier entry in this '
                                            "lexicon; the first one is used", "warning"))
            seen.update(entry.graphemes)
            entries.append(entry)
    return LexiconFile(lang, tuple(entries), path.name)


def _root_ok(root: etree._Element, path: Path, lang: str, problems: list[Problem]) -> bool:
    line = root.sourceline or 1
    if root.tag != f"{{{PLS_NS}}}lexicon":
        problems.append(Problem(path, line, f"the root element must be <lexicon xmlns=\"{PLS_NS}\"> "
                                "(W3C PLS 1.0)"))
        return False
    ok = True
    if root.get("version") != "1.0":
        problems.append(Problem(path, line, 'the lexicon needs version="1.0"'))
        ok = False
    if root.get("alphabet") != "ipa":
        problems.append(Problem(path, line, f"alphabet {root.get('alphabet')!r} is not supported: write the "
                                'phonemes in IPA and declare alphabet="ipa"'))
        ok = False
    declared = root.get(XML_LANG)
    if not declared:
        problems.append(Problem(path, line, f'the lexicon needs its language: xml:lang="{lang}"'))
        ok = False
    elif problem := language_problem(declared):
        problems.append(Problem(path, line, f"xml:lang: {problem}"))
        ok = False
    elif primary_subtag(declared) != primary_subtag(lang):
        problems.append(Problem(path, line, f'xml:lang="{declared}" does not match the file name '
                                f"(pronunciation.{lang}.pls)"))
        ok = False
    return ok


def _lexeme(lexeme: etree._Element, alphabet: str, path: Path, problems: list[Problem]) -> Pronunciation | None:
    line = lexeme.sourceline or 1
    graphemes = tuple(" ".join((g.text or "").split()) for g in lexeme.iterfind(f"{{{PLS_NS}}}grapheme"))
    graphemes = tuple(g for g in graphemes if g)
    if not graphemes:
        problems.append(Problem(path, line, "a <lexeme> needs at least one non-empty <grapheme>"))
        return None
    phoneme = _preferred(lexeme, "phoneme")
    alias = " ".join((_preferred(lexeme, "alias") or "").split())
    if phoneme is None and not alias:
        problems.append(Problem(path, line, f'"{graphemes[0]}" needs a <phoneme> (IPA) or an <alias> (a respelling)'))
        return None
    ipa = ""
    if phoneme is not None:
        ipa = _ipa(phoneme, alphabet, graphemes[0], path, problems)
        if ipa is None:
            return None
    return Pronunciation(graphemes, ipa, alias, line)


def _preferred(lexeme: etree._Element, name: str) -> etree._Element | str | None:
    """The <phoneme> (element) or <alias> (text) to use: the one marked prefer="true", else the first."""
    found = list(lexeme.iterfind(f"{{{PLS_NS}}}{name}"))
    chosen = next((e for e in found if e.get("prefer") == "true"), found[0] if found else None)
    if chosen is None:
        return None
    return chosen if name == "phoneme" else (chosen.text or "")


def _ipa(phoneme: etree._Element, alphabet: str, word: str, path: Path, problems: list[Problem]) -> str | None:
    line = phoneme.sourceline or 1
    if phoneme.get("alphabet", alphabet) != "ipa":
        problems.append(Problem(path, line, f'"{word}": alphabet {phoneme.get("alphabet")!r} is not supported; '
                                "write the phonemes in IPA"))
        return None
    text = unicodedata.normalize("NFC", " ".join((phoneme.text or "").split()))
    if not text:
        problems.append(Problem(path, line, f'"{word}" has an empty <phoneme>'))
        return None
    text = text.replace("'", "ˈ").replace(":", "ː")  # the ASCII stand-ins people type
    strange = sorted({c for c in unicodedata.normalize("NFD", text) if not IPA_CHARACTER.match(c)})
    if strange:
        problems.append(Problem(path, line, f'"{word}": {" ".join(strange)} in /{text}/ is not IPA (X-SAMPA or '
                                "ARPAbet?); write the phonemes in IPA, e.g. /ˈtakna/"))
        return None
    return text
