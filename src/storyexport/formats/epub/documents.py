"""The book's XHTML content documents: the cover and the story (from the shared render)."""

from __future__ import annotations

from markupsafe import Markup, escape

from ...model import Story
from ...text.labels import label
from ...text.render import RenderedArticle, foreign_text
from .images import BookImage
from .xml import checked_xml

STYLESHEET = "css/book.css"
XHTML = Markup('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
               '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
               'lang="{lang}" xml:lang="{lang}">\n<head>\n<meta charset="utf-8" />\n<title>{title}</title>\n'
               '<link rel="stylesheet" type="text/css" href="{css}" />\n{head}</head>\n'
               '<body{body_attrs}>\n{body}\n</body>\n</html>\n')


def xhtml_document(name: str, lang: str, title: str, body: Markup, body_type: str = "",
                   head: Markup = Markup("")) -> bytes:
    """A complete, checked XHTML content document with the book's stylesheet (and `head`'s links)."""
    body_attrs = Markup(' epub:type="{}"').format(body_type) if body_type else Markup("")
    text = XHTML.format(lang=lang, title=title, css=STYLESHEET, head=head, body_attrs=body_attrs, body=body)
    return checked_xml(str(text), name)


def story_document(story: Story, rendered: RenderedArticle, title: str, head: Markup = Markup("")) -> bytes:
    """Title, byline, text, footnotes and a colophon: everything the narration reads."""
    lang = rendered.lang
    header = Markup("<header>\n<h1>{}</h1>\n{}{}</header>").format(
        rendered.title, Markup('<p class="subtitle">{}</p>\n').format(rendered.subtitle) if rendered.subtitle else "",
        Markup('<p class="byline">{}</p>\n').format(rendered.byline) if rendered.byline else "")
    body = Markup("\n").join(part for part in (header, rendered.abstract, rendered.body, rendered.notes,
                                                colophon(story, lang)) if part)
    return xhtml_document("story.xhtml", lang, title, body, "bodymatter", head)


def colophon(story: Story, lang: str) -> Markup:
    """Who published the story, when, and its rights statement."""
    lines = []
    article = story.article(lang)
    if article.publisher.text:
        published = escape(label(lang, "published_by")).replace(
            "{publisher}", foreign_text(article.publisher, lang, xml_lang=True))
        when = Markup(', <time datetime="{0}">{0}</time>').format(story.date.isoformat()) if story.date else ""
        lines.append(Markup("<p>{}{}</p>").format(published, when))
    if article.rights.text:
        lines.append(Markup("<p>{}</p>").format(foreign_text(article.rights, lang, xml_lang=True)))
    return (Markup('<footer class="colophon" id="colophon">\n{}\n</footer>').format(Markup("\n").join(lines))
            if lines else Markup(""))


def cover_document(lang: str, title: str, image: BookImage, alt: str, head: Markup = Markup("")) -> bytes:
    body = Markup('<section class="cover" epub:type="cover">\n'
                  '<img role="doc-cover" src="{}" alt="{}" width="{}" height="{}" />\n</section>').format(
        image.href, alt, image.width, image.height)
    return xhtml_document("cover.xhtml", lang, f"{label(lang, 'cover')}: {title}", body, head=head)
