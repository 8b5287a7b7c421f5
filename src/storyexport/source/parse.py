"""Parse a story file into the frozen Story model, or raise SourceError with every problem found."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from pathlib import Path

from markdown_it.tree import SyntaxTreeNode

from ..errors import Problem, SourceError
from ..model import Article, Block, Division, Lexicon, Localized, Photo, Story
from ..text.languages import language_problem, quotation_marks
from . import lint
from .convert import Leniency, Section, SectionConverter, slugify
from .frontmatter import FrontMatter, Markdown, TranslationInfo, parse_front_matter
from .lexicons import lexicon_files, story_lexicons
from .markdown import markdown, parse_attrs
from .photos import PhotoChecker, PhotoProblem
from .profiles import ProfileProblem, colour_profile
from .project import Project, find_project_file, load_project
from .sourcefile import SourceText, read_source
from .syntax.typography import smart_text


@dataclass(frozen=True)
class LanguageBlock:
    """Where one language's text lies in the body: a `::: {lang=xx}` block, or the rest."""

    lang: str
    text: str  # the body with every other language's lines blanked, so lines stay file lines
    line: int


def parse(source: Path, project: Project | None = None) -> tuple[Story, list[Problem]]:
    """The Story and its warnings; SourceError (errors and warnings) when anything is wrong. The
    project configuration's settings apply to it: `project`'s, else (None) the file found for it
    with its problems among the story's."""
    text, problems = read_source(source)
    if text is None:
        raise SourceError(problems)
    meta, problems = parse_front_matter(source, text.front_matter, text.front_matter_line)
    if meta is None:
        raise SourceError(problems)
    photos = PhotoChecker(source.parent)
    blocks = split_languages(text, meta.lang or "und", problems)
    articles = _articles(source, meta, blocks, photos, problems)
    cover = _cover(source, meta, articles, photos, problems)
    lexicons, lexicon_problems = story_lexicons(source, tuple(a.lang for a in articles))
    problems += lexicon_problems
    if project is None:
        project, project_problems = load_project(find_project_file(source))
        problems += project_problems
    meta = dataclasses.replace(meta, print=_print_settings(source, meta, project, problems),
                               accessibility=meta.accessibility or project.accessibility)
    if any(p.is_error for p in problems) or not articles:
        raise SourceError(problems)
    story = _story(source, meta, articles, cover, lexicons, project)
    problems += lint.story_problems(story)
    if any(p.is_error for p in problems):
        raise SourceError(problems)
    return story, problems


def split_languages(text: SourceText, primary: str, problems: list[Problem]) -> list[LanguageBlock]:
    """The primary text and each top-level `::: {lang=xx}` translation, lines kept in place."""
    lines = text.body.split("\n")
    tree = SyntaxTreeNode(markdown().parse(text.body, {}))
    found: dict[str, LanguageBlock] = {}
    primary_lines = list(lines)
    for node in tree.children:
        attrs = parse_attrs(node.info) if node.type == "fenced_div" else None
        if not attrs or "lang" not in attrs or attrs.get("class") or attrs.get("id"):
            continue
        lang, line = str(attrs["lang"]), node.map[0] + 1
        closed = node.meta.get("closed", True)
        first, end = node.map[0] + 1, node.map[1] - 1 if closed else node.map[1]
        primary_lines[node.map[0]: node.map[1]] = [""] * (node.map[1] - node.map[0])
        if not closed:
            problems.append(Problem(text.path, line, f"the {lang} block opened here is never closed: "
                                    "add a line ::: after the translation"))
        if problem := language_problem(lang):
            problems.append(Problem(text.path, line, problem))
        elif lang == primary:
            problems.append(Problem(text.path, line, f"::: {{lang={lang}}} marks a translation, but {lang} "
                                    "is the story's own language (front matter `lang`); remove the fence"))
        elif lang in found:
            problems.append(Problem(text.path, line, f"a second {lang} translation; the first starts at "
                                    f"line {found[lang].line}"))
        else:
            kept = [""] * first + lines[first:end] + [""] * (len(lines) - end)
            found[lang] = LanguageBlock(lang, "\n".join(kept), line)
    return [LanguageBlock(primary, "\n".join(primary_lines), 1), *found.values()]


@dataclass(frozen=True)
class _Reading:
    """What converting any text of one story shares."""

    source: Path
    photos: PhotoChecker
    problems: list[Problem]
    leniency: Leniency


def _articles(source: Path, meta: FrontMatter, blocks: list[LanguageBlock], photos: PhotoChecker,
              problems: list[Problem]) -> list[Article]:
    primary_block, *translations = blocks
    reading = _Reading(source, photos, problems, Leniency(figure_ids_required=bool(translations),
                                                          heading_shift=meta.heading_shift))
    primary = _convert(reading, primary_block, None, meta.credit)
    smart = _smart(meta.lang)
    original = Article(meta.lang, smart(meta.title), smart(meta.description), primary.blocks, primary.footnotes,
                       primary_block.line, meta.authors, Localized(meta.publisher, meta.lang),
                       Localized(meta.rights, meta.lang), tuple(Localized(s, meta.lang) for s in meta.all_subjects),
                       smart(meta.subtitle), _abstract(reading, meta.abstract, meta.lang))
    articles = [original]
    for block in translations:
        info = meta.translations.get(block.lang)
        if info is None:
            problems.append(Problem(source, block.line, f"the {block.lang} text has no title: add "
                                    f"`translations: {{{block.lang}: {{title: \"...\"}}}}` to the front matter"))
            info = TranslationInfo("", "", block.line)
        section = _convert(reading, block, primary, info.credit or "")
        _compare_figures(source, block, primary, section, problems)
        abstract = _abstract(reading, info.abstract, block.lang) if info.abstract else _foreign(original)
        articles.append(_translation(original, info, block.lang, section, block.line, abstract))
        problems += lint.untranslated_problems(source, original, articles[-1], info.line)
    for lang, info in meta.translations.items():
        if lang not in {b.lang for b in translations}:
            problems.append(Problem(source, info.line, f"translations.{lang} is given, but the body has no "
                                    f"::: {{lang={lang}}} block with the {lang} text"))
    for article in articles:
        problems += lint.heading_problems(source, article)
    return articles


def _translation(original: Article, info: TranslationInfo, lang: str, section: Section, line: int,
                 abstract: tuple[Block, ...]) -> Article:
    """A translation's article: its own front-matter values where it gives them, else the original's."""
    def own(text: str | None, fallback: Localized) -> Localized:
        return Localized(text, lang) if text is not None else fallback

    smart = _smart(lang)
    subjects = (tuple(Localized(s, lang) for s in info.subjects) if info.subjects is not None
                else original.subjects)
    subtitle = smart(info.subtitle) if info.subtitle is not None else original.subtitle
    return Article(lang, smart(info.title), smart(info.description), section.blocks, section.footnotes, line,
                   info.authors if info.authors is not None else original.authors,
                   own(info.publisher, original.publisher), own(info.rights, original.rights), subjects,
                   subtitle, abstract)


def _smart(lang: str):
    """Front-matter text with the language's typography (pandoc reads these as Markdown, `smart` on)."""
    return lambda text: smart_text(text, quotation_marks(lang))


def _abstract(reading: _Reading, abstract: Markdown | None, lang: str) -> tuple[Block, ...]:
    """The front matter's `abstract`, read as Markdown blocks with file lines."""
    if abstract is None:
        return ()
    text = LanguageBlock(lang, "\n" * (abstract.line - 1) + abstract.text, abstract.line)
    return _convert(reading, text, None).blocks


def _foreign(original: Article) -> tuple[Block, ...]:
    """The original's abstract in a translation that has none of its own, marked with its language."""
    return (Division(("abstract-original",), original.lang, original.abstract, original.abstract[0].line),) \
        if original.abstract else ()


def _convert(reading: _Reading, block: LanguageBlock, primary: Section | None, default_credit: str = "") -> Section:
    env: dict = {}
    tree = SyntaxTreeNode(markdown(block.lang).parse(block.text, env))
    converter = SectionConverter(reading.source, block.lang, reading.photos, reading.problems,
                                 primary.figures if primary else None, reading.leniency, default_credit)
    return converter.convert(tree, env)


def _compare_figures(source: Path, block: LanguageBlock, primary: Section, section: Section,
                     problems: list[Problem]) -> None:
    for figure_id, figure in primary.figures.items():
        if figure_id not in section.figures:
            problems.append(Problem(source, block.line, f'figure "{figure_id}" (line {figure.line}) is missing '
                                    f"from the {block.lang} text: repeat it there with the same id and "
                                    "translated alt text"))
    for figure_id, figure in section.figures.items():
        if figure_id not in primary.figures:
            problems.append(Problem(source, figure.line, f'figure "{figure_id}" is in the {block.lang} text '
                                    "but not in the primary text; figure ids must match across languages"))


def _cover(source: Path, meta: FrontMatter, articles: list[Article], photos: PhotoChecker,
           problems: list[Problem]) -> Photo | None:
    if meta.cover:
        try:
            return photos.photo(meta.cover)
        except PhotoProblem as problem:
            problems.append(Problem(source, meta.lines.get("cover", 1), f"cover: {problem}"))
            return None
    figures = [f for f in articles[0].figures() if not f.decorative] if articles else []
    return figures[0].photo if figures else None


def _print_settings(source: Path, meta: FrontMatter, project: Project, problems: list[Problem]):
    """The front matter's print settings with the print team's colour profile checked and read: the
    story's own, else the project file's (with its condition)."""
    if not meta.print_profile:
        if project.profile is None:
            return meta.print
        return dataclasses.replace(meta.print, profile=project.profile, condition=project.condition)
    try:
        return dataclasses.replace(meta.print, profile=colour_profile(source.parent, meta.print_profile))
    except ProfileProblem as problem:
        problems.append(Problem(source, meta.lines.get("print.icc", 1), f"print.icc: {problem}"))
        return meta.print


def _story(source: Path, meta: FrontMatter, articles: list[Article], cover: Photo | None,
           lexicons: tuple[Lexicon, ...], project: Project) -> Story:
    slug = slugify(source.parent.name if source.name == "story.md" else source.stem)
    key = meta.url or f"storyexport:{slug}:{meta.title}:{meta.date or ''}"
    identifier = meta.identifiers[0].value if meta.identifiers else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"
    return Story(slug=slug, source=source, folder=source.parent.resolve(), lang=meta.lang, date=meta.date,
                 identifier=identifier, url=meta.url, cover=cover, print=meta.print,
                 narration=meta.narration, articles=tuple(articles), identifiers=meta.identifiers,
                 lexicons=lexicons, accessibility=meta.accessibility, voices=project.voices,
                 project_file=project.file, lexicon_files=lexicon_files(source))
