"""The project configuration: one optional `storyexport.yaml` for what belongs to the publisher
rather than to one story, given to every story below it (a story's own front matter wins).

    project/
      storyexport.yaml          voices:                 # the narration voice per language
      voices/, print/             es: voices/es_MX-claude-high.onnx    # a Piper voice (+ .onnx.json)
      source/<slug>/story.md      en: voices/voices-v1.0.bin#af_heart  # a Kokoro voice style
                                print: {icc: print/printer.icc, condition: FOGRA39}
                                accessibility: {conformsTo: ..., certifiedBy: ...}

The file is looked for in the stories folder and in the folder that holds it, the nearest first;
`--config FILE` names another. Paths are relative to the file. Problems are reported as path:line;
an unknown key is a warning (later versions add keys). `--voice LANG=PATH` overrides a voice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem
from ..formats.audio.tts import VOICE_FILE_ENGINES, voice_file_engine
from ..model import AccessibilityDeclaration, ColourProfile, voice_file_parts
from ..text.languages import language_problem
from .discover import PROJECT_FILE
from .frontmatter import PROJECT_KEYS, read_project_settings
from .yamlnodes import YamlReader, compose

KEYS = ("voices", *PROJECT_KEYS)
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Project:
    """What the publisher configured; empty when there is no configuration file."""

    file: Path | None = None
    voices: tuple[tuple[str, Path], ...] = ()  # (language tag, voice file), as written
    profile: ColourProfile | None = None  # the printer's colour profile (`print.icc`)
    condition: str = ""  # its printing condition (`print.condition`)
    accessibility: AccessibilityDeclaration = field(default_factory=AccessibilityDeclaration)


def find_project_file(story_file: Path) -> Path | None:
    """The nearest storyexport.yaml above a story: in the stories folder (source/ for
    source/<slug>/story.md; a lone story file's own folder), else in the folder that holds it."""
    return next((candidate for candidate in project_file_places(story_file) if candidate.is_file()), None)


def project_file_places(story_file: Path) -> tuple[Path, ...]:
    """Where a story's project file may be, the nearest first."""
    stories_folder = story_file.parent.parent if story_file.name == "story.md" else story_file.parent
    return stories_folder / PROJECT_FILE, stories_folder.parent / PROJECT_FILE


def nearer_project_file_places(story_file: Path, found: Path | None) -> tuple[Path, ...]:
    """The places nearer the story than the project file it took (all of them if it took none):
    a project file put there would change the story's settings."""
    places = project_file_places(story_file)
    return places[:places.index(found)] if found in places else places


def load_project(path: Path | None) -> tuple[Project, list[Problem]]:
    """The configuration at `path` (an empty one for None), and its problems."""
    if path is None:
        return Project(), []
    if path.stat().st_size > MAX_BYTES:
        return Project(path), [Problem(path, 1, f"{path.name} is over 1 MB; it holds a few settings")]
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Project(path), [Problem(path, 1, f"{path.name} cannot be read as UTF-8 text ({exc})")]
    root, problem = compose(path, text, 1, path.name)
    if problem:
        return Project(path), [problem]
    if root is None:
        return Project(path), []
    reader = YamlReader(path, 1, what="project")
    fields = reader.mapping(root, "", KEYS)
    voices = _voices(reader, fields["voices"], path.parent) if "voices" in fields else ()
    settings = read_project_settings(reader, fields)
    profile = None
    if settings.print_profile:
        from .profiles import ProfileProblem, colour_profile  # Pillow: only when there is a profile to read

        try:
            profile = colour_profile(path.parent, settings.print_profile)
        except ProfileProblem as exc:
            reader.problems.append(Problem(path, settings.lines.get("print.icc", 1), f"print.icc: {exc}"))
    return Project(path, voices, profile, settings.print.condition, settings.accessibility), reader.problems


def _voices(reader: YamlReader, node: yaml.Node, folder: Path) -> tuple[tuple[str, Path], ...]:
    voices: list[tuple[str, Path]] = []
    for lang, value in reader.mapping(node, "voices", ()).items():
        written = reader.text(value, f"voices.{lang}")
        if written is None:
            continue
        if problem := language_problem(lang):
            reader.error(value, f"voices: {problem}")
            continue
        if problem := voice_file_problem(folder / written):
            reader.error(value, f"voices.{lang}: {problem}")
            continue
        voices.append((lang, folder / written))
    return tuple(voices)


def voice_file_problem(path: Path) -> str | None:
    """Why `path` cannot be a narration voice, or None when it can (docs/narration.md, Voices)."""
    file, member = voice_file_parts(path)
    engine = voice_file_engine(path)
    if engine is None:
        known = ", ".join(VOICE_FILE_ENGINES)
        return f"{path.name}: not a voice file storyexport knows ({known}); see docs/narration.md"
    if not file.is_file():
        return f"{file} does not exist"
    if engine == "piper" and not file.with_name(file.name + ".json").is_file():
        return f"a Piper voice needs its configuration beside it: {file.name}.json"
    if file.suffix in (".npz", ".bin") and not member:
        return f"{file.name} holds several Kokoro voices: name one, e.g. {file.name}#ef_dora"
    return None
