"""Generate a long story for the benchmark: about 20,000 words and 40 photos, deterministic.

    python bench/make_long_story.py DEST_FOLDER [--words 20000] [--photos 40]

Writes DEST_FOLDER/long-story/story.md and its photos (2400 × 1600 JPEGs, print resolution).
The text is English made from a fixed vocabulary with a fixed seed, in sections and paragraphs
of realistic length, with footnotes, language spans and figures spread through it.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw

WORDS = ("the community garden clinic doctor family border town river road market school children "
         "mother father patient nurse work future dream journey home country city morning evening "
         "light water bread hands voice story year month week day street bus letter phone friend "
         "colleague language lesson hope patience courage kindness help support team office village "
         "season rain sun wind field harvest kitchen table window door bridge mountain coast").split()
VERBS = "walks carries remembers builds finds opens shares learns teaches waits answers crosses".split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words.insert(rng.randint(1, 3), rng.choice(VERBS))
    if rng.random() < 0.08:
        words.insert(rng.randint(2, len(words) - 1), "[Tacna]{lang=es}")
    return " ".join(words).capitalize() + "."


def photo(path: Path, index: int) -> None:
    rng = random.Random(index)
    image = Image.new("RGB", (2400, 1600), tuple(rng.randint(120, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randint(0, 2300), rng.randint(0, 1500)
        draw.ellipse([x, y, x + rng.randint(60, 400), y + rng.randint(60, 400)],
                     fill=tuple(rng.randint(0, 255) for _ in range(3)))
    image.save(path, "JPEG", quality=85, dpi=(300, 300))


def story(words: int, photos: int, rng: random.Random) -> str:
    lines = ["---", 'title: "A Long Story for the Benchmark"', "lang: en", "date: 2024-05-01",
             "author: Bench Writer", "publisher: storyexport bench", "---", ""]
    count, figure, note = 0, 0, 0
    paragraphs = words // 90
    for number in range(paragraphs):
        if number % 12 == 0:
            lines += [f"## Part {number // 12 + 1}", ""]
        text = " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))
        if rng.random() < 0.1:
            note += 1
            text += f"[^n{note}]"
            lines += [text, "", f"[^n{note}]: A note about part {number // 12 + 1}, paragraph {number}.", ""]
        else:
            lines += [text, ""]
        count += len(text.split())
        if figure < photos and number % max(1, paragraphs // photos) == 0:
            figure += 1
            lines += [f"![Photo {figure}: coloured circles on a plain background.](photos/p{figure:02d}.jpg)"
                      f'{{#p{figure:02d} credit="Bench/Generated"}}', ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--photos", type=int, default=40)
    args = parser.parse_args()
    folder = args.dest / "long-story"
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for index in range(1, args.photos + 1):
        target = folder / "photos" / f"p{index:02d}.jpg"
        if not target.exists():
            photo(target, index)
    (folder / "story.md").write_text(story(args.words, args.photos, random.Random(2024)), "utf-8")
    print(folder / "story.md")


if __name__ == "__main__":
    main()
