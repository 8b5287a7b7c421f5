"""Every bad source gives exit 2 and `path:line: message` for each problem, with no traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

COMMANDS = ["check", "all", "html", "epub", "pdf", "audio"]
LINK_RULE = "links must start with https://, http://, mailto:, tel: or #"
ALT_RULE = ("has no alt text: describe what the photo shows between the brackets, or mark it {.decorative} "
            "if it carries no information")
BAD_SOURCES = {
    "empty": [(1, "the file is empty: a story starts with front matter between --- lines (see docs/source-format.md)")],
    "not-utf8": [(2, "the file is not UTF-8 (byte 0xe9 at offset 15); save it as UTF-8")],
    "no-front-matter": [(1, "no front matter: the file must start with a line '---', then YAML with at least "
                            "title and lang, then '---'")],
    "bad-yaml": [(4, "the front matter is not valid YAML: expected ',' or ']', but got '<stream end>'")],
    "bad-date": [(4, "`date` '20/06/2023' is not an ISO date; write it as YYYY-MM-DD, e.g. 2023-06-20")],
    "unknown-lang": [(3, "unknown language tag 'xx': use a BCP 47 tag such as en, es, es-419, pt-BR "
                         "(quote it if YAML reads it as something else)"),
                     (6, "unknown language tag 'qq-ZZ': use a BCP 47 tag such as en, es, es-419, pt-BR "
                         "(quote it if YAML reads it as something else)")],
    "missing-alt": [(8, f'figure "photo" {ALT_RULE}')],
    "duplicate-figure-id": [(10, 'figure id "photo" is used twice in the en text')],
    "missing-translation-figure": [(12, 'figure "photo" (line 10) is missing from the es text: repeat it there '
                                        "with the same id and translated alt text")],
    "extra-translation-figure": [(17, 'figure "otra" is in the es text but not in the primary text; figure ids '
                                      "must match across languages")],
    "translation-without-title": [(8, 'the es text has no title: add `translations: {es: {title: "..."}}` to '
                                      "the front matter")],
    "absolute-image-path": [(8, "image path '/etc/photo.jpg' is absolute; give the path relative to story.md, "
                                "e.g. photos/name.jpg")],
    "remote-image": [(8, "image 'https://example.org/photo.jpg' is a remote or special address; copy the photo "
                         "into the story folder and give its path relative to story.md")],
    "outside-image": [(8, "image path '../minimal/photos/photo.jpg' leaves the story folder; keep photos inside it")],
    "missing-image": [(8, "image file 'photos/nowhere.jpg' not found (looked in photos/)")],
    "corrupt-image": [(8, "image 'photos/photo.jpg' is not an image file (use JPEG, PNG or WebP)")],
    "truncated-image": [(8, "image 'photos/photo.jpg' is damaged (image file is truncated)")],
    "decompression-bomb": [(8, "image 'photos/photo.png' declares more than 80 megapixels; refused (resize it)")],
    "unbalanced-fence": [(8, "fenced div opened here is never closed: add a line ::: after its content")],
    "stray-fence": [(8, "closing ::: without an opening fence: remove it, or open a div above with ::: {.class} "
                        "or ::: {lang=xx}")],
    "heading-skip": [(6, "heading level 2 follows the story's title: headings may not skip a level; use # here"),
                     (10, "heading level 4 follows level 2: headings may not skip a level; use ### here"),
                     (14, "warning: level-1 heading in the en text: the story's title (front matter `title`) is "
                          "its only level-1 heading, so every heading is moved one level down; write ## here, or "
                          "say so with `shift-heading-level-by: 1` in the front matter (as in pandoc)")],
    "bad-link": [(6, f"link target 'javascript:alert(1)' is not allowed: {LINK_RULE}"),
                 (6, f"warning: link target 'other.html' is not a web address, so its text is kept without the "
                     f"link ({LINK_RULE}; other files are not published with the story)")],
    "three-problems": [(8, f'figure "photo" {ALT_RULE}'),
                       (12, "heading level 4 follows level 2: headings may not skip a level; use ### here"),
                       (14, "image file 'photos/nowhere.jpg' not found (looked in photos/)")],
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_check_reports_every_problem_with_its_line(case: str, paths, run_cli, problem_lines):
    result = run_cli("check", paths.stories / case)
    assert result.exit_code == 2, result.output
    assert problem_lines(result.output) == BAD_SOURCES[case]
    assert "Traceback" not in result.output
    assert f"{case}/story.md:" in result.output


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory, paths, run_cli):
    """A good build of `minimal`, standing in for the outputs a bad source must not touch."""
    output = tmp_path_factory.mktemp("previous") / "output"
    result = run_cli("html", paths.stories / "minimal", "-o", output)
    assert result.exit_code == 0, result.output
    return output


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_bad_source_changes_nothing_through_every_command(command, case, previous_output, tmp_path, paths, run_cli,
                                                         problem_lines):
    output = tmp_path / "output"
    shutil.copytree(previous_output, output)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    source = paths.stories / case
    result = run_cli(command, source, "-o", output, "--offline") if command != "check" else run_cli(command, source)
    assert result.exit_code == 2
    assert problem_lines(result.output) == BAD_SOURCES[case]
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_symlinked_photo_is_refused_wherever_it_leads(where, story_copy, tmp_path: Path, run_cli, problem_lines):
    story = story_copy("minimal")
    target = tmp_path / "secret.jpg" if where == "outside" else story.parent / "photos" / "copy.jpg"
    target.write_bytes((story.parent / "photos" / "photo.jpg").read_bytes())
    os.symlink(target, story.parent / "photos" / "link.jpg")
    story.write_text(story.read_text().replace("photos/photo.jpg", "photos/link.jpg"))
    result = run_cli("check", story)
    assert result.exit_code == 2
    assert problem_lines(result.output) == [
        (8, "image 'photos/link.jpg' is a symlink (or lies in a symlinked folder); copy the file into the story folder")]


@pytest.mark.parametrize("command", ["all", "html", "epub", "pdf", "audio"])
def test_bad_source_writes_nothing_through_every_command(command: str, tmp_path: Path, paths, run_cli,
                                                        problem_lines):
    output = tmp_path / "output"
    result = run_cli(command, paths.stories / "three-problems", "-o", output, "--offline")
    assert result.exit_code == 2, result.output
    assert len(problem_lines(result.output)) == 3
    assert "nothing was written" in result.output
    assert not output.exists()


def test_bad_story_among_good_ones_stops_all_before_writing(tmp_path: Path, paths, run_cli, problem_lines):
    output = tmp_path / "output"
    result = run_cli("all", paths.stories / "minimal", paths.stories / "missing-alt", "-o", output)
    assert result.exit_code == 2
    assert problem_lines(result.output) == BAD_SOURCES["missing-alt"]
    assert not output.exists()


def test_unknown_front_matter_keys_warn_with_a_suggestion_and_stop_only_with_strict(paths, run_cli, problem_lines):
    expected = [(4, "warning: unknown front matter key `autor` is ignored; did you mean `author`?"),
                (5, "warning: unknown front matter key `bled` in `print` is ignored; did you mean `bleed`?")]
    relaxed = run_cli("check", paths.stories / "unknown-key")
    assert relaxed.exit_code == 0, relaxed.output
    assert problem_lines(relaxed.output) == expected
    strict = run_cli("check", "--strict", paths.stories / "unknown-key")
    assert strict.exit_code == 2 and problem_lines(strict.output) == expected


def test_warnings_pass_unless_strict(paths, run_cli, problem_lines):
    relaxed = run_cli("check", paths.stories / "alt-warnings")
    assert relaxed.exit_code == 0, relaxed.output
    expected = [
        (8, 'warning: figure "first": alt text starts with "Photo of"; screen readers already announce an image, '
            "so start with what it shows"),
        (10, 'warning: figure "second": alt text repeats the caption word for word, so screen reader users hear '
             "it twice; make the alt text describe the photo"),
        (12, 'warning: figure "third": alt text is 295 characters; keep it under 250 and move the detail into a '
             "long description (::: {.description for=third})"),
    ]
    assert problem_lines(relaxed.output) == expected
    strict = run_cli("check", "--strict", paths.stories / "alt-warnings")
    assert strict.exit_code == 2
    assert problem_lines(strict.output) == expected


def test_a_five_megabyte_paragraph_is_refused_quickly(story_copy, run_cli, problem_lines):
    story = story_copy("minimal")
    story.write_text(story.read_text().replace("One paragraph of text.", "word and more words. " * 250_000))
    result = run_cli("check", story)
    assert result.exit_code == 2
    assert problem_lines(result.output) == [
        (6, "paragraph of 5,250,015 characters: a paragraph may have at most 20,000 (about 3,000 words); "
            "split it with blank lines")]
