"""Time the PDFs of a story: each edition and language, cold (new cache) and warm (renditions cached).

    .venv/bin/python bench/pdf.py [source/serving-hope/story.md]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from storyexport.formats.pdf.editions import EDITIONS
from storyexport.formats.pdf.writer import make_pdf
from storyexport.source.parse import parse
from storyexport.store.cache import Cache


def main(source: Path) -> None:
    story, _ = parse(source)
    with tempfile.TemporaryDirectory() as folder:
        cache = Cache(Path(folder))
        for run in ("cold", "warm"):
            for lang in story.languages:
                for edition in EDITIONS:
                    start = time.perf_counter()
                    made = make_pdf(story, lang, edition, cache)
                    seconds = time.perf_counter() - start
                    print(f"{run:4}  {edition.file_name(story, lang):32} {made.details['pages']:3} pages "
                          f"{len(made.data) / 1024:8.1f} KiB  {seconds:5.2f} s  {_what(made)}")


def _what(made) -> str:
    """What the fixes did (tagged PDF) or how many page starts the EPUB gets (print PDF)."""
    if "structure" in made.details:
        done = made.details["structure"]
        return (f"notes {done['notes']}, list bodies {done['list_bodies']}, links {done['links']}, "
                f"fragments merged {sum(done['merged_fragments'].values())}")
    return f"page starts {len(made.pages)}"


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "source/serving-hope/story.md"))
