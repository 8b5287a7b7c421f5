"""The HTML document WeasyPrint lays out: a cover, the shared render of the article, a colophon; its CSS."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ... import __version__
from ...model import Story
from ...store.clock import build_time
from ...text.labels import date_text
from ...text.render import RenderedArticle, foreign_text, render_stylesheet
from .fetcher import assets_folder
from .geometry import PageGeometry
from .images import PlacedImage

FONT_FACES = (  # family, file, weight, style: the bundled Noto fonts (assets/fonts, OFL-1.1)
    ("Noto Serif", "NotoSerif-Regular.ttf", 400, "normal"),
    ("Noto Serif", "NotoSerif-Italic.ttf", 400, "italic"),
    ("Noto Serif", "NotoSerif-Bold.ttf", 700, "normal"),
    ("Noto Serif", "NotoSerif-BoldItalic.ttf", 700, "italic"),
    ("Noto Sans", "NotoSans-Regular.ttf", 400, "normal"),
    ("Noto Sans", "NotoSans-Italic.ttf", 400, "italic"),
    ("Noto Sans", "NotoSans-Bold.ttf", 700, "normal"),
    ("Noto Sans", "NotoSans-BoldItalic.ttf", 700, "italic"),
    ("Task Marks", "TaskMarks.ttf", 400, "normal"),  # ☐ ☑ ☒ of task lists (DejaVu Sans subset)
)
PRINT_COLOURS = {"text": "device-cmyk(0 0 0 1)", "muted": "device-cmyk(0 0 0 0.78)",
                 "accent": "device-cmyk(1 0.62 0 0.38)", "rule": "device-cmyk(0 0 0 0.5)"}
SCREEN_COLOURS = {"text": "#1a1a1a", "muted": "#454545", "accent": "#0a3d7a", "rule": "#767676"}
COVER_TEXT_GAP = 8  # mm between the cover photo and the title


@dataclass(frozen=True)
class FontFace:
    family: str
    url: str
    weight: int
    style: str


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(loader=PackageLoader("storyexport", "templates/pdf"), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html.j2"]), trim_blocks=True, keep_trailing_newline=True)


def font_faces() -> list[FontFace]:
    fonts = assets_folder() / "fonts"
    return [FontFace(family, (fonts / name).as_uri(), weight, style) for family, name, weight, style in FONT_FACES]


def stylesheet(geometry: PageGeometry, cover: PlacedImage | None, color_profile: str | None) -> str:
    """The CSS for one document; `color_profile` (a URL) makes it the print PDF."""
    top = geometry.margins[0]
    cover_box = geometry.cover_box(cover.photo) if cover else None
    text_top = cover_box.height - geometry.bleed + COVER_TEXT_GAP if cover_box else geometry.trim.height * 0.3
    return render_stylesheet() + _templates().get_template("pdf.css.j2").render(
        g=geometry, fonts=font_faces(), color_profile=color_profile, print=bool(color_profile),
        c=PRINT_COLOURS if color_profile else SCREEN_COLOURS, cover=cover, cover_box=cover_box,
        cover_text_top=round(max(text_top, top), 2))


def html_document(story: Story, rendered: RenderedArticle, css: str, cover: PlacedImage | None) -> str:
    """The whole document, with the metadata WeasyPrint turns into the PDF's Info, XMP and /Lang."""
    article, lang = story.article(rendered.lang), rendered.lang
    moment = build_time(story).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = [foreign_text(article.publisher, lang) if article.publisher.text else "",
             date_text(story.date, lang) if story.date else ""]
    imprint = Markup(" · ").join(part for part in parts if part)
    return _templates().get_template("document.html.j2").render(
        lang=lang, title=article.title, description=article.description, authors=[a.name for a in article.authors],
        keywords=", ".join(s.text for s in article.subjects), generator=f"storyexport {__version__}", created=moment,
        stylesheet=Markup(css), cover=cover, rendered=rendered, imprint=imprint,
        rights=foreign_text(article.rights, lang) if article.rights.text else "")
