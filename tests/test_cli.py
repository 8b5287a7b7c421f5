"""The command line: help, version, exit statuses, and the installed console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storyexport import __version__
from storyexport.formats import FORMATS, ON_DEMAND, get_builder, registry

COMMANDS = ("all", "html", "epub", "pdf", "audio", "check")


def test_help_lists_every_command(run_cli):
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"\n  {command} " in result.output
    assert "Exit status" in result.output


def test_every_command_has_help_naming_its_options(run_cli):
    for command in COMMANDS:
        result = run_cli(command, "--help")
        assert result.exit_code == 0, command
        assert "[SOURCES]..." in result.output and "--strict" in result.output
    assert "--offline" in run_cli("all", "--help").output
    assert "--tts [auto|gtts|piper|kokoro|espeak]" in run_cli("all", "--help").output


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_check_the_sample_from_the_project_folder(monkeypatch, run_cli, paths):
    monkeypatch.chdir(paths.root)
    result = run_cli("check")  # SOURCE defaults to source/
    assert result.exit_code == 0, result.output
    assert "source/serving-hope/story.md: ok (en, es; 2 figures; 0 warnings)" in result.output


def test_missing_source_is_a_usage_error(tmp_path: Path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 2
    assert "usage error: source does not exist (run from the project folder, or name a story file or folder)" \
        in result.output
    assert run_cli("check", "nowhere/").exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("check", empty)
    assert result.exit_code == 2 and "no story in" in result.output


def test_unknown_language_is_a_usage_error(tmp_path: Path, run_cli, paths):
    result = run_cli("all", paths.stories / "minimal", "--lang", "fr", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "--lang fr: no story has that language (they have en)" in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_command_lists_the_commands(run_cli):
    result = run_cli("mobi")
    assert result.exit_code == 2
    assert "No such command 'mobi'" in result.output


def test_console_script_runs_without_traceback_and_exits_2_on_bad_source(paths):
    script = Path(sys.executable).parent / "storyexport"
    result = subprocess.run([str(script), "check", str(paths.stories / "missing-alt")], capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = next(l for l in result.stderr.splitlines() if "story.md:8:" in l)
    assert line.endswith("or mark it {.decorative} if it carries no information")  # one line, never wrapped


def test_registry_names_are_the_cli_targets_and_all_leaves_the_listening_check_out():
    assert list(registry()) == list(FORMATS) == ["audio", "html", "epub", "pdf"]  # what `all` builds
    for name in [*FORMATS, *ON_DEMAND]:
        builder = get_builder(name)
        assert builder.name == name and builder.description
    assert list(ON_DEMAND) == ["listen"]


def test_the_progress_display_has_a_line_per_story_and_task_and_the_catalogs_time_left():
    from rich.console import Console
    from rich.progress import Progress

    from storyexport.cli import _Display, _progress_columns

    now = [0.0]
    console = Console(width=120, record=True, color_system=None)
    bar = Progress(*_progress_columns(), console=console, get_time=lambda: now[0], auto_refresh=False)
    display = _Display(bar)

    def shown() -> str:
        console.print(bar.get_renderable())
        return console.export_text()

    display.started(3)
    display.step("garden", "narration es (espeak)", 4, 10)
    display.step("river", "pdf", 1, 4)
    lines = shown().splitlines()
    assert len(lines) == 3 and lines[0].startswith("3 stories") and "0/3" in lines[0]
    assert lines[1].startswith("garden · narration es (espeak)") and "4/10" in lines[1]
    assert lines[2].startswith("river · pdf") and "1/4" in lines[2]
    now[0] = 60.0
    display.finished("garden")  # its lines go; the catalog counts it and, at that pace, has 2 minutes left
    lines = shown().splitlines()
    assert len(lines) == 2 and "1/3" in lines[0] and "about 2:00 left" in lines[0]
    assert lines[1].startswith("river · pdf") and "1:00" in lines[1]
