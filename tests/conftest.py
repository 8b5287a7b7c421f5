"""Shared test helpers: where the fixture stories are, and running the command line in-process."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyexport.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "stories"
SAMPLE = ROOT / "source" / "serving-hope" / "story.md"


_NARRATION_CACHE = Path(tempfile.mkdtemp(prefix="storyexport-test-narration-"))
atexit.register(shutil.rmtree, _NARRATION_CACHE, True)


def narrate(story, folder: Path, languages: tuple[str, ...] = ()):
    """The real audio builder, with eSpeak NG (the fast offline engine), into `folder`.

    One sentence cache for the whole session: a story narrated twice costs one synthesis.
    """
    from storyexport.formats import BuildContext, Options
    from storyexport.formats.audio.builder import AudioBuilder
    from storyexport.store.cache import Cache

    options = Options(languages=languages, tts="espeak", offline=True)
    return AudioBuilder().build(story, BuildContext(folder, Cache(_NARRATION_CACHE), options))


@pytest.fixture(autouse=True)
def _restore_logging():
    """The CLI configures logging for the process; undo it after each test that runs the CLI in-process."""
    root, ours = logging.getLogger(), logging.getLogger("storyexport")
    saved = (list(root.handlers), root.level, ours.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    ours.setLevel(saved[2])


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (no browser download), once per session."""
    from browser_support import CHROMIUM, FLAGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def run_cli(*args: str):
    """Run `storyexport ARGS` in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def story_copy(tmp_path: Path):
    """Copy a fixture story folder into a temporary folder (to edit it or add symlinks)."""
    def copy(case: str) -> Path:
        target = tmp_path / "source" / case
        shutil.copytree(FIXTURES / case, target, symlinks=True)
        return target / "story.md"
    return copy
