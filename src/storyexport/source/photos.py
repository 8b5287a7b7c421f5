"""Find and check a story's photos: inside the story folder, a real image, a sane size."""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from PIL import ExifTags, Image, UnidentifiedImageError

from ..model import Photo
from .files import SourceChanged, UnsafeFile, read_inside

MAX_PIXELS = 80_000_000  # 80 megapixels: a 300 ppi A3 spread is 35
MAX_BYTES = 80 * 1024 * 1024
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF")
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class PhotoProblem(Exception):
    """Why a photo cannot be used; the message is for the user."""


def read_story_file(folder: Path, src: str, limit: int, kind: str = "image",
                    thing: str = "photo") -> tuple[str, bytes]:
    """The path inside `folder` that `src` names and the file's bytes, read once without following
    any symlink (`kind` and `thing` name it in messages: "image"/"photo", "colour profile"/"profile")."""
    relative = story_path(src, kind, thing)
    try:
        return relative, read_inside(folder, relative, limit)
    except UnsafeFile as problem:
        if str(problem) == "not found":
            raise PhotoProblem(f"{kind} file {src!r} not found (looked in "
                               f"{_shown(folder / PurePosixPath(relative).parent, folder)})") from None
        raise PhotoProblem(f"{kind} {src!r} {problem}") from None


def story_path(src: str, kind: str = "image", thing: str = "photo") -> str:
    """The POSIX path inside the story folder that `src` names, refusing addresses, absolute paths and `..`."""
    if URL_SCHEME.match(src) and not re.match(r"^[A-Za-z]:[\\/]", src):
        raise PhotoProblem(f"{kind} {src!r} is a remote or special address; copy the {thing} into the "
                           "story folder and give its path relative to story.md")
    path_text = unquote(src)
    if path_text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path_text):
        raise PhotoProblem(f"{kind} path {src!r} is absolute; give the path relative to story.md, "
                           f"e.g. {'photos/name.jpg' if thing == 'photo' else 'print/name.icc'}")
    relative = PurePosixPath(path_text.replace("\\", "/"))
    if ".." in relative.parts:
        raise PhotoProblem(f"{kind} path {src!r} leaves the story folder; keep {thing}s inside it")
    if not relative.parts or relative.parts == (".",):
        raise PhotoProblem(f"{kind} {src!r} names no file")
    return relative.as_posix()


def _shown(path: Path, folder: Path) -> str:
    relative = os.path.relpath(path, folder)
    return "the story folder" if relative == "." else relative + "/"


def inspect_photo(folder: Path, src: str) -> Photo:
    """Read (once, no symlinks), measure and fully decode a photo, refusing bombs before they cost memory."""
    relative, data = read_story_file(folder, src, MAX_BYTES)
    width, height, image_format = _decode(src, data)
    return Photo(src=relative, file=folder / relative, width=width, height=height,
                 format=image_format, sha256=hashlib.sha256(data).hexdigest())


def photo_bytes(photo: Photo) -> bytes:
    """The photo's bytes for a format, read again the same safe way and checked to be exactly those
    `parse` measured: a photo swapped (or turned into a symlink) during a run is never published."""
    root = photo.file.parents[len(PurePosixPath(photo.src).parts) - 1]
    try:
        data = read_inside(root, photo.src, MAX_BYTES)
    except UnsafeFile as problem:
        raise SourceChanged(f"photo {photo.src} changed while storyexport was running: it {problem}") from None
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        raise SourceChanged(f"photo {photo.src} changed while storyexport was running; run storyexport again")
    return data


def _decode(src: str, data: bytes) -> tuple[int, int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoProblem(f"image {src!r} declares more than {MAX_PIXELS // 10**6} megapixels; "
                               "refused (resize it)") from None
        except UnidentifiedImageError:
            raise PhotoProblem(f"image {src!r} is not an image file (use JPEG, PNG or WebP)") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoProblem(f"image {src!r} is not a readable image ({_reason(exc)})") from None
        with image:
            width, height = image.size
            if _turned_sideways(image):  # renditions come out upright, so measure the upright photo
                width, height = height, width
            if image.format not in FORMATS:
                raise PhotoProblem(f"image {src!r} is {image.format}; use JPEG, PNG or WebP")
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise PhotoProblem(f"image {src!r} is {width}×{height} pixels, over the "
                                   f"{MAX_PIXELS // 10**6} megapixel limit; resize it")
            try:
                if image.format == "JPEG":
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
                raise PhotoProblem(f"image {src!r} is damaged ({_reason(exc)})") from None
            return width, height, image.format


def _turned_sideways(image: Image.Image) -> bool:
    """True when the EXIF orientation turns the stored pixels a quarter turn (values 5 to 8)."""
    try:
        return image.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8)
    except (OSError, SyntaxError, ValueError):
        return False


def _reason(exc: BaseException) -> str:
    return str(exc).split(" (")[0] or type(exc).__name__


class PhotoChecker:
    """Checks each photo once per story, however many languages show it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._seen: dict[str, Photo | PhotoProblem] = {}

    def photo(self, src: str) -> Photo:
        if src not in self._seen:
            try:
                self._seen[src] = inspect_photo(self.folder, src)
            except PhotoProblem as problem:
                self._seen[src] = problem
        result = self._seen[src]
        if isinstance(result, PhotoProblem):
            raise result
        return result
