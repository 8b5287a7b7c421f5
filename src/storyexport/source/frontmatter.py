"""The YAML front matter: parsed node by node so every problem has its line, then validated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem
from ..formats.audio.tts import ENGINES
from ..model import NarrationChoice, PrintSettings
from ..text.languages import language_problem
from .yamlnodes import YamlReader, compose

ENGINE_CHOICES = ("auto", *ENGINES)
PAGE_SIZES = ("A3", "A4", "A5", "A6", "B4", "B5", "letter", "legal", "ledger")
LENGTH = r"\d+(?:\.\d+)?(?:mm|cm|in|pt)"
TRIM = re.compile(rf"^(?:{'|'.join(PAGE_SIZES)}|{LENGTH} {LENGTH})$", re.IGNORECASE)
MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}


@dataclass(frozen=True)
class TranslationInfo:
    """The front matter's `translations.<lang>` entry; None: not given (the original's is used)."""

    title: str
    description: str
    line: int
    authors: tuple[str, ...] | None = None
    publisher: str | None = None
    rights: str | None = None
    subjects: tuple[str, ...] | None = None
    credit: str | None = None  # the photo credit of this edition's figures that give none


TRANSLATED_KEYS = ("title", "description", "author", "publisher", "rights", "subjects", "credit")


@dataclass
class FrontMatter:
    """Validated front matter values, with the line of each key for later messages."""

    title: str = ""
    lang: str = ""
    date: dt.date | None = None
    authors: tuple[str, ...] = ()
    publisher: str = ""
    rights: str = ""
    description: str = ""
    subjects: tuple[str, ...] = ()
    credit: str = ""  # the photo credit of every figure that gives none
    cover: str | None = None
    print: PrintSettings = field(default_factory=PrintSettings)
    translations: dict[str, TranslationInfo] = field(default_factory=dict)
    narration: tuple[NarrationChoice, ...] = ()
    identifier: str = ""
    url: str = ""
    lines: dict[str, int] = field(default_factory=dict)


TOP_KEYS = ("title", "lang", "date", "author", "publisher", "rights", "description", "subjects",
            "credit", "cover", "print", "translations", "narration", "identifier", "url")


def parse_front_matter(path: Path, text: str, first_line: int) -> tuple[FrontMatter | None, list[Problem]]:
    """Validate the front matter (wrong values keep their defaults); None when it is not YAML at all."""
    reader = YamlReader(path, first_line)
    root, problem = compose(path, text, first_line, "the front matter")
    if problem:
        return None, [problem]
    if root is None:
        return None, [Problem(path, first_line - 1, "the front matter is empty: "
                                       "give at least `title:` and `lang:`")]
    fields = reader.mapping(root, "", TOP_KEYS)
    meta = FrontMatter(lines={k: reader.line(v) for k, v in fields.items()})
    for key in ("title", "lang"):
        if key not in fields:
            reader.problems.append(Problem(path, first_line - 1, f"the front matter has no `{key}:`"
                                           + (" (the language of the body, e.g. `lang: en`)" if key == "lang" else "")))
    for key, node in fields.items():
        _READERS[key](reader, meta, node)
    return meta, reader.problems


def _read_plain(key: str):
    def read(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
        value = reader.text(node, key)
        if value is not None:
            if key == "title" and not value:
                reader.error(node, "`title` is empty")
            setattr(meta, key, value)
    return read


def _read_lang(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "lang")
    if value is not None:
        if problem := language_problem(value):
            reader.error(node, problem)
        meta.lang = value


def _read_date(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "date")
    if value is None:
        return
    try:
        meta.date = dt.date.fromisoformat(value)
    except ValueError:
        reader.error(node, f"`date` {value!r} is not an ISO date; write it as YYYY-MM-DD, e.g. 2023-06-20")


def _read_authors(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.authors = reader.texts(node, "author")


def _read_subjects(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.subjects = reader.texts(node, "subjects")


def _read_cover(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.cover = reader.text(node, "cover") or None


def _read_url(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "url")
    if value and not re.match(r"^https?://[^\s/]+", value):
        reader.error(node, f"`url` {value!r} must be a web address starting with https://")
    meta.url = value or ""


def _read_print(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    fields = reader.mapping(node, "print", ("trim", "bleed", "marks"))
    trim, bleed, marks = meta.print.trim, meta.print.bleed_mm, meta.print.marks
    if "trim" in fields and (value := reader.text(fields["trim"], "trim")) is not None:
        if TRIM.match(value):
            trim = value
        else:
            reader.error(fields["trim"], f"`print.trim` {value!r} is not a page size: use one of "
                         f"{', '.join(PAGE_SIZES)} or two lengths such as '6in 9in' or '148mm 210mm'")
    if "bleed" in fields and (value := reader.text(fields["bleed"], "bleed")) is not None:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)(mm|cm|in|pt)", value)
        if match and 0 <= float(match[1]) * MM_PER_UNIT[match[2]] <= 10:
            bleed = round(float(match[1]) * MM_PER_UNIT[match[2]], 3)
        else:
            reader.error(fields["bleed"], f"`print.bleed` {value!r} must be a length from 0mm to 10mm, e.g. 3mm")
    if "marks" in fields and (value := reader.text(fields["marks"], "marks")) is not None:
        if value.lower() in ("true", "yes", "on", "false", "no", "off"):
            marks = value.lower() in ("true", "yes", "on")
        else:
            reader.error(fields["marks"], "`print.marks` must be true or false")
    meta.print = PrintSettings(trim, bleed, marks)


def _read_translations(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
        lang = str(key_node.value)
        if problem := language_problem(lang):
            reader.error(key_node, f"translations: {problem}")
            continue
        fields = reader.mapping(value_node, f"translations.{lang}", TRANSLATED_KEYS)
        texts = {k: reader.text(v, k) or "" for k, v in fields.items() if k not in ("author", "subjects")}
        lists = {k: reader.texts(v, k) for k, v in fields.items() if k in ("author", "subjects")}
        if not texts.get("title"):
            reader.error(key_node, f"translations.{lang} has no `title`: give the {lang} title")
        meta.translations[lang] = TranslationInfo(
            texts.get("title", ""), texts.get("description", ""), reader.line(key_node),
            authors=lists.get("author"), publisher=texts.get("publisher"), rights=texts.get("rights"),
            subjects=lists.get("subjects"), credit=texts.get("credit"))
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, "`translations` must map a language to its title and description, "
                     "e.g. `es: {title: \"...\", description: \"...\"}`")


def _read_narration(reader: YamlReader, meta: FrontMatter, node: yaml.Node) -> None:
    choices = []
    for lang, value in reader.mapping(node, "narration", ()).items():
        if problem := language_problem(lang):
            reader.error(value, f"narration: {problem}")
            continue
        if isinstance(value, yaml.ScalarNode):
            fields = {"engine": value}
        else:
            fields = reader.mapping(value, f"narration.{lang}", ("engine", "voice", "tld"))
        values = {k: reader.text(v, k) for k, v in fields.items()}
        engine = values.get("engine") or "auto"
        if engine not in ENGINE_CHOICES:
            reader.error(fields["engine"], f"narration.{lang}: unknown engine {engine!r}; "
                         f"use one of {', '.join(ENGINE_CHOICES)}")
            continue
        choices.append(NarrationChoice(lang, engine, values.get("voice"), values.get("tld")))
    meta.narration = tuple(choices)


_READERS = {
    "title": _read_plain("title"), "lang": _read_lang, "date": _read_date, "author": _read_authors,
    "publisher": _read_plain("publisher"), "rights": _read_plain("rights"),
    "description": _read_plain("description"), "subjects": _read_subjects, "credit": _read_plain("credit"),
    "cover": _read_cover,
    "print": _read_print, "translations": _read_translations, "narration": _read_narration,
    "identifier": _read_plain("identifier"), "url": _read_url,
}
