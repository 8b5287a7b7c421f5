"""Checks of a web page: its language, that it loads nothing from elsewhere, its heading outline,
one description per photo, and front-matter text in another language marked as such."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Localized
from .checks import Check, failed, passed

REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
LOADED = ("img", "script", "source", "audio", "video", "track", "iframe", "embed", "object")
NOT_LOADED = {"canonical", "alternate", "author", "license", "help", "next", "prev"}  # links a page names, not loads
HTML_LANG = re.compile(r"<html\b[^>]*\slang=\"([^\"]+)\"", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def check_page(path: Path, untranslated: tuple[Localized, ...] = ()) -> list[Check]:
    import lxml.html

    text = path.read_text("utf-8")
    lang = HTML_LANG.search(text)
    checks = [passed("html.language", f"page language {lang[1]}") if lang
              else failed("html.language", "the page has no lang attribute")]
    page = lxml.html.fromstring(text)
    if remote := _remote_assets(page):
        checks.append(failed("html.local-assets", f"the page loads {remote[0]} from another site"))
    else:
        checks.append(passed("html.local-assets", "everything the page loads is in the html/ folder; "
                             "it works offline and with JavaScript off"))
    return checks + [_outline(page), _descriptions(page), _languages(page, lang[1] if lang else "", untranslated)]


def _remote_assets(page) -> list[str]:
    """What the page would fetch from elsewhere: sources of media and scripts, stylesheets, icons (a
    canonical or alternate address is named, not fetched)."""
    found = [value for element in page.iter(*LOADED) for name in ("src", "srcset", "data")
             if REMOTE.match(value := element.get(name) or "")]
    found += [link.get("href") for link in page.iter("link")
              if REMOTE.match(link.get("href") or "") and not set((link.get("rel") or "").lower().split()) <= NOT_LOADED]
    return found


def _outline(page) -> Check:
    """The title is the first heading and nothing but the story's own sections follows it: a heading
    in the story's header (such as the player's) would put the whole story under it."""
    headings = [e for e in page.iter(*HEADINGS)]
    in_header = [e for e in page.xpath("//article/header//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")]
    if not headings or headings[0].tag != "h1" or in_header:
        found = ", ".join(f"<{e.tag}> {e.text_content().strip()[:40]!r}" for e in (in_header or headings[:1]))
        return failed("html.outline", f"a heading above the story's text other than its title ({found}): screen "
                      "readers put the story under it; report this bug")
    return passed("html.outline", f"the title is the only heading above the story; {len(headings)} headings in all")


def _descriptions(page) -> Check:
    both = [img for img in page.iter("img") if img.get("aria-details") and img.get("aria-describedby")]
    if both:
        return failed("html.descriptions", f"{len(both)} photos point to their long description twice "
                      "(aria-details and aria-describedby): screen readers announce it twice; report this bug")
    described = sum(bool(img.get("aria-details")) for img in page.iter("img"))
    return passed("html.descriptions", f"{described} photos with a long description, each linked once (aria-details)"
                  if described else "no long descriptions")


def _languages(page, lang: str, untranslated: tuple[Localized, ...]) -> Check:
    """Front-matter text left in the original's language sits in an element that says so."""
    unmarked = sorted({value.text for value in untranslated if not _marked(page, value)})
    if unmarked:
        return failed("html.languages", f"text in another language than the page's ({lang}) is not marked: "
                      f"{'; '.join(unmarked)}")
    if not untranslated:
        return passed("html.languages", "no front-matter text in another language")
    return passed("html.languages", "front-matter text in another language is marked with it (lang)")


def _marked(page, value: Localized) -> bool:
    shown = [e for e in page.iter() if isinstance(e.tag, str) and (e.text or "").strip() == value.text]
    return not shown or all(e.xpath("ancestor-or-self::*[@lang][1]/@lang") == [value.lang] for e in shown)
