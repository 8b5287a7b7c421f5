"""axe-core in Debian's headless Chromium, for every test that judges a page (web pages, report.html)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """The WCAG 2.2 A/AA violations axe-core finds in the page as it is now displayed."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [{"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]
