"""Checks of a web page: its language, and that it loads nothing from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from .checks import Check, failed, passed

REMOTE_ASSET = re.compile(r"<(?:img|script|link|source|audio|video|track|iframe)\b[^>]*\s(?:src|href|srcset)="
                          r"[\"']?(?:https?:)?//", re.IGNORECASE)
HTML_LANG = re.compile(r"<html\b[^>]*\slang=\"([^\"]+)\"", re.IGNORECASE)


def check_page(path: Path) -> list[Check]:
    text = path.read_text("utf-8")
    lang = HTML_LANG.search(text)
    checks = [passed("html.language", f"page language {lang[1]}") if lang
              else failed("html.language", "the page has no lang attribute")]
    if REMOTE_ASSET.search(text):
        checks.append(failed("html.local-assets", "the page loads something from another site"))
    else:
        checks.append(passed("html.local-assets", "everything the page loads is in the html/ folder; "
                             "it works offline and with JavaScript off"))
    return checks
