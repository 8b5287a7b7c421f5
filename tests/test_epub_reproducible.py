"""Reproducible bytes, the zip container's layout, failures as BuildError, and the --no-narration flag."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile

import pytest
from ebooklib import epub

from storyexport.errors import BuildError, OutputError
from storyexport.formats import BuildContext, Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.formats.epub.ebooklib_door import FileItem, add_file, write_epub
from storyexport.pipeline import build
from storyexport.source.parse import parse
from storyexport.store.cache import Cache


def build_en(story, folder, cache_folder, narration: bool = True):
    ctx = BuildContext(folder, Cache(cache_folder), Options(languages=("en",), narration=narration))
    return EpubBuilder().build(story, ctx)[0].path


@pytest.mark.slow
def test_two_builds_are_byte_identical(sample_books, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    shutil.copytree(sample_books.folder, tmp_path / "again")
    for path in (tmp_path / "again").glob("*.epub"):
        path.unlink()
    again = build_en(sample_books.story, tmp_path / "again", tmp_path / "fresh-cache")  # renditions made anew
    assert again.read_bytes() == sample_books.narrated["en"].read_bytes()
    text_again = build_en(sample_books.story, tmp_path / "text", tmp_path / "fresh-cache", narration=False)
    assert text_again.read_bytes() == sample_books.text_only["en"].read_bytes()


@pytest.mark.slow
def test_container_layout(sample_books, open_epub):
    with zipfile.ZipFile(sample_books.narrated["en"]) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip" and not infos[0].extra
        assert [i.filename for i in infos[1:3]] == ["META-INF/container.xml", "EPUB/content.opf"]
        assert {i.date_time for i in infos} == {(2023, 6, 20, 0, 0, 0)}  # the story's date
        assert {(i.create_system, i.external_attr >> 16) for i in infos} == {(3, 0o644)}
    opf = open_epub(sample_books.narrated["en"]).read("content.opf").decode()
    assert "generator" not in opf and "Ebook-lib" not in opf
    assert open_epub(sample_books.narrated["en"]).meta("dcterms:modified") == ["2023-06-20T00:00:00Z"]


def test_source_date_epoch_sets_every_timestamp(paths, tmp_path, monkeypatch, open_epub):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    path = build_en(parse(paths.sample)[0], tmp_path / "out", tmp_path / "cache", narration=False)
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert open_epub(path).meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]


def test_an_unwritable_output_is_an_output_error(paths, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(OutputError, match="serving-hope.en.epub"):
        build_en(parse(paths.sample)[0], blocker, tmp_path / "cache", narration=False)


@pytest.mark.slow
def test_an_output_error_fails_only_its_own_format(paths, tmp_path):
    output = tmp_path / "output"
    (output / "serving-hope" / "serving-hope.en.epub").mkdir(parents=True)  # a folder where the book goes
    result = build([paths.sample], ["epub", "pdf"], output, Options(languages=("en",), narration=False))
    outcomes = {r.format: r.error for r in result.results}
    assert outcomes["epub"].startswith("output error: cannot write serving-hope.en.epub")
    assert outcomes["pdf"] is None and (output / "serving-hope" / "serving-hope.en.pdf").is_file()
    assert (output / "serving-hope" / "manifest.json").is_file() and result.failed


def test_metadata_ebooklib_would_drop_is_a_build_error():
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:00000000-0000-0000-0000-000000000000")
    book.set_title("Title")
    book.set_language("en")
    book.add_metadata("DC", "rights", "a vertical tab \x0b XML cannot hold")
    with pytest.raises(BuildError, match="x.epub: its metadata lost"):
        write_epub(book, io.BytesIO(), dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), (2024, 1, 1, 0, 0, 0), "x.epub")


def small_book(audio: epub.EpubItem) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:00000000-0000-0000-0000-000000000000")
    book.set_title("Title")
    book.set_language("en")
    text = book.add_item(epub.EpubHtml(uid="story", file_name="story.xhtml", title="Story"))
    text.content = "<p>Text.</p>"
    book.spine = [text]
    book.add_item(audio)
    return book


def test_a_book_with_its_audio_appended_from_a_file_is_the_book_written_in_one_go(tmp_path):
    """A narrated book travels from its worker without the MP3; the driver appends it from the file."""
    audio = tmp_path / "x.mp3"
    audio.write_bytes(bytes(range(256)) * 5000 + b"end")  # over one copy block, and not a multiple of one
    moment, zip_time = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), (2024, 1, 1, 0, 0, 0)
    whole = io.BytesIO()
    write_epub(small_book(epub.EpubItem(uid="narration", file_name="audio/x.mp3", media_type="audio/mpeg",
                                        content=audio.read_bytes())), whole, moment, zip_time, "x.epub")
    parts = io.BytesIO()
    write_epub(small_book(FileItem(uid="narration", file_name="audio/x.mp3", media_type="audio/mpeg")), parts,
               moment, zip_time, "x.epub")
    assert "EPUB/audio/x.mp3" not in zipfile.ZipFile(parts).namelist()  # the package lists it, the zip has not
    add_file(parts, "audio/x.mp3", audio, zip_time, "x.epub")
    assert parts.getvalue() == whole.getvalue()


@pytest.mark.slow
def test_no_narration_flag_builds_text_only_books(sample_books, tmp_path, paths, run_cli, open_epub):
    output = tmp_path / "output"
    shutil.copytree(sample_books.folder, output / "serving-hope")  # the narration is there, and ignored
    result = run_cli("epub", paths.sample, "-o", output, "--no-narration", "-q")
    assert result.exit_code == 0, result.output
    for lang in ("en", "es"):
        book = open_epub(output / "serving-hope" / f"serving-hope.{lang}.epub")
        assert "narration" not in book.items() and "auditory" not in book.meta("schema:accessMode")
    result = run_cli("epub", paths.sample, "-o", output, "-q", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "narration" in open_epub(output / "serving-hope" / "serving-hope.en.epub").items()


@pytest.mark.slow
def test_an_unchanged_book_is_not_rebuilt(sample_books, tmp_path, open_epub):
    folder = tmp_path / "serving-hope"
    shutil.copytree(sample_books.folder, folder)
    cache = Cache(tmp_path / "cache")

    def run(narration: bool):
        options = Options(languages=("en",), narration=narration)
        return EpubBuilder().build(sample_books.story, BuildContext(folder, cache, options))[0].path

    first = run(True).stat().st_mtime_ns
    assert run(True).stat().st_mtime_ns == first and cache.stats["hit:freshness"] == 1
    run(False)  # a different book: rebuilt
    assert "narration" not in open_epub(folder / "serving-hope.en.epub").items()
