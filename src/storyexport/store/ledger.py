"""The ledger: which files storyexport wrote in a story's output folder, the only ones a run may delete.

A builder that tidies a folder (the web page's `html/`, whose images change with the text)
notes each file in the ledger before writing it, so even an interrupted run leaves a complete
record, and deletes only recorded files it no longer writes. A file someone else put there —
or a story's own files, had the output folder been the story folder — is never touched.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

from .layout import LEDGER
from .output import write_text

log = logging.getLogger(__name__)


class Ledger:
    """The record kept in `<folder>/.storyexport-written`: one path (relative to the folder) a line."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LEDGER
        self._noted: set[str] | None = None  # what the file holds, once read

    def names(self) -> set[str]:
        """The recorded paths that could be ours: relative, inside the folder (a damaged line is ignored)."""
        try:
            lines = self.path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return set()
        return {line for line in lines if line and not line.startswith("/")
                and ".." not in PurePosixPath(line).parts}

    def note(self, path: Path) -> None:
        """Record `path` as written by storyexport; call it before writing the file."""
        if self._noted is None:
            self._noted = self.names()
        name = path.relative_to(self.folder).as_posix()
        if name not in self._noted:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as stream:
                stream.write(name + "\n")
            self._noted.add(name)

    def remove_unused(self, under: Path, kept: set[Path]) -> None:
        """Delete the recorded files under `under` that are not in `kept` (and folders they leave empty)."""
        names = self.names()
        root = self.folder.resolve()
        for name in sorted(names):
            path = self.folder / name
            if not path.is_relative_to(under) or path in kept:
                continue
            names.discard(name)
            if path.is_file() and path.parent.resolve().is_relative_to(root):
                log.debug("removing %s, which this build no longer writes", name)
                path.unlink()
                self._remove_empty_folders(path.parent, under)
        write_text(self.path, "".join(f"{name}\n" for name in sorted(names)), durable=False)
        self._noted = names

    @staticmethod
    def _remove_empty_folders(folder: Path, under: Path) -> None:
        while folder != under and folder.is_relative_to(under) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
