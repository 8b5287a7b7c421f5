"""A story with every field at its limit: how long `all` takes, its peak memory, and how fast SIGTERM stops it.

    .venv/bin/python bench/limits.py [--delays 5 15 30 60]

The limits (source/limits.py) exist so that `check` refuses what `all` could not build in
reasonable time and memory, and so that no single step runs long enough to ignore an interrupt
(a 15 MB title once made a 23 GB build that ignored SIGTERM for 311 s). The story: a title,
subtitle, description, heading, alt text, caption and credit at their limits, lists and quotes
nested as deep as allowed, a paragraph of the largest size, one 20,000-character word and a
150-digit number. Narrated with eSpeak NG (the other engines' time per word is in narration.py).
Prints the cold build, then the seconds from SIGTERM to exit when sent after each delay.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench import measure, storyexport  # noqa: E402
from storyexport.source.limits import FIELD_CHARS, MAX_BLOCK_CHARS, MAX_NESTING  # noqa: E402

WORDS = "the river road market school mother journey morning letter language hope kindness".split()


def text(chars: int, seed: int = 0) -> str:
    """Words of the vocabulary, exactly `chars` characters long."""
    out, n = [], seed
    while sum(map(len, out)) + len(out) < chars:
        out.append(WORDS[n % len(WORDS)])
        n += 7
    return " ".join(out)[:chars].rstrip()


def story(folder: Path) -> Path:
    """Writes folder/limits/story.md and its photo; returns the story file."""
    from PIL import Image  # only the bench needs a photo made

    story_folder = folder / "limits"
    (story_folder / "photos").mkdir(parents=True)
    Image.new("RGB", (1600, 1200), (90, 140, 200)).save(story_folder / "photos" / "photo.jpg", quality=85)
    nesting = "".join("  " * level + f"- {text(60, level)}\n" for level in range(MAX_NESTING))
    quotes = ">" * MAX_NESTING + f" {text(200, 3)}\n"
    figure = (f"![{text(FIELD_CHARS['alt'], 1)}](photos/photo.jpg){{#photo caption=\"{text(FIELD_CHARS['caption'], 2)}\" "
              f"credit=\"{text(FIELD_CHARS['credit'], 5)}\"}}")
    body = [f"## {text(FIELD_CHARS['heading'], 4)}", figure, text(MAX_BLOCK_CHARS, 6), nesting, quotes,
            "x" * MAX_BLOCK_CHARS, "The number " + "1234567890" * 15 + " is long.", "The end."]
    front = ["---", f'title: "{text(FIELD_CHARS["title"], 7)}"', f'subtitle: "{text(FIELD_CHARS["subtitle"], 8)}"',
             f'description: "{text(FIELD_CHARS["description"], 9)}"', "lang: en", "date: 2024-05-01", "---", ""]
    path = story_folder / "story.md"
    path.write_text("\n".join(front) + "\n\n".join(body) + "\n", "utf-8")
    return path


def seconds_to_stop(command: list[str], delay: float) -> tuple[float, int]:
    """(seconds from SIGTERM to exit, exit status) of `command` sent SIGTERM after `delay` seconds."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
        return 0.0, process.returncode  # it finished before the signal
    except subprocess.TimeoutExpired:
        pass
    sent = time.perf_counter()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=600)
    return time.perf_counter() - sent, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delays", type=float, nargs="+", default=[5, 15, 30, 60])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyexport-bench-limits-"))
    try:
        source = story(work / "src")
        print(f"story: {source.stat().st_size:,} bytes of Markdown")
        seconds, peak, code = measure(storyexport("all", source, work / "cold", ["--tts", "espeak"]))
        print(f"all, cold: {seconds:.1f} s, peak {peak:.0f} MB, exit {code}")
        for delay in args.delays:
            output = work / f"stop-{delay:g}"
            stop, code = seconds_to_stop(storyexport("all", source, output, ["--tts", "espeak"]), delay)
            said = "finished first" if code in (0, 1) and stop == 0 else f"stopped in {stop:.2f} s"
            print(f"SIGTERM after {delay:g} s: {said}, exit {code}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
