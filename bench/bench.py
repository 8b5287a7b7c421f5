"""Time storyexport on this machine: cold and no-op `all`, each format alone, peak memory, and pandoc.

    .venv/bin/python bench/bench.py [--skip-long] [--runs N]

Stories: the sample (source/serving-hope, offline engines: Piper for English, Kokoro for
Spanish) and a generated long story (about 20,000 words, 40 photos; narrated with eSpeak NG,
since a neural voice would take over an hour for two hours of audio). Every run is a fresh
process with a fresh output folder and cache ("cold") or the same folder again ("no-op").
Peak memory is the largest resident set of the run's processes. pandoc (EPUB + standalone
HTML of the same story) is the outside reference, when it is installed. Prints a table.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORYEXPORT = [sys.executable, "-m", "storyexport"]
MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
           "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def measure(command: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB, exit status) of a command run in a fresh measuring process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, kilobytes, code = out.stdout.split()
    return float(seconds), int(kilobytes) / 1024, int(code)


def storyexport(target: str, source: Path, output: Path, extra: list[str]) -> list[str]:
    return [*STORYEXPORT, target, str(source), "-o", str(output), "-q", "--offline", *extra]


def bench_story(label: str, source: Path, extra: list[str], work: Path) -> list[tuple[str, ...]]:
    rows = []
    output = work / f"{label}-all"
    for name, command in (("all, cold", storyexport("all", source, output, extra)),
                          ("all, no-op", storyexport("all", source, output, extra))):
        seconds, peak, code = measure(command)
        rows.append((label, name, f"{seconds:.2f}", f"{peak:.0f}", str(code)))
    for target in ("audio", "html", "epub", "pdf"):
        seconds, peak, code = measure(storyexport(target, source, work / f"{label}-{target}", extra))
        rows.append((label, f"{target} alone, cold", f"{seconds:.2f}", f"{peak:.0f}", str(code)))
    if shutil.which("pandoc"):
        start = time.perf_counter()
        for suffix, options in ((".epub", []), (".html", ["--standalone"])):
            subprocess.run(["pandoc", str(source), "-o", str(work / f"{label}-pandoc{suffix}"), *options],
                           cwd=source.parent, capture_output=True, check=False)
        rows.append((label, "pandoc EPUB + HTML", f"{time.perf_counter() - start:.2f}", "", "0"))
    else:
        rows.append((label, "pandoc EPUB + HTML", "not installed", "", ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-long", action="store_true", help="only the sample story")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="storyexport-bench-") as temp:
        work = Path(temp)
        rows += bench_story("sample", ROOT / "source" / "serving-hope" / "story.md", [], work)
        if not args.skip_long:
            subprocess.run([sys.executable, str(ROOT / "bench" / "make_long_story.py"), str(work / "src")],
                           check=True, capture_output=True)
            rows += bench_story("long (20k words, 40 photos)", work / "src" / "long-story" / "story.md",
                                ["--tts", "espeak"], work)
    header = ("story", "run", "seconds", "peak MB", "exit")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    main()
