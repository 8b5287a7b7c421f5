"""Where the memory goes: peak resident memory and Python's own peak per phase of one cold build.

    .venv/bin/python bench/memory.py STORY.md [--tts espeak] [--top 5] [--lang en]

Runs the stages of `storyexport all` one after another in this process, from a fresh output
folder and cache: parse, each format's builder (audio, html, epub, pdf; one thread, so each
phase is alone), then the report and manifest. For each phase it prints

- peak RSS: the process's resident-set high-water mark during the phase (Linux resets it through
  /proc/self/clear_refs), which counts native allocations too (Pango, cairo, libxml2, codecs);
- Python peak: tracemalloc's peak of Python and NumPy allocations during the phase, and what
  was still held when it ended;
- with --top N, the N source lines that held the most at the phase's Python peak.

tracemalloc slows a run down several times: time the tool with bench.py, not with this.
Child processes (EPUBCheck's Java) are not counted here; bench.py's per-format runs count them.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from storyexport.formats import BuildContext, Options, get_builder
from storyexport.pipeline import configure_libraries, load_stories
from storyexport.report.build import write_report
from storyexport.store.cache import Cache
from storyexport.store.layout import CACHE_FOLDER
from storyexport.store.manifest import describe_files, write_manifest

MB = 1024 * 1024


def resident_high_water() -> tuple[float, float]:
    """(VmHWM, VmRSS) of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def reset_high_water() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def phase(name: str, work: Callable[[], object], top: int, rows: list[tuple[str, ...]]) -> object:
    reset_high_water()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    current, peak = tracemalloc.get_traced_memory()
    high, resident = resident_high_water()
    rows.append((name, f"{seconds:.1f}", f"{high:.0f}", f"{resident:.0f}", f"{peak / MB:.0f}", f"{current / MB:.0f}"))
    if top:
        snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        for stat in snapshot.statistics("lineno")[:top]:
            frame = stat.traceback[0]
            rows.append(("", "", "", "", f"{stat.size / MB:.1f}", f"held at end: {frame.filename.rsplit('/src/', 1)[-1]}:"
                                                              f"{frame.lineno}"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", type=Path)
    parser.add_argument("--tts", default="espeak")
    parser.add_argument("--lang", default="", help="only these languages (comma-separated)")
    parser.add_argument("--top", type=int, default=0, help="show the N lines holding most Python memory")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    configure_libraries()
    options = Options(languages=tuple(filter(None, args.lang.split(","))), tts=args.tts, offline=True, jobs=1)
    rows: list[tuple[str, ...]] = []
    tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="storyexport-memory-") as temp:
        output = Path(temp)
        stories, warnings = phase("parse", lambda: load_stories([args.story]), args.top, rows)
        story = stories[0]
        ctx = BuildContext(output / story.slug, Cache(output / CACHE_FOLDER), options)
        details = {}
        for target in ("audio", "html", "epub", "pdf"):
            outputs = phase(target, lambda t=target: get_builder(t).build(story, ctx), args.top, rows)
            details |= {o.path.relative_to(ctx.folder).as_posix(): o.manifest_entry() for o in outputs}

        def report() -> None:
            write_report(story, ctx.folder, describe_files(ctx.folder, details), warnings, [], ctx.cache, 1)
            write_manifest(ctx.folder, story, details)
        phase("report", report, args.top, rows)
    header = ("phase", "seconds", "peak RSS MB", "RSS after MB", "Python peak MB", "Python held after MB")
    widths = [max(len(r[i]) for r in [header, *rows] if i < len(r)) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
