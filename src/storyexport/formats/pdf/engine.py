"""WeasyPrint, imported in one place, with the Pillow setting its import changes put back.

Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES = True`, which
would let a truncated photo pass storyexport's image check (images.py) in the same process.
WeasyPrint only ever gets complete renditions from us, so Pillow's default is restored.
"""

from __future__ import annotations

from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ImageFile.LOAD_TRUNCATED_IMAGES = False

__all__ = ["HTML", "URLFetcher", "URLFetcherResponse"]
