"""The web copies of the photos: no metadata, upright, sRGB, transparency kept, responsive widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ExifTags, Image

from storyexport.source.parse import parse

LEAKS = (b"SECRET", b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"<x:xmpmeta", b"Model 9")


@pytest.fixture(scope="module")
def images(tmp_path_factory, paths, build_html) -> dict[str, list[Path]]:
    """The files of html/images/ of the every-construct story made from its four trap photos, by photo name."""
    output = tmp_path_factory.mktemp("images")
    folder = build_html(parse(paths.story("every-construct"))[0], output,
                        tmp_path_factory.getbasetemp() / "html-cache")
    files = sorted((folder / "html" / "images").iterdir())
    return {name: [f for f in files if f.name.startswith(name + "-")]
            for name in ("kite", "lighthouse", "squares", "ornament")}


def test_the_fixture_photos_carry_the_traps(paths):
    photos = paths.stories / "every-construct" / "photos"
    with Image.open(photos / "kite.jpg") as kite:
        assert kite.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert b"SECRET" in kite.info["comment"] and b"SECRET-XMP" in kite.info["xmp"]
    with Image.open(photos / "lighthouse.jpg") as lighthouse:
        assert lighthouse.getexif()[ExifTags.Base.Orientation] == 6 and lighthouse.width > lighthouse.height
    with Image.open(photos / "squares.jpg") as squares:
        assert squares.mode == "CMYK"
    with Image.open(photos / "ornament.png") as ornament:
        assert ornament.mode == "RGBA"


def test_every_photo_has_avif_and_a_fallback_at_each_width_never_enlarged(images):
    expected = {"kite": [480, 800, 900], "lighthouse": [300], "squares": [480, 600], "ornament": [480, 600]}
    for name, files in images.items():
        fallback = ".png" if name == "ornament" else ".jpg"
        assert sorted({f.suffix for f in files}) == sorted([".avif", fallback]), name
        for suffix in (".avif", fallback):
            widths = sorted(int(f.stem.rsplit("-", 1)[1]) for f in files if f.suffix == suffix)
            assert widths == expected[name], (name, suffix)
            for file in (f for f in files if f.suffix == suffix):
                with Image.open(file) as image:
                    assert image.width == int(file.stem.rsplit("-", 1)[1])


def test_no_output_image_carries_exif_gps_xmp_or_comment(images):
    for file in (f for files in images.values() for f in files):
        data = file.read_bytes()
        assert not [leak for leak in LEAKS if leak in data], file.name
        with Image.open(file) as image:
            assert not image.getexif(), file.name
            assert not {"exif", "xmp", "comment", "icc_profile", "dpi"} & set(image.info), file.name


def test_an_exif_rotated_photo_comes_out_upright(images, paths):
    story, _ = parse(paths.story("every-construct"))
    photo = story.article("en").figure("lighthouse").photo
    assert (photo.width, photo.height) == (300, 600)  # the model measures the upright photo
    for file in images["lighthouse"]:
        with Image.open(file) as image:
            rgb = image.convert("RGB")
            assert rgb.height == 2 * rgb.width
            top = rgb.crop((0, 0, rgb.width, rgb.height // 20)).resize((1, 1)).getpixel((0, 0))
            bottom = rgb.crop((0, rgb.height * 9 // 10, rgb.width, rgb.height)).resize((1, 1)).getpixel((0, 0))
            assert top[0] > 180 and top[1] < 60 and top[2] < 60, (file.name, top)  # the red band is on top
            assert bottom[1] > 180, (file.name, bottom)


def test_a_cmyk_photo_comes_out_srgb(images):
    for file in images["squares"]:
        with Image.open(file) as image:
            assert image.mode == "RGB", file.name
            cyan = image.getpixel((image.width // 4, image.height // 2))
            red = image.getpixel((image.width * 3 // 4, image.height // 2))
            assert cyan[0] < 60 and cyan[1] > 130 and cyan[2] > 200, (file.name, cyan)
            assert red[0] > 200 and red[1] < 80 and red[2] < 80, (file.name, red)


def test_transparency_is_kept(images):
    for file in images["ornament"]:
        with Image.open(file) as image:
            assert image.mode == "RGBA", file.name
            low, high = image.getchannel("A").getextrema()
            assert low == 0 and high == 255, file.name
