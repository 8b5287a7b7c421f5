"""Every word of the source reaches every format (issue 17, point 2): generated nestings of lists, quotes
and divs, up to the deepest the parser takes, built once; each word is then looked for in the web page,
the EPUB, both PDFs and the narration's captions."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from storyexport.source.limits import MAX_NESTING

pytestmark = pytest.mark.slow  # narrates, builds PDFs, runs EPUBCheck

CONSONANTS, VOWELS = "bdfgklmnprstvz", "aeiou"


def word_maker(seed: int):
    """Distinct four-letter words, pronounceable, never hyphenated (WeasyPrint needs five letters)."""
    made: set[str] = set()
    rng = random.Random(seed)

    def word() -> str:
        while True:
            candidate = rng.choice(CONSONANTS) + rng.choice(VOWELS) + rng.choice(CONSONANTS) + rng.choice(VOWELS)
            if candidate not in made:
                made.add(candidate)
                return candidate
    return word


def nesting(kinds: list[str], word) -> list[str]:
    """Markdown lines: each kind ("list", "quote", "div") inside the one before, a sentence at every level."""
    if not kinds:
        return []
    kind, inner = kinds[0], nesting(kinds[1:], word)
    sentence = f"{word()} {word()} {word()}."
    if kind == "list":
        return [f"- {sentence}", ""] + ["  " + line if line else "" for line in inner]
    if kind == "quote":
        return [f"> {sentence}", ">"] + [f"> {line}" if line else ">" for line in inner]
    fence = ":" * (3 + len([k for k in kinds if k == "div"]))  # deeper divs get longer fences
    return [f"{fence} {{.box}}", sentence, ""] + inner + ["", fence]


def story_text(seed: int = 17) -> str:
    rng, word = random.Random(seed), word_maker(seed)
    lines = ["---", 'title: "Nestings"', "lang: en", "---", ""]
    for depth in range(1, MAX_NESTING + 1):
        kinds = [rng.choice(["list", "quote", "div"]) for _ in range(depth)]
        lines += [f"## {word().capitalize()} {word()}", "", f"{word().capitalize()} {word()} {word()}.", ""]
        lines += nesting(kinds, word) + ["", f"{word().capitalize()} {word()} after.", ""]
    return "\n".join(lines) + "\n"


def words_of(text: str) -> set[str]:
    return {w.strip(".,:;").lower() for w in text.split()}


@pytest.fixture(scope="module")
def built(tmp_path_factory, run_cli) -> tuple[set[str], Path]:
    root = tmp_path_factory.mktemp("every-word")
    story = root / "source" / "nestings" / "story.md"
    story.parent.mkdir(parents=True)
    text = story_text()
    story.write_text(text, "utf-8")
    result = run_cli("all", story, "-o", root / "output", "--offline", "--tts", "espeak")
    assert result.exit_code == 0, result.output
    body = text.split("---\n", 2)[2]
    expected = {w for w in words_of(body) if len(w) == 4 and w.isalpha()} | {"after"}
    assert len(expected) > 200
    return expected, root / "output" / "nestings"


def test_the_source_nests_as_deep_as_the_parser_takes(built):
    from storyexport.model import Division, ItemList, Quote
    from storyexport.source.parse import parse

    _, folder = built
    story, _ = parse(folder.parent.parent / "source" / "nestings" / "story.md")

    def depth(blocks) -> int:
        inner = [depth(b.blocks if not isinstance(b, ItemList) else [x for i in b.items for x in i.blocks])
                 for b in blocks if isinstance(b, (Quote, Division, ItemList))]
        return 1 + max(inner) if inner else 0
    assert max(depth([b]) for b in story.articles[0].blocks) == MAX_NESTING


def test_every_word_is_on_the_web_page(built):
    expected, folder = built
    page = html.parse(str(folder / "html" / "index.html")).getroot()
    assert expected - words_of(page.find(".//main").text_content()) == set()


def test_every_word_is_in_the_epub(built):
    expected, folder = built
    with zipfile.ZipFile(folder / "nestings.en.epub") as book:
        document = etree.fromstring(book.read("EPUB/story.xhtml"))
    assert expected - words_of("".join(document.itertext())) == set()


@pytest.mark.parametrize("name", ["nestings.en.pdf", "nestings.en.print.pdf"])
def test_every_word_is_in_both_pdfs(name, built):
    import pypdfium2

    expected, folder = built
    document = pypdfium2.PdfDocument(str(folder / name))
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert expected - words_of(text) == set()


def test_every_word_is_narrated(built):
    expected, folder = built
    captions = (folder / "nestings.en.vtt").read_text("utf-8")
    assert expected - words_of(captions) == set()
