"""Where the memory goes: peak resident memory and Python's own peak per phase of one cold build.

    .venv/bin/python bench/memory.py STORY.md [--tts espeak] [--lang en]

Runs the stages of `storyexport all` one after another in this process, from a fresh output
folder and cache: parse, each format's builder (audio, html, pdf, epub; one thread, so each
phase is alone), then the report and manifest. For each phase it prints

- peak RSS: the process's resident-set high-water mark during the phase (Linux resets it through
  /proc/self/clear_refs), which counts native allocations too (Pango, cairo, libxml2, codecs);
- Python peak: tracemalloc's peak of Python and NumPy allocations during the phase, and what
  was still held when it ended (after a garbage collection).

The difference between the two peaks is native memory: WeasyPrint's Pango and cairo, libxml2,
the codecs. The resident set does not fall back between phases (the allocator keeps what it
was given), so a phase's own share is best read from its Python peak, or from bench.py, which
runs each format in a process of its own. tracemalloc slows a run down several times: time the
tool with bench.py, not with this. Child processes (EPUBCheck's Java) are not counted here.
"""

from __future__ import annotations

import argparse
import gc
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


def phase(name: str, work: Callable[[], object], rows: list[tuple[str, ...]]) -> object:
    gc.collect()
    reset_high_water()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    gc.collect()  # ebooklib's and WeasyPrint's objects hold each other: what is left is really held
    current, peak = tracemalloc.get_traced_memory()
    high, resident = resident_high_water()
    rows.append((name, f"{seconds:.1f}", f"{high:.0f}", f"{resident:.0f}", f"{peak / MB:.0f}", f"{current / MB:.0f}"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", type=Path)
    parser.add_argument("--tts", default="espeak")
    parser.add_argument("--lang", default="", help="only these languages (comma-separated)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    configure_libraries()
    options = Options(languages=tuple(filter(None, args.lang.split(","))), tts=args.tts, offline=True, jobs=1)
    rows: list[tuple[str, ...]] = []
    tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="storyexport-memory-") as temp:
        output = Path(temp)
        stories, warnings = phase("parse", lambda: load_stories([args.story]), rows)
        story = stories[0]
        ctx = BuildContext(output / story.slug, Cache(output / CACHE_FOLDER), options)
        details = {}
        for target in ("audio", "html", "pdf", "epub"):  # the EPUB takes the print pages
            outputs = phase(target, lambda t=target: get_builder(t).build(story, ctx), rows)
            details |= {o.path.relative_to(ctx.folder).as_posix(): o.manifest_entry() for o in outputs}

        def report() -> None:
            write_report(story, ctx.folder, describe_files(ctx.folder, details), warnings, [], ctx.cache, 1)
            write_manifest(ctx.folder, story, details)
        phase("report", report, rows)
    header = ("phase", "seconds", "peak RSS MB", "RSS after MB", "Python peak MB", "Python held after MB")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
