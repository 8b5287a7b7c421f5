"""The project configuration: one optional `storyexport.yaml` in the folder that holds the stories
folder (beside `source/`), for what belongs to the publisher rather than to a story.

    voices:                     # the narration voice per language (docs/narration.md, Voices)
      es: voices/es_MX-claude-high.onnx          # a Piper voice (.onnx beside its .onnx.json)
      en: voices/voices-v1.0.bin#af_heart        # a Kokoro voice style (.npy, or an archive#name)

Paths are relative to the file. Problems are reported as path:line; an unknown key is a warning
(later versions add keys). The command line's --voice LANG=PATH overrides an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem
from ..formats.audio.tts import VOICE_FILE_ENGINES, voice_file_engine
from ..text.languages import language_problem, primary_subtag
from .yamlnodes import YamlReader, compose

PROJECT_FILE = "storyexport.yaml"
KEYS = ("voices",)


@dataclass(frozen=True)
class Project:
    """What the publisher configured; empty when there is no configuration file."""

    file: Path | None = None
    voices: dict[str, Path] = field(default_factory=dict)  # language tag -> voice file

    def voice_for(self, lang: str) -> Path | None:
        """The voice configured for `lang`: for its own tag (es-419), else for its language (es)."""
        by_tag = {tag.lower(): path for tag, path in self.voices.items()}
        return by_tag.get(lang.lower()) or by_tag.get(primary_subtag(lang))


def project_file_for(story_file: Path) -> Path:
    """Where a story's project configuration would be: beside the folder that holds the story folders
    (for source/<slug>/story.md, ./storyexport.yaml); for a lone story file, beside it."""
    folder = story_file.parent.parent.parent if story_file.name == "story.md" else story_file.parent
    return folder / PROJECT_FILE


def load_project(path: Path) -> tuple[Project, list[Problem]]:
    """The configuration at `path` (an empty one when there is no file), and its problems."""
    if not path.is_file():
        return Project(), []
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Project(path), [Problem(path, 1, f"cannot read the configuration: {exc}")]
    root, problem = compose(path, text, 1, "the configuration")
    if problem:
        return Project(path), [problem]
    if root is None:
        return Project(path), []
    reader = YamlReader(path, 1, what="configuration")
    fields = reader.mapping(root, "", KEYS)
    voices = _voices(reader, fields["voices"], path.parent) if "voices" in fields else {}
    return Project(path, voices), reader.problems


def _voices(reader: YamlReader, node: yaml.Node, folder: Path) -> dict[str, Path]:
    voices: dict[str, Path] = {}
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
        voices[lang] = folder / written
    return voices


def voice_file_problem(path: Path) -> str | None:
    """Why `path` cannot be a narration voice, or None when it can (docs/narration.md, Voices)."""
    file = path.with_name(path.name.split("#")[0])
    engine = voice_file_engine(path)
    if engine is None:
        known = ", ".join(VOICE_FILE_ENGINES)
        return f"{path.name}: not a voice file storyexport knows ({known}); see docs/narration.md"
    if not file.is_file():
        return f"{file} does not exist"
    if engine == "piper" and not file.with_name(file.name + ".json").is_file():
        return f"a Piper voice needs its configuration beside it: {file.name}.json"
    if file.suffix in (".npz", ".bin") and "#" not in path.name:
        return f"{file.name} holds several Kokoro voices: name one, e.g. {file.name}#ef_dora"
    return None
