"""The report's listening section: what `storyexport listen` found for the narration now in the
folder (findings made for another narration are left out, so they never mislead)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..model import Story
from ..store.layout import LISTENING, TIMINGS
from ..store.manifest import sha256_file
from ..text.listening import load_listening


def listening_section(story: Story, folder: Path) -> dict[str, Any]:
    """Per language: the word error rate and every sentence heard otherwise than written."""
    section = {}
    for lang in story.languages:
        listening = load_listening(LISTENING.path(folder, story.slug, lang))
        timings = TIMINGS.path(folder, story.slug, lang)
        if listening is None or not timings.is_file():
            continue
        if sha256_file(timings) != listening.timings_sha256:
            continue  # made for an earlier narration
        section[lang] = {"word_error_rate": round(listening.word_error_rate, 4), **asdict(listening)}
    return section
