"""The project file (storyexport.yaml beside the stories folder): the print team's profile and condition
and the publisher's accessibility declaration for every story, each story's front matter winning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storyexport.errors import SourceError
from storyexport.formats.renditions import BUNDLED_CMYK_PROFILE
from storyexport.source.parse import parse

PROJECT = """print: {icc: print/press.icc, condition: FOGRA51}
accessibility:
  conformsTo: EPUB Accessibility 1.1 - WCAG 2.2 Level AA
  certifiedBy: Example Accessibility Lab
"""


def project(tmp_path: Path, paths, settings: str) -> Path:
    """A project folder: storyexport.yaml, print/press.icc, source/minimal/; returns the story file."""
    shutil.copytree(paths.stories / "minimal", tmp_path / "source" / "minimal")
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "press.icc").write_bytes(
        BUNDLED_CMYK_PROFILE.read_bytes().replace(b"Artifex CMYK SWOP Profile", b"Example Press Coated 2024"))
    (tmp_path / "storyexport.yaml").write_text(settings, "utf-8")
    return tmp_path / "source" / "minimal" / "story.md"


def test_the_project_file_gives_every_story_the_printers_profile_and_the_declaration(tmp_path, paths):
    story, problems = parse(project(tmp_path, paths, PROJECT))
    assert problems == []
    assert story.print.profile.description == "Example Press Coated 2024" and story.print.condition == "FOGRA51"
    assert story.print.profile.src == "print/press.icc"  # relative to the project file
    assert story.accessibility.certified_by == "Example Accessibility Lab"


def test_a_storys_own_front_matter_wins(tmp_path, paths):
    story_file = project(tmp_path, paths, PROJECT)
    shutil.copy(BUNDLED_CMYK_PROFILE, story_file.parent / "own.icc")
    text = story_file.read_text("utf-8").replace(
        "title:", "print: {icc: own.icc}\naccessibility: {conformsTo: EPUB Accessibility 1.1 - WCAG 2.1 Level A, "
                  "certifiedBy: The Story's Reviewer}\ntitle:", 1)
    story_file.write_text(text, "utf-8")
    story, _ = parse(story_file)
    assert story.print.profile.src == "own.icc" and story.print.condition == ""  # the condition goes with its icc
    assert story.accessibility.certified_by == "The Story's Reviewer"


@pytest.mark.parametrize(("settings", "line", "message"), [
    ("print: {trim: A4}\n", 1, "`print.trim` belongs to each story's front matter"),
    ("print: {icc: print/missing.icc}\n", 1, "print.icc: colour profile file 'print/missing.icc' not found"),
    ("print:\n  condition: FOGRA39\n", 2, "`print.condition` names the printing condition of the printer's profile"),
    ("accessibility: {certifiedBy: Me}\n", 1, "`accessibility.certifiedBy` is about a conformance claim"),
    ("print: [\n", 2, "storyexport.yaml is not valid YAML"),
])
def test_a_problem_in_the_project_file_names_it_and_its_line(tmp_path, paths, settings, line, message):
    with pytest.raises(SourceError) as raised:
        parse(project(tmp_path, paths, settings))
    (problem,) = raised.value.problems
    assert problem.path == tmp_path / "storyexport.yaml" and problem.line == line
    assert problem.message.startswith(message), problem.message


def test_an_unknown_key_in_the_project_file_is_a_warning_naming_the_file(tmp_path, paths):
    _, problems = parse(project(tmp_path, paths, PROJECT + "colours: {en: x}\n"))
    (problem,) = problems
    assert (problem.path, problem.line, problem.severity) == (tmp_path / "storyexport.yaml", 5, "warning")
    assert problem.message.startswith("unknown project key `colours` is ignored; known keys: voices, print, "
                                      "accessibility")


def test_the_project_file_and_its_profile_are_files_the_story_was_read_from(tmp_path, paths):
    """A run with nothing to do checks them (a changed profile, a project file put nearer the story:
    built again), and a story sent to another machine takes the profile along."""
    import pickle

    from storyexport.source.project import nearer_project_file_places
    from storyexport.store.cache import Cache
    from storyexport.store.records import Records, StoryRecord
    from storyexport.workers.parcels import pack, unpack

    story_file = project(tmp_path, paths, PROJECT)
    story, _ = parse(story_file)
    profile = tmp_path / "print" / "press.icc"
    assert {tmp_path / "storyexport.yaml", profile} <= set(story.files())
    elsewhere = unpack(pickle.loads(pickle.dumps(pack(story))), tmp_path / "worker")
    assert elsewhere.print.profile.file.is_relative_to(tmp_path / "worker")
    assert elsewhere.print.profile.file.read_bytes() == profile.read_bytes()

    output = tmp_path / "output"
    (output / story.slug).mkdir(parents=True)
    records = Records(Cache(output / ".cache"), ["pdf"], {})

    def remember() -> None:
        records.record(story_file, story.files(), output, StoryRecord(story.slug, story.languages, (), {}),
                       absent=nearer_project_file_places(story_file, story.project_file))

    remember()
    assert records.unchanged(story_file, output) is not None
    data = bytearray(profile.read_bytes())
    data[-1] ^= 1  # the printer sends a new profile, the same size
    profile.write_bytes(bytes(data))
    assert records.unchanged(story_file, output) is None
    remember()
    assert records.unchanged(story_file, output) is not None
    (tmp_path / "source" / "storyexport.yaml").write_text("print: {condition: FOGRA39}\n", "utf-8")
    assert records.unchanged(story_file, output) is None  # the nearer project file now applies
