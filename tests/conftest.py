"""Shared test helpers: where the fixture stories are, and running the command line in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyexport.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "stories"
SAMPLE = ROOT / "source" / "serving-hope" / "story.md"


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
