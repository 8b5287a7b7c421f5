"""What a task on another machine reads, sent as bytes: a story with its photos, the files of an output folder."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Photo, Story


PROFILE = ".print-profile.icc"  # where a parcel puts the print colour profile (it may come from outside the story)


@dataclass(frozen=True)
class StoryParcel:
    """A story and the bytes of every file a worker reads of it, by their paths in the story folder."""

    story: Story
    files: dict[str, bytes]  # by path in the story folder


def pack(story: Story) -> StoryParcel:
    """The story as it travels, with every file a worker reads: its source, its photos (where their
    `src` says) and its print colour profile; a worker needs no shared file system. The project
    file stays: its settings are in the story already."""
    from ..source.files import read_regular_file
    from ..source.photos import photo_bytes  # the very bytes parse checked, or SourceChanged
    from ..source.sourcefile import MAX_SOURCE_BYTES

    files = {story.source.name: read_regular_file(story.source, MAX_SOURCE_BYTES)}
    files.update((photo.src, photo_bytes(photo)) for photo in story.photos())
    if story.print.profile:
        files[PROFILE] = story.print.profile.file.read_bytes()
    return StoryParcel(story, files)


def unpack(parcel: StoryParcel, place: Path) -> Story:
    """The parcel's story with its files written in a folder under `place` (which it may own
    alone: remove `place` to remove them), and every path pointing there; the story's folder keeps
    its name (the report shows it)."""
    folder = place / parcel.story.folder.name
    for src, data in parcel.files.items():
        (folder / src).parent.mkdir(parents=True, exist_ok=True)
        (folder / src).write_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)
    story = relocated(parcel.story, folder)
    if not story.print.profile:
        return story
    profile = dataclasses.replace(story.print.profile, file=folder / PROFILE)
    return dataclasses.replace(story, print=dataclasses.replace(story.print, profile=profile))


def relocated(story: Story, folder: Path) -> Story:
    """The same story read from `folder`: its source, folder and photos' files there, nothing else changed."""
    moved = _moved(story, folder)
    return dataclasses.replace(moved, folder=folder, source=folder / story.source.name)


def _moved(value: Any, folder: Path) -> Any:
    if isinstance(value, Photo):
        return dataclasses.replace(value, file=folder / value.src)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _moved(getattr(value, f.name), folder) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_moved(item, folder) for item in value)
    return value


@dataclass(frozen=True)
class OutputFiles:
    """Files of a story's output folder that a task reads: in place on this machine, or (`data`)
    carried as bytes to another, where the worker writes them into a folder of its own."""

    folder: Path
    names: tuple[str, ...]  # relative to the folder
    data: dict[str, bytes] | None = None

    def packed(self) -> OutputFiles:
        return dataclasses.replace(self, data={name: (self.folder / name).read_bytes() for name in self.names})

    def unpacked(self, place: Path) -> OutputFiles:
        """The files written in a folder under `place` (remove `place` to remove them), named as
        the original (reports show its name)."""
        folder = place / self.folder.name
        for name, data in (self.data or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        return OutputFiles(folder, self.names)
