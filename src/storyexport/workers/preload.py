"""Imported once by the fork server that starts the worker processes: the libraries tasks use.

Each worker is forked from that server with them already loaded (and shared, until written to),
instead of importing WeasyPrint, ebooklib, numpy and the rest itself. A library that cannot load
here (WeasyPrint without Pango) is left out: the task that needs it says why, as it would anyway.
"""

from __future__ import annotations

import importlib

PRELOADED = (
    "storyexport.workers.task",
    "storyexport.formats.audio.synthesis",  # numpy
    "storyexport.formats.audio.recording",
    "storyexport.formats.audio.encode",
    "av", "lameenc", "soxr", "mutagen.id3",
    "storyexport.formats.renditions",  # Pillow
    "storyexport.formats.html.page",  # Jinja2
    "storyexport.formats.epub.book",  # ebooklib, lxml
    "storyexport.formats.pdf.writer",  # WeasyPrint
    "storyexport.report.build",
)

for _name in PRELOADED:
    try:
        importlib.import_module(_name)
    except (ImportError, OSError):
        pass
