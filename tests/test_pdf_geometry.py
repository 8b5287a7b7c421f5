"""Page geometry: trim sizes from the front matter, and the size each photo is placed at."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyexport.formats.pdf.geometry import print_geometry, screen_geometry, trim_size
from storyexport.model import Photo, PrintSettings


def photo(width: int, height: int) -> Photo:
    return Photo("photos/p.jpg", Path("/nowhere/p.jpg"), width, height, "JPEG", "0" * 64)


@pytest.mark.parametrize("trim, size", [("A5", (148, 210)), ("a4", (210, 297)), ("letter", (215.9, 279.4)),
                                        ("6in 9in", (152.4, 228.6)), ("148mm 210mm", (148, 210)),
                                        ("14.8cm 21cm", (148, 210))])
def test_trim_sizes(trim, size):
    assert (trim_size(trim).width, trim_size(trim).height) == pytest.approx(size)


def test_the_screen_pdf_has_the_same_pages_without_bleed_or_marks():
    settings = PrintSettings(trim="A5", bleed_mm=3, marks=True)
    printed, screen = print_geometry(settings), screen_geometry(settings)
    assert printed.trim == screen.trim and printed.margins == screen.margins
    assert (printed.bleed, printed.marks, screen.bleed, screen.marks) == (3, True, 0, False)


def test_a_landscape_photo_fills_the_text_width_and_a_portrait_one_is_limited_by_height():
    geometry = print_geometry(PrintSettings())
    wide = geometry.figure_size(photo(3000, 2000))
    tall = geometry.figure_size(photo(900, 1200))
    assert wide.width == pytest.approx(geometry.text_block.width)
    assert tall.height == pytest.approx(geometry.text_block.height * 0.55, abs=0.01)
    assert tall.width / tall.height == pytest.approx(0.75, abs=0.001)


def test_the_cover_photo_covers_the_trim_and_the_bleed_and_300_ppi_needs_its_drawn_size():
    geometry = print_geometry(PrintSettings(bleed_mm=3))
    landscape = geometry.cover_size(photo(3900, 2600))
    assert (landscape.width, landscape.height) == pytest.approx((154, 102.67), abs=0.01)
    portrait = geometry.cover_size(photo(1000, 2000))  # taller than its frame: cropped, not squeezed
    frame = geometry.cover_box(photo(1000, 2000))
    assert portrait.width == pytest.approx(frame.width) and portrait.height > frame.height
    assert landscape.pixels(300) == (1819, 1213)
