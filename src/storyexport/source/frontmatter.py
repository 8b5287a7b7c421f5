"""The YAML front matter: parsed node by node so every problem has its line, then validated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path

import yaml

from ..errors import Problem
from ..formats.audio.tts import ENGINES, voice_problem
from ..model import AccessibilityDeclaration, Author, NarrationChoice, PrintSettings
from ..text.languages import language_problem
from .identifiers import Identifier, identifier_problem, read_identifier
from .limits import LIST_ITEMS
from .yamlnodes import YamlReader, compose

ENGINE_CHOICES = ("auto", *ENGINES)
PAGE_SIZES = ("A3", "A4", "A5", "A6", "B4", "B5", "letter", "legal", "ledger")
LENGTH = r"\d+(?:\.\d+)?(?:mm|cm|in|pt)"
LENGTH_PARTS = re.compile(r"(\d+(?:\.\d+)?)(mm|cm|in|pt)", re.IGNORECASE)
TRIM = re.compile(rf"^(?:{'|'.join(PAGE_SIZES)}|{LENGTH} {LENGTH})$", re.IGNORECASE)
MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
TRIM_RANGE_MM = (50.0, 1000.0)  # each side of the page: a business card to a poster
DATES = (dt.date(1900, 1, 1), dt.date(2107, 12, 31))  # an EPUB is a ZIP, whose dates end in 2107


class Markdown(NamedTuple):
    """Front-matter text read as Markdown blocks (`abstract`), with the file line it starts on."""

    text: str
    line: int


@dataclass(frozen=True)
class TranslationInfo:
    """The front matter's `translations.<lang>` entry; None: not given (the original's is used)."""

    title: str
    description: str
    line: int
    authors: tuple[Author, ...] | None = None
    publisher: str | None = None
    rights: str | None = None
    subjects: tuple[str, ...] | None = None  # its `subjects` and `keywords`
    subtitle: str | None = None
    abstract: Markdown | None = None
    credit: str | None = None  # the photo credit of this edition's figures that give none


TRANSLATED_KEYS = ("title", "subtitle", "description", "abstract", "author", "publisher", "rights", "subjects",
                   "keywords", "credit")


@dataclass
class FrontMatter:
    """Validated front matter values, with the line of each key for later messages."""

    title: str = ""
    subtitle: str = ""
    lang: str = ""
    date: dt.date | None = None
    authors: tuple[Author, ...] = ()
    publisher: str = ""
    rights: str = ""
    description: str = ""
    abstract: Markdown | None = None
    subjects: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    credit: str = ""  # the photo credit of every figure that gives none
    cover: str | None = None
    print: PrintSettings = field(default_factory=PrintSettings)
    translations: dict[str, TranslationInfo] = field(default_factory=dict)
    narration: tuple[NarrationChoice, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    url: str = ""
    heading_shift: int | None = None  # shift-heading-level-by
    print_profile: str | None = None  # `print.icc`, relative to the story folder (checked by parse)
    accessibility: AccessibilityDeclaration = field(default_factory=AccessibilityDeclaration)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def all_subjects(self) -> tuple[str, ...]:
        """`subjects` then `keywords`, each once (pandoc's `keywords` are subjects too)."""
        return tuple(dict.fromkeys((*self.subjects, *self.keywords)))


class _Reader(YamlReader):
    """The front matter's reader: YAML nodes to values, with its own kinds of value."""

    def markdown(self, node: yaml.Node, key: str) -> Markdown | None:
        """Text to read as Markdown; a block scalar (`key: |`) starts on the line after its key."""
        value = self.text(node, key)
        if not value:
            return None
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        return Markdown(node.value if block else value, self.line(node) + block)

    def authors(self, node: yaml.Node, key: str) -> tuple[Author, ...]:
        """A name, a list of names, or {name, affiliation} mappings (as pandoc reads `author`)."""
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if len(items) > LIST_ITEMS["author"]:
            self.error(node, f"`{key}` lists {len(items):,} names; it may have at most {LIST_ITEMS['author']}")
            return ()
        found = []
        for item in items:
            if isinstance(item, yaml.MappingNode):
                fields = self.mapping(item, key, ("name", "affiliation", "email", "orcid", "url"))
                name = self.text(fields["name"], "name") if "name" in fields else None
                if not name:
                    self.error(item, f"an `{key}` given as a mapping needs a `name:`")
                    continue
                affiliation = ", ".join(self.texts(fields["affiliation"], "affiliation")) if "affiliation" in fields else ""
                found.append(Author(name, affiliation))
            elif (name := self.text(item, key)) is not None and name:
                found.append(Author(name))
        return tuple(found)


TOP_KEYS = ("title", "subtitle", "lang", "date", "author", "publisher", "rights", "description", "abstract",
            "subjects", "keywords", "credit", "cover", "print", "translations", "narration", "identifier", "url",
            "shift-heading-level-by", "accessibility")
PRINT_KEYS = ("trim", "bleed", "marks", "icc", "condition")
ACCESSIBILITY_KEYS = ("conformsTo", "certifiedBy", "credential", "report")
CONFORMANCE = re.compile(r"^(EPUB Accessibility 1\.1 - WCAG 2\.[012] Level A{1,2}|"
                         r"http://www\.idpf\.org/epub/a11y/accessibility-20170105\.html#wcag-a{1,2})$")
CONDITION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()/+-]{1,79}$")  # FOGRA39, GRACoL2013_CRPC6, "ISO Coated v2"


def parse_front_matter(path: Path, text: str, first_line: int) -> tuple[FrontMatter | None, list[Problem]]:
    """Validate the front matter (wrong values keep their defaults); None when it is not YAML at all."""
    reader = _Reader(path, first_line)
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
    def read(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
        value = reader.text(node, key)
        if value is not None:
            if key == "title" and not value:
                reader.error(node, "`title` is empty")
            setattr(meta, key, value)
    return read


def _read_lang(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "lang")
    if value is not None:
        if problem := language_problem(value):
            reader.error(node, problem)
        meta.lang = value


def _read_date(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "date")
    if value is None:
        return
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        reader.error(node, f"`date` {value!r} is not an ISO date; write it as YYYY-MM-DD, e.g. 2023-06-20")
        return
    if not DATES[0] <= date <= DATES[1]:
        reader.error(node, f"`date` {value} is out of range: give a date from {DATES[0].year} to {DATES[1].year} "
                     "(the last year an EPUB's timestamps can hold)")
        return
    meta.date = date


def _read_authors(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.authors = reader.authors(node, "author")


def _read_subjects(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.subjects = reader.texts(node, "subjects")


def _read_keywords(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.keywords = reader.texts(node, "keywords")


def _read_abstract(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.abstract = reader.markdown(node, "abstract")


def _read_identifier(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    """A string, or a list of strings or of {scheme, text} mappings (pandoc's EPUB form)."""
    found = []
    for item in node.value if isinstance(node, yaml.SequenceNode) else [node]:
        if isinstance(item, yaml.MappingNode):
            fields = reader.mapping(item, "identifier", ("scheme", "text"))
            value = reader.text(fields["text"], "text") if "text" in fields else None
            scheme = reader.text(fields["scheme"], "scheme") if "scheme" in fields else None
        else:
            value, scheme = reader.text(item, "identifier"), None
        if not value:
            reader.error(item, "`identifier` is empty: give an ISBN, a DOI or a URN")
        elif problem := identifier_problem(value, scheme):
            reader.error(item, problem)
        else:
            found.append(read_identifier(value, scheme))
    meta.identifiers = tuple(found)


def _read_heading_shift(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "shift-heading-level-by")
    if value is not None and re.fullmatch(r"[+-]?[0-5]", value):
        meta.heading_shift = int(value)
    elif value is not None:
        reader.error(node, f"`shift-heading-level-by` {value!r} must be a whole number from -5 to 5, "
                     "e.g. 1 to make # headings ## (as in pandoc)")


def _read_cover(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    meta.cover = reader.text(node, "cover") or None


def _read_url(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    value = reader.text(node, "url")
    if value and not re.match(r"^https?://[^\s/]+", value):
        reader.error(node, f"`url` {value!r} must be a web address starting with https://")
    meta.url = value or ""


def _read_print(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    fields = reader.mapping(node, "print", PRINT_KEYS)
    trim, bleed, marks = meta.print.trim, meta.print.bleed_mm, meta.print.marks
    if "trim" in fields and (value := reader.text(fields["trim"], "trim")) is not None:
        if not TRIM.match(value):
            reader.error(fields["trim"], f"`print.trim` {value!r} is not a page size: use one of "
                         f"{', '.join(PAGE_SIZES)} or two lengths such as '6in 9in' or '148mm 210mm'")
        elif problem := _trim_problem(value):
            reader.error(fields["trim"], problem)
        else:
            trim = value
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
    meta.print = PrintSettings(trim, bleed, marks, condition=_print_condition(reader, fields))
    if "icc" in fields:
        meta.print_profile = reader.text(fields["icc"], "icc") or None
        meta.lines["print.icc"] = reader.line(fields["icc"])


def _print_condition(reader: _Reader, fields: dict[str, yaml.Node]) -> str:
    """`print.condition`: the printing condition the print team's `print.icc` is made for."""
    if "condition" not in fields or (value := reader.text(fields["condition"], "condition")) is None:
        return ""
    if "icc" not in fields:
        reader.error(fields["condition"], "`print.condition` names the printing condition of the printer's "
                     "profile: give that profile too, as `print.icc` (e.g. icc: print/printer.icc)")
    elif not CONDITION.match(value):
        reader.error(fields["condition"], f"`print.condition` {value!r} is not a printing condition's name; "
                     "use the name the printer gives, as in the ICC registry (e.g. FOGRA39, FOGRA51, "
                     "GRACoL2013_CRPC6)")
    return value


def _trim_problem(trim: str) -> str | None:
    """Why two lengths cannot be a page (each side from 50 mm to 1,000 mm), or None."""
    lengths = [float(number) * MM_PER_UNIT[unit.lower()] for number, unit in re.findall(LENGTH_PARTS, trim)]
    low, high = TRIM_RANGE_MM
    if all(low <= length <= high for length in lengths):
        return None
    shown = " × ".join(f"{length:,.0f} mm" for length in lengths)
    return (f"`print.trim` {trim!r} is {shown}: each side of a page must be from {low:g} mm to "
            f"{high:,.0f} mm")


def _read_translations(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
        lang = str(key_node.value)
        if problem := language_problem(lang):
            reader.error(key_node, f"translations: {problem}")
            continue
        fields = reader.mapping(value_node, f"translations.{lang}", TRANSLATED_KEYS)
        texts = {k: reader.text(v, k) or "" for k, v in fields.items() if k in ("title", "subtitle", "description",
                                                                                "publisher", "rights", "credit")}
        lists = {k: reader.texts(v, k) for k, v in fields.items() if k in ("subjects", "keywords")}
        if not texts.get("title"):
            reader.error(key_node, f"translations.{lang} has no `title`: give the {lang} title")
        subjects = (tuple(dict.fromkeys((*lists.get("subjects", ()), *lists.get("keywords", ()))))
                    if lists else None)
        meta.translations[lang] = TranslationInfo(
            texts.get("title", ""), texts.get("description", ""), reader.line(key_node),
            authors=reader.authors(fields["author"], "author") if "author" in fields else None,
            publisher=texts.get("publisher"), rights=texts.get("rights"), subjects=subjects,
            subtitle=texts.get("subtitle"), credit=texts.get("credit"),
            abstract=reader.markdown(fields["abstract"], "abstract") if "abstract" in fields else None)
    if not isinstance(node, yaml.MappingNode):
        reader.error(node, "`translations` must map a language to its title and description, "
                     "e.g. `es: {title: \"...\", description: \"...\"}`")


def _read_narration(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
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
        choice = NarrationChoice(lang, engine, values.get("voice"), values.get("tld"))
        if problem := voice_problem(choice):
            reader.error(fields.get("voice") or fields.get("tld") or value, f"narration.{lang}: {problem}")
            continue
        choices.append(choice)
    meta.narration = tuple(choices)


def _read_accessibility(reader: _Reader, meta: FrontMatter, node: yaml.Node) -> None:
    """The publisher's own conformance declaration, made after its review (EPUB Accessibility 1.1 §5)."""
    fields = reader.mapping(node, "accessibility", ACCESSIBILITY_KEYS)
    values = {key: reader.text(value, key) or "" for key, value in fields.items()}
    conforms, certified = values.get("conformsTo", ""), values.get("certifiedBy", "")
    if conforms and not CONFORMANCE.match(conforms):
        reader.error(fields["conformsTo"], f"`accessibility.conformsTo` {conforms!r} is not a conformance "
                     "reading systems know; write it as `EPUB Accessibility 1.1 - WCAG 2.2 Level AA` "
                     "(or Level A, WCAG 2.0/2.1)")
    if conforms and not certified:
        reader.error(fields["conformsTo"], "`accessibility.conformsTo` needs `certifiedBy`: the person or "
                     "organization who reviewed the editions and stands behind the claim")
    for key in ("certifiedBy", "credential", "report"):
        if values.get(key) and not conforms:
            reader.error(fields[key], f"`accessibility.{key}` is about a conformance claim, but there is no "
                         "`accessibility.conformsTo`; add it (after your review) or remove this key")
    if values.get("report") and not re.match(r"^https?://\S+$", values["report"]):
        reader.error(fields["report"], "`accessibility.report` must be the web address of the evaluation report")
    meta.accessibility = AccessibilityDeclaration(conforms, certified, values.get("credential", ""),
                                                  values.get("report", ""))


_READERS = {
    "title": _read_plain("title"), "subtitle": _read_plain("subtitle"), "lang": _read_lang, "date": _read_date,
    "author": _read_authors, "publisher": _read_plain("publisher"), "rights": _read_plain("rights"),
    "description": _read_plain("description"), "abstract": _read_abstract, "subjects": _read_subjects,
    "keywords": _read_keywords, "credit": _read_plain("credit"), "cover": _read_cover, "print": _read_print,
    "translations": _read_translations,
    "narration": _read_narration, "identifier": _read_identifier, "url": _read_url,
    "shift-heading-level-by": _read_heading_shift, "accessibility": _read_accessibility,
}


PROJECT_KEYS = ("print", "accessibility")  # what a project file (source/project.py) says for every story


def read_project_settings(reader: YamlReader, fields: dict[str, yaml.Node]) -> FrontMatter:
    """A project file's `print` (the printer's profile and condition) and `accessibility` (the
    publisher's declaration), read and checked as the front matter's keys of the same names."""
    meta = FrontMatter()
    for key, node in fields.items():
        if key not in PROJECT_KEYS:
            continue
        if key == "print" and isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if str(key_node.value) in ("trim", "bleed", "marks"):
                    reader.error(key_node, f"`print.{key_node.value}` belongs to each story's front matter; "
                                 "a project file gives the printer's `icc` and `condition` only")
        _READERS[key](reader, meta, node)
    return meta
