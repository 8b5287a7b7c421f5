"""Errors that are part of the interface: each carries a category and an exit status."""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class ExitCode(enum.IntEnum):
    """The exit statuses of the command line (PRODUCT.md)."""

    OK = 0
    BUILD_FAILED = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file, with the line it is on."""

    path: Path
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{display_path(self.path)}:{self.line}: {prefix}{self.message}"


class StoryExportError(Exception):
    """Base of every error the user should see as a message, not a traceback."""

    category = "error"
    exit_code = ExitCode.BUILD_FAILED


class UsageError(StoryExportError):
    """The command line asks for something that cannot be done (bad option, no stories)."""

    category = "usage error"
    exit_code = ExitCode.BAD_INPUT


class SourceError(StoryExportError):
    """A story source has errors; every problem found is attached, in file order."""

    category = "source error"
    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line))
        errors = sum(p.is_error for p in self.problems)
        if errors:
            super().__init__(f"{errors} error{'s' * (errors != 1)} in the source")
        else:  # only warnings: --strict made them stop the run
            count = len(self.problems)
            super().__init__(f"{count} warning{'s' * (count != 1)} in the source, and --strict is on")


class BuildError(StoryExportError):
    """One output format could not be built; the others still are.

    `outputs` are the files the format did write before failing (one language of several), so
    that the run still lists and reports them.
    """

    category = "build error"

    def __init__(self, message: str, outputs: Sequence[object] = ()):
        super().__init__(message)
        self.outputs = list(outputs)


class OutputError(StoryExportError):
    """An output could not be written (read-only folder, full disk, locked by another run)."""

    category = "output error"


class EngineUnavailable(StoryExportError):
    """No narration engine can speak a language; the message lists every reason."""

    category = "narration error"
