"""Property tests: whatever text a story file holds, parsing raises nothing but StoryExportError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyexport.errors import StoryExportError
from storyexport.source.parse import parse

FRONT = '---\ntitle: "T"\nlang: en\ntranslations: {es: {title: "T"}}\n---\n\n'
MARKDOWN_BITS = st.sampled_from([
    "text ", "*em* ", "**strong** ", "[link](https://x.org) ", "[x]{lang=es} ", "[x]{lang=zz} ", "[^1] ",
    "[^1]: note\n", "^[inline] ", "\n\n", "\n", "## H\n", "#### H\n", "# H\n", "- item\n", "1. item\n", "> q\n",
    "::: {lang=es}\n", "::: {.description for=p}\n", ":::\n", "::: note\n", "![alt](p.png){#p}\n",
    "![](p.png){#q .decorative}\n", "![a](../x.png){#r}\n", "![a](http://x/y.png){#s}\n", "```\n", "---\n",
    "{#id}\n", "<script>x</script>", "\x00", "\ufeff", "\r\n", "  ", "|a|b|\n", "\\", "`", "[", "]", "{", "}",
])


def _parse(folder: Path, text: str) -> None:
    story = folder / "story.md"
    story.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        parse(story)
    except StoryExportError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_parser(tmp_path: Path, text: str):
    _parse(tmp_path, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(MARKDOWN_BITS, max_size=30).map("".join))
def test_arbitrary_markdown_after_valid_front_matter_never_crashes(tmp_path: Path, body: str):
    from PIL import Image
    if not (tmp_path / "p.png").exists():
        Image.new("RGB", (4, 4)).save(tmp_path / "p.png")
    _parse(tmp_path, FRONT + body)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.text(max_size=200))
def test_arbitrary_front_matter_never_crashes(tmp_path: Path, front: str):
    _parse(tmp_path, f"---\n{front}\n---\n\nText.\n")
