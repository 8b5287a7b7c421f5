"""The PDFs read only the story's own files and storyexport's assets: every way out gets nothing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from storyexport.errors import SourceError
from storyexport.formats import Options
from storyexport.formats.pdf.fetcher import FetchRefused, SafeFetcher, assets_folder
from storyexport.pipeline import build
from storyexport.source.parse import parse

MARKER = b"SECRET-MARKER"
SECRET_IMAGE_SIZE = (77, 55)


@pytest.fixture
def beside(tmp_path: Path, paths) -> Path:
    """A stories folder whose secrets sit beside (outside) the story folder `escape/`."""
    stories = tmp_path / "stories"
    shutil.copytree(paths.stories / "pdf-escape", stories / "escape")
    (stories / "secret.txt").write_bytes(MARKER + b"-TXT\n")
    (stories / "secret.css").write_bytes(b"body::after { content: '" + MARKER + b"-CSS' }\n")
    Image.new("RGB", SECRET_IMAGE_SIZE, "red").save(stories / "secret.png")
    shutil.copy(assets_folder() / "fonts" / "NotoSans-Bold.ttf", stories / "secret.ttf")
    return stories


def plain_bytes(path_or_data) -> bytes:
    """The whole PDF with every object and stream uncompressed, to search in."""
    out = io.BytesIO()
    source = io.BytesIO(path_or_data) if isinstance(path_or_data, bytes) else path_or_data
    with pikepdf.open(source) as pdf:
        pdf.save(out, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def image_sizes(data: bytes) -> list[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(int(obj.Width), int(obj.Height)) for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]


@pytest.mark.slow  # WeasyPrint
def test_a_source_that_names_files_outside_its_folder_gets_nothing_from_them(beside, tmp_path):
    result = build([beside / "escape" / "story.md"], ["pdf"], tmp_path / "out", Options())
    outputs = [o for r in result.results for o in r.outputs if o.format]  # the PDFs, not their page lists
    assert not result.failed and len(outputs) == 2
    for output in outputs:
        data = output.path.read_bytes()
        plain = plain_bytes(output.path)
        assert MARKER not in plain
        assert b"/EmbeddedFiles" not in plain and b"/FileAttachment" not in plain
        assert SECRET_IMAGE_SIZE not in image_sizes(data)
        assert len(image_sizes(data)) == 2  # the story's own photo, on the cover and in its figure
        assert "refused" not in output.details  # the markup was escaped: nothing even asked


@pytest.mark.parametrize("front, body", [
    ("", "![Alt text.](../secret.png){#s}"),
    ("", "![Alt text.](/etc/hostname){#s}"),
    ("", "![Alt text.](file:///etc/hostname){#s}"),
    ("", "![Alt text.](https://example.org/a.jpg){#s}"),
    ("cover: ../secret.png\n", "Text."),
    ("", "[a link](file:///etc/passwd)"),
])
def test_the_parser_refuses_paths_outside_the_story_folder(beside, front, body):
    story = beside / "escape" / "story.md"
    story.write_text(f'---\ntitle: "Escape"\nlang: en\n{front}---\n\n{body}\n', "utf-8")
    with pytest.raises(SourceError):
        parse(story)


def test_a_link_to_a_file_outside_the_story_keeps_its_text_and_loses_its_target(beside):
    story = beside / "escape" / "story.md"
    story.write_text('---\ntitle: "Escape"\nlang: en\n---\n\n[a link](../secret.txt)\n', "utf-8")
    parsed, problems = parse(story)
    assert [p.severity for p in problems] == ["warning"] and "'../secret.txt'" in problems[0].message
    assert [(s.text, s.href) for s in parsed.original.blocks[0].content] == [("a link", None)]


@pytest.mark.slow  # WeasyPrint
def test_weasyprint_through_the_safe_fetcher_reads_nothing_outside(beside):
    """Markup the render never produces, straight into WeasyPrint: every route is refused."""
    from weasyprint import HTML

    folder = beside / "escape"
    secret = (beside / "secret.png").resolve()
    (folder / "link.png").symlink_to(secret)
    routes = ['<link rel="attachment" href="../secret.txt">', '<link rel="stylesheet" href="../secret.css">',
              '<img src="../secret.png" alt="">', f'<img src="{secret.as_uri()}" alt="">',
              '<img src="%2e%2e/secret.png" alt="">', '<img src="link.png" alt="">',
              '<img src="file://otherhost/etc/secret.png" alt="">',
              '<img src="http://127.0.0.1:9/x.png" alt="">',
              '<img src="https://example.org/x.png" alt="">', '<div style="background: url(../secret.png)">x</div>',
              '<object data="../secret.png"></object>', '<embed src="../secret.png">',
              '<iframe src="../secret.txt"></iframe>',
              '<svg width="10" height="10"><image href="../secret.png" width="10" height="10"/></svg>',
              "<style>@import url(../secret.css); @font-face { font-family: s; src: url(../secret.ttf) }"
              " p { font-family: s }</style>"]
    inside = '<img src="photos/ok.png" alt="allowed">'  # the control: a file inside is served
    fetcher = SafeFetcher(folder)
    html = f'<html lang="en"><head><title>t</title></head><body><p>{"".join(routes)}{inside}</p></body></html>'
    data = HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher).write_pdf(pdf_tags=True)
    plain = plain_bytes(data)
    assert MARKER not in plain and b"/EmbeddedFiles" not in plain
    assert image_sizes(data) == [Image.open(folder / "photos" / "ok.png").size]
    refused = " ".join(fetcher.refused)
    for name in ("secret.txt", "secret.css", "secret.png", "link.png", "x.png", "secret.ttf"):
        assert name in refused
    assert "127.0.0.1" in refused and "example.org" in refused  # refused before any connection


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "file://localhost/etc/passwd", "file://otherhost/share/x.png",
    "http://example.org/x.png", "https://example.org/x.png", "ftp://example.org/x",
    "data:text/plain,hello", "rendition:never-added.jpg",
])
def test_fetcher_refuses_remote_and_outside_addresses(tmp_path, url):
    with pytest.raises(FetchRefused):
        SafeFetcher(tmp_path).fetch(url)


def test_fetcher_serves_the_story_folder_the_assets_and_its_renditions(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"jpeg")
    fetcher = SafeFetcher(tmp_path)
    fetcher.add("rendition:a.jpg", lambda: b"made", "image/jpeg")
    assert fetcher.fetch((tmp_path / "photo.jpg").as_uri()).read() == b"jpeg"
    assert fetcher.fetch("rendition:a.jpg").read() == b"made"
    font = fetcher.fetch((assets_folder() / "fonts" / "NotoSerif-Regular.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"
    assert fetcher.refused == []
    with pytest.raises(FetchRefused):
        fetcher.fetch((tmp_path / "sub" / ".." / ".." / "x").as_uri())
