"""Time and memory of storyexport on this machine: cold and no-op `all`, each format in turn, and pandoc.

    .venv/bin/python bench/bench.py [--stories sample,5k,20k]

Stories: the sample (source/serving-hope, offline engines: Piper for English, Kokoro for
Spanish) and two generated bilingual stories of 5,000 and 20,000 words per language, with 10 and
40 photos (bench/make_long_story.py), narrated with eSpeak NG, since a neural voice would take
hours for their hours of audio. Every run is a fresh process: `all` into a fresh output folder
and cache ("cold"), then again ("no-op"); then each format alone into a second fresh folder, in
an order in which each finds what it needs (audio, html, pdf, epub) and writes the
report of what is there (the EPUB's row includes EPUBCheck). For each run:

- seconds (wall clock) and CPU seconds (user + system, every process of the run, worker
  processes included, sampled from /proc): on a shared machine the CPU seconds are the steadier figure;
- peak MB: the largest resident set of any one process of the run (storyexport itself, one of
  its worker processes, or the Java of EPUBCheck);
- total MB: the largest sum of the resident sets of all the run's processes at one moment
  (sampled every 50 ms), which is what the run needs from the machine.

Then the ratios the memory work is judged by (20k against 5k: peak, and time per word), and
pandoc's time for EPUB + HTML of each story as an outside reference (if pandoc is installed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORYEXPORT = [sys.executable, "-m", "storyexport"]
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024
SAMPLE_EVERY = 0.05  # seconds
TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc/<pid>/stat's processor times
FORMATS = ("audio", "html", "pdf", "epub")  # the EPUB takes the narration and the print pages


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    peak_mb: float  # the largest process
    total_mb: float  # all processes of the run at once
    exit_code: int


@dataclass(frozen=True)
class BenchStory:
    label: str
    source: Path
    options: tuple[str, ...]  # e.g. ("--tts", "espeak")


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    """`root` and all its descendants now."""
    children, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _resident(pid: int) -> int:
    """Bytes resident in process `pid` now (0 once it has ended)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _peak_and_cpu(pid: int) -> tuple[int, float] | None:
    """Process `pid`'s peak resident set so far (VmHWM, bytes) and processor seconds (user +
    system), or None once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    peak = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return peak, (int(fields[11]) + int(fields[12])) / TICKS


def measure(command: list[str]) -> Measured:
    """Run `command`, sampling its process tree until it ends: the resident memory of the whole tree
    at once, and each process's peak and processor time. The worker processes of `--jobs N` are
    the fork server's children, which the run never waits for: their figures are known only from
    these samples (the last 50 ms of a process's life can be missed), so the processor time is
    each process's own as last sampled, summed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    highest, seen, done = [0], {}, threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_EVERY):
            pids = _tree(process.pid)
            highest[0] = max(highest[0], sum(_resident(pid) for pid in pids))
            for pid in pids:
                if figures := _peak_and_cpu(pid):  # an ended process (a zombie) has no VmHWM left: keep the last
                    seen[pid] = (max(figures[0], seen.get(pid, (0, 0.0))[0]), figures[1])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)  # its usage includes every descendant it waited for
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    peak = max([usage.ru_maxrss * 1024, *(p for p, _ in seen.values())])
    cpu = max(usage.ru_utime + usage.ru_stime, sum(c for _, c in seen.values()))  # each process's own, summed
    return Measured(time.perf_counter() - start, cpu, peak / MB, max(highest[0], peak) / MB, process.returncode)


def storyexport(target: str, story: BenchStory, output: Path) -> list[str]:
    return [*STORYEXPORT, target, str(story.source), "-o", str(output), "-q", "--offline", *story.options]


def words(story: BenchStory) -> int:
    """Words of the story file's text (both languages), for time per word."""
    return len(story.source.read_text("utf-8").split("---", 2)[-1].split())


def bench_story(story: BenchStory, work: Path, formats: bool = True) -> dict[str, Measured]:
    runs: dict[str, Measured] = {}
    output = work / f"{story.label}-all"
    runs["all, cold"] = measure(storyexport("all", story, output))
    runs["all, no-op"] = measure(storyexport("all", story, output))
    for target in FORMATS if formats else ():
        runs[f"{target} (in turn, cold)"] = measure(storyexport(target, story, work / f"{story.label}-formats"))
    return runs


def pandoc_seconds(story: BenchStory, work: Path) -> float | None:
    if not shutil.which("pandoc"):
        return None
    start = time.perf_counter()
    for suffix, options in ((".epub", []), (".html", ["--standalone"])):
        subprocess.run(["pandoc", str(story.source), "-o", str(work / f"{story.label}-pandoc{suffix}"), *options],
                       cwd=story.source.parent, capture_output=True, check=False)
    return time.perf_counter() - start


def stories(names: list[str], work: Path) -> list[BenchStory]:
    made = []
    for name in names:
        if name == "sample":
            made.append(BenchStory("sample", ROOT / "source" / "serving-hope" / "story.md", ()))
            continue
        thousands = int(name.rstrip("k"))
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_long_story.py"), str(work / "src"),
                        "--words", str(thousands * 1000), "--photos", str(2 * thousands), "--slug", f"story-{name}"],
                       check=True, capture_output=True)
        made.append(BenchStory(name, work / "src" / f"story-{name}" / "story.md", ("--tts", "espeak")))
    return made


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rows = [rows[0], tuple("-" * w for w in widths), *rows[1:]]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def ratios(results: dict[str, tuple[BenchStory, dict[str, Measured]]]) -> list[str]:
    """20k against 5k: the peaks (each process, all at once) and the time per word (wall, CPU)."""
    if "5k" not in results or "20k" not in results:
        return []
    (small, short), (large, long) = results["5k"], results["20k"]
    a, b = short["all, cold"], long["all, cold"]
    per_word = lambda m, s, field: getattr(m, field) / words(s)  # noqa: E731
    return [f"20k / 5k, all cold: peak {b.peak_mb / a.peak_mb:.2f}x, total {b.total_mb / a.total_mb:.2f}x; "
            f"time per word {per_word(b, large, 'seconds') / per_word(a, small, 'seconds'):.2f}x wall, "
            f"{per_word(b, large, 'cpu_seconds') / per_word(a, small, 'cpu_seconds'):.2f}x CPU "
            f"({words(small)} and {words(large)} words)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", default="sample,5k,20k",
                        help="comma-separated: sample, and generated stories by thousands of words per language")
    parser.add_argument("--all-only", action="store_true",
                        help="only `all`, cold and no-op (the runs the ratios come from): not each format in turn")
    args = parser.parse_args()
    rows = [("story", "run", "seconds", "CPU s", "peak MB", "total MB", "exit")]
    results: dict[str, tuple[BenchStory, dict[str, Measured]]] = {}
    with tempfile.TemporaryDirectory(prefix="storyexport-bench-") as temp:
        work = Path(temp)
        for story in stories(args.stories.split(","), work):
            results[story.label] = (story, bench_story(story, work, formats=not args.all_only))
            for name, m in results[story.label][1].items():
                rows.append((story.label, name, f"{m.seconds:.1f}", f"{m.cpu_seconds:.1f}", f"{m.peak_mb:.0f}",
                             f"{m.total_mb:.0f}", str(m.exit_code)))
            seconds = pandoc_seconds(story, work)
            rows.append((story.label, "pandoc EPUB + HTML", f"{seconds:.1f}" if seconds is not None
                         else "not installed", "", "", "", ""))
        print(table(rows))
        print("\n".join(ratios(results)))  # while the stories are still there to count their words


if __name__ == "__main__":
    main()
