"""Preflight: every image's effective resolution at the size the layout really gives it.

Measured on WeasyPrint's laid-out pages (an <img> box, or the background of an element carrying
`data-image`), so a photo that ends up larger than planned is caught too. Under 300 ppi a
printed photo looks soft: each such image is a warning on the console and in the report.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from .geometry import MM_PER_INCH

if TYPE_CHECKING:
    from .images import PlacedImage

log = logging.getLogger(__name__)
MINIMUM_PPI = 300
CSS_PX_PER_INCH = 96


def preflight(document, placed: dict[str, PlacedImage], minimum: int = MINIMUM_PPI) -> list[dict[str, Any]]:
    """One finding per image drawn, in page order: its ppi at the size it is drawn, ok or warn."""
    from .weasyprint_door import drawn_images, page_boxes

    findings = []
    for number, page_box in page_boxes(document):
        for url, (px_w, px_h), width, height in drawn_images(page_box):
            image = placed.get(url)
            if image is None:
                continue
            ppi = math.floor(min(px_w / (width / CSS_PX_PER_INCH), px_h / (height / CSS_PX_PER_INCH)))
            findings.append({"image": image.photo.src, "page": number, "ppi": ppi,
                             "status": "ok" if ppi >= minimum else "warn", "pixels": [px_w, px_h],
                             "placed_mm": [round(width / CSS_PX_PER_INCH * MM_PER_INCH, 1),
                                           round(height / CSS_PX_PER_INCH * MM_PER_INCH, 1)]})
    return findings


def warn_low_resolution(findings: list[dict[str, Any]], pdf_name: str, minimum: int = MINIMUM_PPI) -> None:
    """A console warning per image under `minimum` ppi, with the size of photo that would do."""
    for finding in findings:
        if finding["status"] == "warn":
            needed = math.ceil(finding["placed_mm"][0] / MM_PER_INCH * minimum)
            log.warning("%s: %s prints at %d ppi on page %d (%g × %g mm); print needs %d ppi: use a photo "
                        "at least %d pixels wide", pdf_name, finding["image"], finding["ppi"], finding["page"],
                        *finding["placed_mm"], minimum, needed)
