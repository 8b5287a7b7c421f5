"""Page geometry in millimetres: trim, bleed, margins, and where each photo is placed at what size.

The stylesheet draws with these numbers and the image preparation reads them, so a photo is
resampled for exactly the size it is printed at (the preflight then measures the real layout).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ...model import Photo, PrintSettings
from ...source.frontmatter import MM_PER_UNIT

MM_PER_INCH = 25.4
PAGE_SIZES_MM = {"a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "a6": (105, 148),
                 "b4": (250, 353), "b5": (176, 250), "letter": (215.9, 279.4), "legal": (215.9, 355.6),
                 "ledger": (279.4, 431.8)}
FIGURE_MAX_HEIGHT = 0.55  # of the text block's height
COVER_PHOTO_MAX_HEIGHT = 0.6  # of the trimmed page's height


@dataclass(frozen=True)
class Size:
    width: float  # mm
    height: float  # mm

    def pixels(self, ppi: float) -> tuple[int, int]:
        """The pixels this size needs at `ppi` (rounded up: never below it)."""
        return (math.ceil(self.width / MM_PER_INCH * ppi), math.ceil(self.height / MM_PER_INCH * ppi))


@dataclass(frozen=True)
class PageGeometry:
    trim: Size
    bleed: float  # mm beyond the trim on every side; 0 for the screen PDF
    marks: bool

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """Top, outside, bottom, inside margins (mm), in proportion to the trim."""
        w, h = self.trim.width, self.trim.height
        return (round(0.085 * h, 1), round(0.10 * w, 1), round(0.095 * h, 1), round(0.12 * w, 1))

    @property
    def text_block(self) -> Size:
        top, outside, bottom, inside = self.margins
        return Size(self.trim.width - outside - inside, self.trim.height - top - bottom)

    @property
    def font_size(self) -> float:
        """Body text size in points: 10 pt on small formats (A5, 6×9 in), 11 pt on larger ones."""
        return 10.0 if self.trim.width <= 160 else 11.0

    def figure_size(self, photo: Photo) -> Size:
        """A figure's photo: the text block's width, unless that would make it too tall."""
        ratio = photo.width / photo.height
        width = min(self.text_block.width, self.text_block.height * FIGURE_MAX_HEIGHT * ratio)
        return Size(round(width, 2), round(width / ratio, 2))

    def cover_box(self, photo: Photo) -> Size:
        """The cover photo's frame: full width plus the bleed on three sides, its own height if it fits."""
        width = self.trim.width + 2 * self.bleed
        height = min(width * photo.height / photo.width, self.trim.height * COVER_PHOTO_MAX_HEIGHT + self.bleed)
        return Size(round(width, 2), round(height, 2))

    def cover_size(self, photo: Photo) -> Size:
        """The size the cover photo is drawn at: it covers its frame (cropped, never distorted)."""
        frame = self.cover_box(photo)
        scale = max(frame.width / photo.width, frame.height / photo.height)
        return Size(photo.width * scale, photo.height * scale)


def trim_size(trim: str) -> Size:
    """A5, letter, '6in 9in', '148mm 210mm' (as the front matter allows) in mm, portrait."""
    named = PAGE_SIZES_MM.get(trim.strip().lower())
    if named:
        return Size(*named)
    lengths = [float(number) * MM_PER_UNIT[unit]
               for number, unit in re.findall(r"(\d+(?:\.\d+)?)(mm|cm|in|pt)", trim.lower())]
    if len(lengths) != 2:
        raise ValueError(f"not a page size: {trim!r}")
    return Size(round(lengths[0], 2), round(lengths[1], 2))


def print_geometry(settings: PrintSettings) -> PageGeometry:
    return PageGeometry(trim_size(settings.trim), settings.bleed_mm, settings.marks)


def screen_geometry(settings: PrintSettings) -> PageGeometry:
    """The accessible PDF: the same pages, without bleed or marks."""
    return PageGeometry(trim_size(settings.trim), 0.0, False)
