"""What a page tells machines: schema.org NewsArticle JSON-LD and Open Graph (for link previews).

Each language's page describes its own edition: its own identifier (the one its EPUB carries),
its language, its translations. Addresses are given only where they can be absolute, that is
when the story's `url` says where the html/ folder is published: Open Graph and search engines
need absolute URLs, and a relative one would point nowhere once the page is shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import langcodes
from markupsafe import Markup

from ...model import Article, Author, Story, blocks_text
from ...store.layout import PAGE_AUDIO_FOLDER, PAGE_IMAGES_FOLDER
from ...text.accessibility import PAGE, NarrationFacts, accessibility
from ...text.editions import edition_identifier
from .pictures import WebImage
from .player import PageNarration


@dataclass(frozen=True)
class PageVersion:
    """One language's page, as the other pages link to it."""

    lang: str
    path: str  # from html/: "index.html", "es/index.html"


@dataclass(frozen=True)
class PageFacts:
    """Everything about one language's page that its metadata reports."""

    story: Story
    article: Article
    version: PageVersion
    others: tuple[PageVersion, ...]  # the other languages' pages
    root: str  # from this page back to html/: "" or "../"
    cover: WebImage | None
    cover_alt: str
    narration: PageNarration | None

    def address(self, path: str) -> str | None:
        """A file under html/ as metadata names it: absolute, from the story's `url` (the address of
        the html/ folder); None when the story does not say where it is published."""
        if not self.story.url:
            return None
        return (self.story.url if self.story.url.endswith("/") else self.story.url + "/") + path

    def page_address(self, version: PageVersion) -> str | None:
        return self.address(version.path.removesuffix("index.html"))

    def link(self, version: PageVersion) -> str:
        """Another language's page as this page links to it: absolute when known, else relative."""
        return self.page_address(version) or self.root + version.path

    @property
    def cover_address(self) -> str | None:
        return self.address(f"{PAGE_IMAGES_FOLDER}/{self.cover.name}") if self.cover else None


def script_json(data: Any) -> Markup:
    """JSON safe inside a <script> element: no "</script>" or "<!--" can close or confuse it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def json_ld(page: PageFacts) -> Markup:
    story, article = page.story, page.article
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "description": article.description or None, "inLanguage": article.lang,
        "url": page.page_address(page.version), "identifier": edition_identifier(story, article.lang),
        "datePublished": story.date.isoformat() if story.date else None,
        "author": [_author(a, article.publisher.text) for a in article.authors] or None,
        "alternativeHeadline": article.subtitle or None, "abstract": plain_abstract(article) or None,
        "publisher": {"@type": "Organization", "name": article.publisher.text} if article.publisher.text else None,
        "copyrightNotice": article.rights.text or None, "keywords": [s.text for s in article.subjects] or None,
        "image": _image(page), "audio": _audio(page),
        "workTranslation" if article.lang == story.lang else "translationOfWork":
            [_version(page, other) for other in page.others] or None,
    }
    data.update(_accessibility(page))
    return script_json({key: value for key, value in data.items() if value is not None})


def _version(page: PageFacts, other: PageVersion) -> dict[str, Any]:
    """Another language's edition: its own identifier, and its page's address when known."""
    found = {"@type": "NewsArticle", "inLanguage": other.lang,
             "identifier": edition_identifier(page.story, other.lang), "url": page.page_address(other)}
    return {key: value for key, value in found.items() if value is not None}


def _author(author: Author, publisher: str) -> dict[str, Any]:
    # an author named like the publisher, or an acronym such as "IOM", is an organisation
    name = author.name
    kind = "Organization" if name == publisher or (name.isupper() and " " not in name) else "Person"
    found: dict[str, Any] = {"@type": kind, "name": name}
    if author.affiliation:
        found["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    return found


def plain_abstract(article: Article) -> str:
    return " ".join(blocks_text(article.abstract).split())


def _image(page: PageFacts) -> dict[str, Any] | None:
    if not page.cover or not page.cover_address:
        return None
    return {"@type": "ImageObject", "url": page.cover_address, "width": page.cover.width,
            "height": page.cover.height}


def _audio(page: PageFacts) -> list[dict[str, Any]] | None:
    if not page.narration:
        return None
    found = [{"@type": "AudioObject", "contentUrl": page.address(f"{PAGE_AUDIO_FOLDER}/{file.name}"),
              "encodingFormat": file.media_type.split(";")[0], "contentSize": f"{file.size} B",
              "duration": f"PT{round(page.narration.duration)}S", "inLanguage": page.article.lang}
             for file in page.narration.files]
    return [{key: value for key, value in audio.items() if value is not None} for audio in found]


# the order the JSON-LD lists the features in (a set to its readers; kept stable)
FEATURE_ORDER = ("structuralNavigation", "readingOrder", "displayTransformability", "alternativeText",
                 "longDescription", "captions", "synchronizedAudioText")


def _accessibility(page: PageFacts) -> dict[str, Any]:
    player = page.narration
    narration = (NarrationFacts(player.engine, round(player.duration * 1000), captions=player.shows_captions,
                                by_word=True) if player else None)
    facts = accessibility(page.story, page.article, PAGE, narration)
    return {"accessMode": list(facts.access_modes),
            "accessModeSufficient": [{"@type": "ItemList", "itemListElement": facts.sufficient_modes[0].split(",")}],
            "accessibilityFeature": [feature for feature in FEATURE_ORDER if feature in facts.features],
            "accessibilityHazard": list(facts.hazards)}


def og_locale(lang: str) -> str:
    """Open Graph's language_TERRITORY form: en -> en_US, es -> es_ES."""
    language = langcodes.Language.get(lang).maximize()
    return f"{language.language}_{language.territory}" if language.territory else str(language.language)


def open_graph(page: PageFacts) -> list[tuple[str, str]]:
    """(property, content) pairs for <meta property=...>."""
    story, article = page.story, page.article
    tags = [("og:type", "article"), ("og:title", article.title), ("og:locale", og_locale(article.lang))]
    tags += [("og:locale:alternate", og_locale(o.lang)) for o in page.others]
    tags += [("og:description", article.description)] if article.description else []
    tags += [("og:site_name", article.publisher.text)] if article.publisher.text else []
    tags += [("og:url", page.page_address(page.version))] if story.url else []
    if page.cover and page.cover_address:  # Open Graph takes absolute addresses only
        cover = page.cover
        tags += [("og:image", page.cover_address), ("og:image:type", cover.media_type),
                 ("og:image:width", str(cover.width)), ("og:image:height", str(cover.height))]
        tags += [("og:image:alt", page.cover_alt)] if page.cover_alt else []
    tags += [("article:published_time", story.date.isoformat())] if story.date else []
    tags += [("article:author", author.name) for author in article.authors]
    tags += [("article:tag", subject.text) for subject in article.subjects]
    return tags
