"""Where everything lives in an output folder: the one place output file names are spelled.

    output/                 .cache/ (the content cache), .lock (one run at a time)
      <slug>/               <slug>.<lang>.epub|.pdf|.print.pdf|.pages.json|.mp3|.opus|.vtt|.timings.json
                            <slug>.<lang>.listening.json
                            html/index.html, html/<lang>/index.html, html/{audio,images,assets}/
                            report.json, report.html, manifest.json
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CACHE_FOLDER = ".cache"
LOCK = ".lock"
TEMP_FOLDER = ".storyexport-tmp"  # a run's temporary files (tempfile's folder while it runs)
LEDGER = ".storyexport-written"  # in each <slug>/: the files storyexport wrote there (store/ledger.py)
MANIFEST = "manifest.json"
REPORT_JSON, REPORT_HTML = "report.json", "report.html"
HTML_FOLDER = "html"  # the self-contained web folder; inside it:
PAGE_AUDIO_FOLDER = "audio"  # copies of the narration and captions the pages play
PAGE_IMAGES_FOLDER = "images"
PAGE_ASSETS_FOLDER = "assets"  # stylesheet and script


@dataclass(frozen=True)
class FileKind:
    """A kind of per-language output file, `<slug>.<lang><suffix>`; `format` is what the report calls it."""

    format: str
    suffix: str

    def name(self, slug: str, lang: str) -> str:
        return f"{slug}.{lang}{self.suffix}"

    def path(self, folder: Path, slug: str, lang: str) -> Path:
        return folder / self.name(slug, lang)


EPUB = FileKind("epub", ".epub")
TAGGED_PDF = FileKind("pdf", ".pdf")
PRINT_PDF = FileKind("print pdf", ".print.pdf")
MP3 = FileKind("mp3", ".mp3")
OPUS = FileKind("opus", ".opus")
CAPTIONS = FileKind("captions", ".vtt")
TIMINGS = FileKind("timings", ".timings.json")
LISTENING = FileKind("listening", ".listening.json")  # `storyexport listen`: what a recognizer heard
PRINT_PAGES = FileKind("print pages", ".pages.json")  # where the print PDF's pages begin (text/pagination.py)
PAGE_FORMAT = "html"  # what the report calls a web page


def page_path(primary_lang: str, lang: str) -> str:
    """A language's page under html/: the story's own language at the top, the others in <lang>/."""
    return "index.html" if lang == primary_lang else f"{lang}/index.html"
