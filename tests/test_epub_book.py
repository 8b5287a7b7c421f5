"""The EPUB's package, documents and navigation, read back from the built files."""

from __future__ import annotations

import io
import shutil

import pytest
from epub_support import EVERY_CONSTRUCT, NS, SAMPLE, XML_LANG, Book, built
from PIL import Image

from storyexport.formats import BuildContext, Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.formats.epub.images import book_images
from storyexport.formats.epub.metadata import CONFORMANCE
from storyexport.source.parse import parse
from storyexport.source.photos import inspect_photo
from storyexport.store.cache import Cache
from storyexport.text.render import long_description_id


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return built(SAMPLE, tmp_path_factory)


@pytest.fixture(scope="module")
def every(tmp_path_factory):
    return built(EVERY_CONSTRUCT, tmp_path_factory)


def test_one_epub_per_language_named_after_the_story(sample):
    assert sorted(p.name for p in sample.narrated.values()) == ["serving-hope.en.epub", "serving-hope.es.epub"]


def test_dublin_core_metadata(sample):
    en, es = Book(sample.narrated["en"]), Book(sample.narrated["es"])
    assert en.dc("language") == ["en"] and es.dc("language") == ["es"]
    assert en.dc("title") == ["Serving Hope: A Venezuelan Doctor Finds Sanctuary in Peru"]
    assert es.dc("title") == ["Sirviendo esperanza: un médico venezolano encuentra refugio en Perú"]
    assert en.dc("publisher") == ["International Organization for Migration"]
    assert en.dc("date") == ["2023-06-20"] and en.dc("creator") == ["IOM"]
    assert en.dc("rights")[0].startswith("© International Organization for Migration")
    assert es.dc("description")[0].startswith("Jesús, traumatólogo venezolano")
    assert en.dc("subject") == ["migration", "health", "Venezuela", "Peru", "professional integration"]
    assert en.opf.get(XML_LANG) == "en" and es.opf.get(XML_LANG) == "es"


def test_english_subjects_are_marked_english_in_the_spanish_book(sample):
    es = Book(sample.narrated["es"])
    subjects = es.opf.findall("opf:metadata/dc:subject", NS)
    assert subjects and all(s.get(XML_LANG) == "en" for s in subjects)


def test_identifiers_are_stable_and_differ_per_language(sample, every):
    en, es = Book(sample.narrated["en"]), Book(sample.narrated["es"])
    assert en.dc("identifier") == [sample.story.identifier]
    assert es.dc("identifier")[0].startswith("urn:uuid:") and es.dc("identifier") != en.dc("identifier")
    assert Book(sample.text_only["es"]).dc("identifier") == es.dc("identifier")
    assert Book(every.narrated["es"]).dc("identifier") != es.dc("identifier")


def test_every_content_document_carries_its_language(sample, every):
    for built_books in (sample, every):
        for lang, path in built_books.narrated.items():
            book = Book(path)
            for name in book.documents():
                root = book.xml(name)
                assert (root.get("lang"), root.get(XML_LANG)) == (lang, lang), name


def test_inline_language_spans_keep_lang_and_xml_lang(every):
    story = Book(every.narrated["en"]).xml("story.xhtml")
    spanish = story.xpath("//x:span[@lang='es']", namespaces=NS)
    assert [s.text for s in spanish] == ["Tacna"] and spanish[0].get(XML_LANG) == "es"
    assert story.xpath("//x:div[@class='aside']", namespaces=NS)[0].get(XML_LANG) == "es"


def test_accessibility_metadata_of_a_narrated_book(sample):
    book = Book(sample.narrated["en"])
    assert book.meta("schema:accessMode") == ["textual", "visual", "auditory"]
    assert book.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = book.meta("schema:accessibilityFeature")
    assert set(features) == {"alternativeText", "structuralNavigation", "tableOfContents", "readingOrder",
                             "displayTransformability", "synchronizedAudioText"}
    assert "longDescription" not in features  # the sample has no long description
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("dcterms:conformsTo") == [CONFORMANCE] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert book.meta("a11y:certifiedBy") == ["International Organization for Migration"]


def test_the_summary_says_what_the_book_contains(sample, every):
    sample_summary = Book(sample.narrated["en"]).meta("schema:accessibilitySummary")[0]
    assert "Its 2 photos have text descriptions" in sample_summary
    assert "in Spanish" in sample_summary and "eSpeak NG en-us" in sample_summary
    assert "long description" not in sample_summary and "Footnotes" not in sample_summary
    every_summary = Book(every.narrated["en"]).meta("schema:accessibilitySummary")[0]
    assert "Its photo has a text description" in every_summary and "long description" in every_summary
    assert "Footnotes" in every_summary and "Decorative images" in every_summary
    assert "passages in Spanish" in every_summary
    spanish = Book(every.narrated["es"]).meta("schema:accessibilitySummary")[0]
    assert "Su foto tiene" in spanish and "pasajes en inglés" in spanish and "descripción larga" in spanish


def test_long_description_is_claimed_and_reachable_from_its_figure(every):
    book = Book(every.narrated["en"])
    assert "longDescription" in book.meta("schema:accessibilityFeature")
    story = book.xml("story.xhtml")
    img = story.xpath("//x:figure[@id='photo']/x:img", namespaces=NS)[0]
    target = story.xpath(f"//*[@id='{img.get('aria-details')}']", namespaces=NS)
    assert img.get("aria-details") == "photo-description" and target and target[0].tag.endswith("details")
    assert "the rectangle is steel blue" in "".join(target[0].itertext())
    decorative = story.xpath("//x:figure[@id='ornament']/x:img", namespaces=NS)[0]
    assert decorative.get("alt") == "" and decorative.get("aria-details") is None


def test_long_description_id_is_the_renders(every):
    story = Book(every.narrated["es"]).xml("story.xhtml")
    figure = every.story.article("es").figure("photo")
    assert story.xpath(f"//x:details[@id='{long_description_id(figure)}']", namespaces=NS)


def test_footnotes_are_epub_footnotes_with_links_both_ways(every):
    story = Book(every.narrated["en"]).xml("story.xhtml")
    refs = story.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    assert [(r.get("id"), r.get("href")) for r in refs] == [("fnref-1", "#fn-1"), ("fnref-2", "#fn-2"),
                                                            ("fnref-1-2", "#fn-1")]  # note 1 is called twice
    for ref in refs:
        note = story.xpath(f"//*[@id='{ref.get('href')[1:]}']", namespaces=NS)[0]
        assert note.tag == f"{{{NS['x']}}}aside" and note.get(f"{{{NS['epub']}}}type") == "footnote"
        assert note.get("role") == "doc-footnote" and ref.get("role") == "doc-noteref"
        back = note.xpath("x:p/x:a[@role='doc-backlink']", namespaces=NS)[0]
        assert back.get("href") == "#" + ref.get("href")[1:].replace("fn-", "fnref-")
    first = "".join(story.xpath("//x:aside[@id='fn-1']", namespaces=NS)[0].itertext())
    assert first.count("The source of the first claim.") == 1


def test_images_are_renditions_sized_for_e_readers(every, sample):
    book = Book(every.narrated["en"])
    media = {i["href"]: i["media-type"] for i in book.items().values() if i["href"].startswith("images/")}
    assert media == {"images/photo.jpg": "image/jpeg", "images/ornament.jpg": "image/jpeg"}
    xray = Book(sample.narrated["en"]).read("images/xray.jpg")
    assert b"Exif" not in xray[:2000]
    story = Book(sample.narrated["en"]).xml("story.xhtml")
    widths = {int(img.get("width")) for img in story.iterfind(".//x:img", NS)}
    assert max(widths) <= 1200


def test_cover_has_the_figures_alt_text(sample):
    book = Book(sample.narrated["es"])
    assert book.items()["cover-image"]["properties"] == "cover-image"
    img = book.xml("cover.xhtml").find(".//x:img", NS)
    assert img.get("role") == "doc-cover"
    assert img.get("alt") == sample.story.article("es").figure("xray").alt
    assert img.get("src") == book.items()["cover-image"]["href"]




def test_nav_has_toc_landmarks_and_list_of_illustrations(every):
    book = Book(every.narrated["en"])
    nav = book.xml("nav.xhtml")
    kinds = [n.get(f"{{{NS['epub']}}}type") for n in nav.iterfind(".//x:nav", NS)]
    assert kinds == ["toc", "loi", "landmarks"]
    toc = [(a.text, a.get("href")) for a in nav.xpath("//x:nav[@id='toc']//x:a", namespaces=NS)]
    assert toc == [("Every Construct: A Test Story", "story.xhtml"),
                   ("The first section", "story.xhtml#the-first-section"),
                   ("A subsection", "story.xhtml#a-subsection"), ("The second section", "story.xhtml#second"),
                   ("Notes", "story.xhtml#notes-title")]
    nested = nav.xpath("//x:nav[@id='toc']/x:ol/x:li[1]/x:ol/x:li[1]/x:ol/x:li/x:a", namespaces=NS)
    assert [a.text for a in nested] == ["A subsection"]
    loi = [(a.text, a.get("href")) for a in nav.xpath("//x:nav[@id='loi']//x:a", namespaces=NS)]
    assert loi == [("The test photo.", "story.xhtml#photo")]  # the caption; not the decorative ornament
    landmarks = [a.get(f"{{{NS['epub']}}}type") for a in nav.xpath("//x:nav[@id='landmarks']//x:a", namespaces=NS)]
    assert landmarks == ["cover", "toc", "loi", "bodymatter"]
    spine = [i.get("idref") for i in book.opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine == ["cover", "nav", "story"]


def _one_book(tmp_path, front_matter: str, body: str) -> Book:
    """The English EPUB of a small story written here, with the fixture's photo beside it."""
    folder = tmp_path / "story"
    (folder / "photos").mkdir(parents=True)
    shutil.copy(EVERY_CONSTRUCT.parent / "photos" / "photo.jpg", folder / "photos" / "a.jpg")
    shutil.copy(EVERY_CONSTRUCT.parent / "photos" / "photo.jpg", folder / "photos" / "b.jpg")
    (folder / "story.md").write_text(f"---\ntitle: Small\nlang: en\npublisher: P\n{front_matter}---\n\n{body}\n")
    story, _ = parse(folder / "story.md")
    [output] = EpubBuilder().build(story, BuildContext(tmp_path / "out", Cache(tmp_path / "cache"), Options()))
    return Book(output.path)


def test_no_cover_and_no_list_of_illustrations_without_photos(tmp_path):
    book = _one_book(tmp_path, "", "Just words.")
    assert "loi" not in book.read("nav.xhtml").decode() and "cover" not in book.items()
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")


def test_without_cover_key_the_first_figure_is_the_cover(tmp_path):
    book = _one_book(tmp_path, "", "![Two apples on a table.](photos/a.jpg){#a}\n\n![A pear.](photos/b.jpg){#b}")
    assert book.items()["cover-image"]["href"] == "images/a.jpg"
    assert book.xml("cover.xhtml").find(".//x:img", NS).get("alt") == "Two apples on a table."


def test_a_cover_that_is_no_figure_says_what_it_is(tmp_path):
    book = _one_book(tmp_path, "cover: photos/b.jpg\n", "![Two apples on a table.](photos/a.jpg){#a}")
    assert book.items()["cover-image"]["href"] == "images/b.jpg"
    assert book.xml("cover.xhtml").find(".//x:img", NS).get("alt") == "Cover: Small"


def test_image_names_are_plain_ascii_and_unique_and_alpha_stays_png(tmp_path):
    photo = EVERY_CONSTRUCT.parent / "photos" / "photo.jpg"
    for name in ("Niña en la plaza.jpg", "otra/Niña en la plaza.jpg"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(photo, tmp_path / name)
    Image.new("RGBA", (40, 30), (200, 0, 0, 128)).save(tmp_path / "map.png")
    photos = [inspect_photo(tmp_path, name) for name in ("Niña en la plaza.jpg", "otra/Niña en la plaza.jpg", "map.png")]
    images = book_images(photos, Cache(tmp_path / "cache"))
    assert [(i.href, i.media_type) for i in images.values()] == [
        ("images/nina-en-la-plaza.jpg", "image/jpeg"), ("images/nina-en-la-plaza-2.jpg", "image/jpeg"),
        ("images/map.png", "image/png")]
    assert Image.open(io.BytesIO(images["map.png"].data)).mode == "RGBA"
