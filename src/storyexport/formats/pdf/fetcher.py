"""The only way WeasyPrint may read anything: our own images, the story folder and our assets; nothing remote.

WeasyPrint's default fetcher follows any URL a document names: `file:///etc/passwd` in a CSS
`@import`, `../secret.txt` as a PDF attachment, `https://` anywhere. This one answers three kinds
of address and refuses everything else (WeasyPrint then logs the failure and leaves the resource out):

- `rendition:<name>`: an image prepared for this document, read from the cache when WeasyPrint
  asks for it (so its bytes are held once, by WeasyPrint, not twice);
- `file:` URLs whose real path (symlinks and `..` resolved) is inside the story folder;
- `file:` URLs inside storyexport's own `assets/` folder (fonts, the print colour profile).
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .weasyprint_door import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)
RENDITION_SCHEME = "rendition"


def assets_folder() -> Path:
    """storyexport's own assets (fonts, colour profile), wherever the package is installed."""
    return Path(str(files("storyexport") / "assets")).resolve()


class FetchRefused(ValueError):
    """A document asked for something it may not have."""


class SafeFetcher(URLFetcher):
    """Serves renditions and files under the allowed folders; refuses the rest."""

    def __init__(self, story_folder: Path):
        super().__init__(allowed_protocols={"file", RENDITION_SCHEME}, allow_redirects=False)
        self.roots = (story_folder.resolve(), assets_folder())
        self.renditions: dict[str, tuple[Callable[[], bytes], str]] = {}  # URL -> (its bytes' reader, media type)
        self.refused: list[str] = []  # what the document asked for and did not get (no local paths)

    def add(self, url: str, read: Callable[[], bytes], media_type: str) -> None:
        self.renditions[url] = (read, media_type)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            data, media_type = self._read(url)
        except FetchRefused as refusal:
            self.refused.append(_shown(url))
            log.warning("refused to read %s: %s", _shown(url), refusal)
            raise
        return URLFetcherResponse(url, data, {"Content-Type": media_type})

    def _read(self, url: str) -> tuple[bytes, str]:
        if url in self.renditions:
            read, media_type = self.renditions[url]
            return read(), media_type
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise FetchRefused("only the story's own files are read, nothing remote")
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused("a file on another machine")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise FetchRefused("outside the story folder")
        if not path.is_file():
            raise FetchRefused("no such file")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.read_bytes(), media_type


def _shown(url: str) -> str:
    """A URL for a log line, without the local path of the machine it runs on."""
    return url if not url.startswith("file:") else "file:…/" + url.rstrip("/").rsplit("/", 1)[-1]
