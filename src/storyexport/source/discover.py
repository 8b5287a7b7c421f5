"""Which story files a command line's SOURCE arguments name."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError

DEFAULT_SOURCE = Path("source")
STORY_FILE = "story.md"
PROJECT_FILE = "storyexport.yaml"  # the project configuration (source/project.py), in or beside the stories folder


def find_stories(sources: list[Path]) -> list[Path]:
    """Story files, in order: a file is itself; a folder is its story.md or its */story.md."""
    found: list[Path] = []
    for source in sources or [DEFAULT_SOURCE]:
        if source.is_file():
            found.append(source)
        elif (source / STORY_FILE).is_file():
            found.append(source / STORY_FILE)
        elif source.is_dir():
            stories = sorted(source.glob(f"*/{STORY_FILE}"))
            if not stories:
                raise UsageError(f"no story in {source}/: expected {source}/<slug>/{STORY_FILE}")
            found.extend(stories)
        else:
            hint = " (run from the project folder, or name a story file or folder)" if not sources else ""
            raise UsageError(f"{source} does not exist{hint}")
    # absolute but not resolved: a symlinked story file or folder must not be taken for its
    # target (it is refused when read, source/sourcefile.py)
    unique = list(dict.fromkeys(os.path.abspath(p) for p in found))
    return [Path(p) for p in unique]
