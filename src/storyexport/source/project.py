"""The project configuration: `storyexport.yaml` beside the stories folder, for what belongs to the
publisher rather than to one story.

    project/
      storyexport.yaml      print: {icc: print/printer.icc, condition: FOGRA39}
      print/printer.icc     accessibility: {conformsTo: ..., certifiedBy: ...}
      source/<slug>/story.md

It gives the print team's colour profile and printing condition and the publisher's accessibility
declaration to every story below it; a story's own front matter wins. The file is looked for in
the stories folder (the story folder's parent) and in the folder that holds it, the nearest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from ..model import AccessibilityDeclaration, ColourProfile
from .frontmatter import parse_project_settings
from .profiles import ProfileProblem, colour_profile

PROJECT_FILE = "storyexport.yaml"
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ProjectSettings:
    file: Path | None  # the project file found, or None
    profile: ColourProfile | None = None
    condition: str = ""
    accessibility: AccessibilityDeclaration = field(default_factory=AccessibilityDeclaration)


def find_project_file(story_file: Path) -> Path | None:
    """The nearest storyexport.yaml above a story's folder: in the stories folder, else beside it."""
    return next((candidate for candidate in project_file_places(story_file) if candidate.is_file()), None)


def project_file_places(story_file: Path) -> tuple[Path, ...]:
    """Where a story's project file may be, the nearest first."""
    story_folder = story_file.parent
    return story_folder.parent / PROJECT_FILE, story_folder.parent.parent / PROJECT_FILE


def nearer_project_file_places(story_file: Path, found: Path | None) -> tuple[Path, ...]:
    """The places nearer the story than the project file it took (all of them if it took none):
    a project file put there would change the story's settings."""
    places = project_file_places(story_file)
    return places[:places.index(found)] if found in places else places


def project_settings(story_file: Path) -> tuple[ProjectSettings, list[Problem]]:
    """The settings of the project file that applies to `story_file`, and the problems found in it."""
    path = find_project_file(story_file)
    if path is None:
        return ProjectSettings(None), []
    if path.stat().st_size > MAX_BYTES:
        return ProjectSettings(path), [Problem(path, 1, f"{PROJECT_FILE} is over 1 MB; it holds a few settings")]
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ProjectSettings(path), [Problem(path, 1, f"{PROJECT_FILE} cannot be read as UTF-8 text ({exc})")]
    meta, problems = parse_project_settings(path, text)
    profile = None
    if meta.print_profile:
        try:
            profile = colour_profile(path.parent, meta.print_profile)
        except ProfileProblem as problem:
            problems.append(Problem(path, meta.lines.get("print.icc", 1), f"print.icc: {problem}"))
    return ProjectSettings(path, profile, meta.print.condition, meta.accessibility), problems
