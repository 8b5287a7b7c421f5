"""Read a story file: bytes to text, and text split into front matter and body, lines kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .files import UnsafeFile, read_regular_file

MAX_SOURCE_BYTES = 20 * 1024 * 1024  # a long book is 2 MB; more is a mistake, not a story
FENCE = re.compile(r"^---\s*$")
FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass(frozen=True)
class SourceText:
    """A story file's text: YAML front matter and the Markdown body, both with their first line."""

    path: Path
    front_matter: str
    front_matter_line: int  # the line of the first YAML line (after the opening ---)
    body: str  # the whole file with the front matter blanked out, so body lines are file lines


def read_source(path: Path) -> tuple[SourceText | None, list[Problem]]:
    """Read and split a story file; on failure return the problems instead."""
    if path.parent.is_symlink():  # its photos would be read from wherever the link leads
        return None, [Problem(path, 1, f"the story folder {path.parent.name}/ is a symlink; a story's folder "
                              "must be a real folder (copy or move the story there)")]
    try:
        data = read_regular_file(path, MAX_SOURCE_BYTES)
    except UnsafeFile as problem:
        return None, [Problem(path, 1, f"the story file {problem}")]
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    return split_front_matter(path, text)


def decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (a BOM is dropped), or a problem naming the line of the first bad byte."""
    if not data.strip():
        return None, [Problem(path, 1, "the file is empty: a story starts with front matter "
                              "between --- lines (see docs/source-format.md)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at "
                              f"offset {exc.start}); save it as UTF-8")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(path, line, "the file contains a NUL character: is it a text file?")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(path: Path, text: str) -> tuple[SourceText | None, list[Problem]]:
    lines = text.split("\n")
    if not FENCE.match(lines[0]):
        return None, [Problem(path, 1, "no front matter: the file must start with a line '---', "
                              "then YAML with at least title and lang, then '---'")]
    for end in range(1, len(lines)):
        if FRONT_MATTER_END.match(lines[end]):
            break
    else:
        return None, [Problem(path, 1, "the front matter opened here is never closed: "
                              "add a line '---' after the YAML")]
    body = "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    return SourceText(path, "\n".join(lines[1:end]), 2, body), []
