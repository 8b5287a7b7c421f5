"""`check` and `all` agree (issue 17): for generated sources — nestings, long fields, ids, dates, trims —
whatever `check` accepts, `all` builds with exit 0 (never an internal error), and no word is lost; whatever
it refuses is refused with lines, no traceback. A few examples per run, the same ones each time."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html

from storyexport.source.limits import FIELD_CHARS

pytestmark = pytest.mark.slow  # each accepted example runs `storyexport all` (eSpeak NG, PDFs, EPUBCheck)

WORDS = st.sampled_from(["water", "road", "bread", "river", "school", "night", "mother", "border", "garden",
                         "letter", "camino", "niña", "día", "Tacna", "doctor", "clinic", "winter", "hope"])
ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_"
HIDDEN = ["\u200b", "\u202e", "\u2066", "\ufeff"]
COUNTER = itertools.count()


@dataclass(frozen=True)
class Source:
    text: str
    body_words: frozenset[str]


@st.composite
def sentences(draw) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=2, max_size=6))).capitalize() + "."


@st.composite
def nested(draw, depth: int) -> list[str]:
    """Markdown lines of lists, quotes and divs inside one another, `depth` deep."""
    if depth == 0:
        return [draw(sentences())]
    kind = draw(st.sampled_from(["list", "quote", "div"]))
    head, inner = draw(sentences()), draw(nested(depth - 1))
    if kind == "list":
        return [f"- {head}", ""] + ["  " + line if line else "" for line in inner]
    if kind == "quote":
        return [f"> {head}", ">"] + [f"> {line}" if line else ">" for line in inner]
    return ["::: {.box}", head, ""] + inner + ["", ":::"]


def rarely(value, usual, draw, chance: int = 8):
    """`value` once in `chance` draws, else `usual`: most sources pass check, some do not."""
    return value if draw(st.integers(1, chance)) == 1 else usual


@st.composite
def identifiers(draw, heading: str) -> str:
    base = draw(st.text(ID_CHARS, min_size=1, max_size=12))
    odd = draw(st.sampled_from([heading.lower(), "s1", "fn-1", "main", f"{base}{draw(st.sampled_from(HIDDEN))}",
                                "x" * 101]))
    return rarely(odd, base, draw, 4)


@st.composite
def sources(draw) -> Source:
    limit = FIELD_CHARS["title"]
    title_length = rarely(limit + 1, draw(st.sampled_from([5, 40, limit])), draw)
    title = ("Story of the " + "road " * 80)[:title_length - 1] + "s"
    lines = ["---", f'title: "{title}"', "lang: en"]
    date = draw(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2107, 12, 31))))
    if date := rarely(draw(st.sampled_from([dt.date(1899, 12, 31), dt.date(2108, 1, 1)])), date, draw):
        lines.append(f"date: {date.isoformat()}")
    size = st.integers(50, 1000).map(lambda n: f"{n}mm")
    trim = draw(st.one_of(st.none(), st.sampled_from(["A6", "letter", "6in 9in"]),
                          st.tuples(size, size).map(" ".join)))
    if trim := rarely(draw(st.sampled_from(["0mm 0mm", "49mm 200mm", "100000mm 100000mm"])), trim, draw):
        lines.append(f"print: {{trim: {trim}}}")
    heading = draw(WORDS).capitalize()
    figure_id = draw(identifiers(heading))
    heading_id = rarely(f" {{#{figure_id}}}", "", draw)
    body = [f"## {heading}{heading_id}", "", draw(sentences()), "",
            f"![A {draw(WORDS)} seen from the {draw(WORDS)}.](photos/photo.jpg){{#{figure_id}}}", ""]
    body += draw(nested(rarely(draw(st.integers(13, 16)), draw(st.integers(1, 12)), draw))) + ["", draw(sentences()), ""]
    text = "\n".join(lines + ["---", ""] + body) + "\n"
    words = frozenset(w.strip(".").lower() for line in body if not line.startswith(("!", "##", ":::"))
                      for w in line.replace(">", " ").replace("- ", " ").split() if w.strip(".").isalpha())
    return Source(text, words)


@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(source=sources())
def test_what_check_accepts_all_builds_with_every_word(source, tmp_path, paths, run_cli):
    folder = tmp_path / f"example-{next(COUNTER)}"
    story = folder / "source" / "story" / "story.md"
    (story.parent / "photos").mkdir(parents=True)
    shutil.copyfile(paths.stories / "minimal" / "photos" / "photo.jpg", story.parent / "photos" / "photo.jpg")
    story.write_text(source.text, "utf-8")
    checked = run_cli("check", story)
    assert "Traceback" not in checked.output and "internal error" not in checked.output
    if checked.exit_code == 2:
        assert "story.md:" in checked.output  # refused, with the line
        return
    assert checked.exit_code == 0, checked.output
    built = run_cli("all", story, "-o", folder / "output", "--offline", "--tts", "espeak", "-q")
    assert built.exit_code == 0, built.output + source.text
    page = html.parse(str(folder / "output" / "story" / "html" / "index.html")).getroot()
    shown = {w.strip(".,").lower() for w in page.find(".//main").text_content().split()}
    assert source.body_words - shown == set()
    shutil.rmtree(folder)  # each example's output goes: the cache of a hundred builds would fill the disk


def test_the_generated_sources_reach_both_sides_of_check(tmp_path, paths):
    """The strategy makes sources check refuses (deep nesting, long titles, bad ids, dates, trims) and
    sources it accepts, so the test above sees both."""
    from storyexport.errors import SourceError
    from storyexport.source.parse import parse

    story = tmp_path / "story" / "story.md"
    (story.parent / "photos").mkdir(parents=True)
    shutil.copyfile(paths.stories / "minimal" / "photos" / "photo.jpg", story.parent / "photos" / "photo.jpg")
    outcomes: set[str] = set()

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(source=sources())
    def sample(source):
        story.write_text(source.text, "utf-8")
        try:
            parse(story)
            outcomes.add("accepted")
        except SourceError as refused:
            outcomes.update(p.message.split(" ")[0] for p in refused.problems if p.is_error)
    sample()
    assert "accepted" in outcomes and len(outcomes) >= 4, outcomes
