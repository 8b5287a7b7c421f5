"""One language's page: the shared render of the article inside the page template."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jinja2

from ... import __version__
from ...model import Story
from ...store.layout import PAGE_ASSETS_FOLDER, PAGE_AUDIO_FOLDER, page_path
from ...text.labels import LABELS, date_text, label
from ...text.languages import autonym, primary_subtag
from ...text.narration_plan import NarrationPlan
from ...text.render import RenderTarget, foreign_text, render_article, render_stylesheet
from ...text.units import clock, file_size
from .metadata import PageFacts, PageVersion, json_ld, open_graph
from .pictures import Pictures
from .player import PageNarration

STYLESHEET, SCRIPT = "story.css", "narration.js"
RIGHT_TO_LEFT = {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "syr", "ug", "ur", "yi"}


@dataclass(frozen=True)
class LanguageLink:
    lang: str
    href: str  # relative to the page
    name: str  # the language's name in itself


def asset(name: str) -> bytes:
    """A file the page loads (stylesheet, script), shipped inside the package; the stylesheet
    with the shared render's rules after the page's own."""
    data = resources.files("storyexport").joinpath("assets", "html", name).read_bytes()
    return data + b"\n" + render_stylesheet().encode("utf-8") if name == STYLESHEET else data


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("storyexport", "templates/html")
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def page_facts(story: Story, lang: str, pictures: Pictures, narration: PageNarration | None) -> PageFacts:
    """What one language's page is: where it lives, its siblings, its cover and narration."""
    article = story.article(lang)
    cover_figure = next((f for f in article.figures() if story.cover and f.photo.src == story.cover.src), None)
    return PageFacts(
        story, article, PageVersion(lang, page_path(story.lang, lang)),
        tuple(PageVersion(other, page_path(story.lang, other)) for other in story.languages if other != lang),
        root="" if lang == story.lang else "../",
        cover=pictures.of(story.cover).largest if story.cover else None,
        cover_alt=cover_figure.alt if cover_figure else "", narration=narration)


def render_page(story: Story, lang: str, plan: NarrationPlan, pictures: Pictures,
                narration: PageNarration | None) -> str:
    """The complete HTML of one language's page, linking to every other language's page."""
    facts = page_facts(story, lang, pictures, narration)
    root = facts.root
    images = pictures.at(root)
    target = RenderTarget(name="html", image=images, inline_image=images.inline, words=narration is not None)
    rendered = render_article(story, facts.article, plan, target)
    links = [LanguageLink(v.lang, root + v.path, autonym(v.lang)) for v in facts.others]
    alternates = [LanguageLink(v.lang, facts.link(v), autonym(v.lang)) for v in (facts.version, *facts.others)]
    return _environment().get_template("page.html.j2").render(
        lang=lang, dir="rtl" if primary_subtag(lang) in RIGHT_TO_LEFT else "ltr", story=story,
        article=facts.article, rendered=rendered, facts=facts, generator=f"storyexport {__version__}",
        labels={key: label(lang, key) for key in LABELS["en"] if key != "months"},
        date=date_text(story.date, lang) if story.date else "", others=links, alternates=alternates,
        json_ld=json_ld(facts), open_graph=open_graph(facts), narration=narration,
        assets=f"{root}{PAGE_ASSETS_FOLDER}/", audio=f"{root}{PAGE_AUDIO_FOLDER}/", stylesheet=STYLESHEET,
        script=SCRIPT, file_size=lambda size: file_size(size, lang), clock_time=lambda seconds: clock(seconds * 1000),
        foreign=lambda value: foreign_text(value, lang))
