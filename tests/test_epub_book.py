"""The EPUB's package, documents and navigation, read back from the built files."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from storyexport.formats import BuildContext, Options
from storyexport.formats.epub.builder import EpubBuilder
from storyexport.formats.epub.images import book_images
from storyexport.source.parse import parse
from storyexport.source.photos import inspect_photo
from storyexport.store.cache import Cache
from storyexport.text.render import long_description_id


@pytest.mark.slow
def test_one_epub_per_language_named_after_the_story(sample_books):
    assert sorted(p.name for p in sample_books.narrated.values()) == ["serving-hope.en.epub", "serving-hope.es.epub"]


@pytest.mark.slow
def test_dublin_core_metadata(sample_books, open_epub):
    en, es = open_epub(sample_books.narrated["en"]), open_epub(sample_books.narrated["es"])
    assert en.dc("language") == ["en"] and es.dc("language") == ["es"]
    assert en.dc("title") == ["Serving Hope: A Venezuelan Doctor Finds Sanctuary in Peru"]
    assert es.dc("title") == ["Sirviendo esperanza: un médico venezolano encuentra refugio en Perú"]
    assert en.dc("publisher") == ["International Organization for Migration"]
    assert en.dc("date") == ["2023-06-20"] and en.dc("creator") == ["IOM"]
    assert en.dc("rights")[0].startswith("© International Organization for Migration")
    assert es.dc("description")[0].startswith("Jesús, traumatólogo venezolano")
    assert en.dc("subject") == ["migration", "health", "Venezuela", "Peru", "professional integration"]
    assert en.opf.get(en.XML_LANG) == "en" and es.opf.get(es.XML_LANG) == "es"


@pytest.mark.slow
def test_english_subjects_are_marked_english_in_the_spanish_book(sample_books, every_construct_books, open_epub):
    es = open_epub(every_construct_books.narrated["es"])  # its translation gives no subjects of its own
    subjects = es.opf.findall("opf:metadata/dc:subject", es.NS)
    assert subjects and all(s.get(es.XML_LANG) == "en" for s in subjects)
    publisher = es.opf.find("opf:metadata/dc:publisher", es.NS)
    assert publisher.text == "Example News" and publisher.get(es.XML_LANG) == "en"
    sample = open_epub(sample_books.narrated["es"])  # the sample's translation gives its own
    assert sample.dc("subject")[0] == "migración" and sample.dc("publisher") == [
        "Organización Internacional para las Migraciones"]
    assert all(e.get(sample.XML_LANG) is None for e in sample.opf.findall("opf:metadata/dc:subject", sample.NS))


@pytest.mark.slow
def test_identifiers_are_stable_and_differ_per_language(sample_books, every_construct_books, open_epub):
    en, es = open_epub(sample_books.narrated["en"]), open_epub(sample_books.narrated["es"])
    assert en.dc("identifier") == [sample_books.story.identifier]
    assert es.dc("identifier")[0].startswith("urn:uuid:") and es.dc("identifier") != en.dc("identifier")
    assert open_epub(sample_books.text_only["es"]).dc("identifier") == es.dc("identifier")
    assert open_epub(every_construct_books.narrated["es"]).dc("identifier") != es.dc("identifier")


@pytest.mark.slow
def test_every_content_document_carries_its_language(sample_books, every_construct_books, open_epub):
    for built_books in (sample_books, every_construct_books):
        for lang, path in built_books.narrated.items():
            book = open_epub(path)
            for name in book.documents():
                root = book.xml(name)
                assert (root.get("lang"), root.get(book.XML_LANG)) == (lang, lang), name


@pytest.mark.slow
def test_inline_language_spans_keep_lang_and_xml_lang(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])
    story = book.xml("story.xhtml")
    spanish = story.xpath("//x:span[@lang='es']", namespaces=book.NS)
    assert [s.text for s in spanish] == ["Tacna", "Tacna"]  # in the text, and in note 3
    assert all(s.get(book.XML_LANG) == "es" for s in spanish)
    assert story.xpath("//x:div[@class='aside']", namespaces=book.NS)[0].get(book.XML_LANG) == "es"


@pytest.mark.slow
def test_accessibility_metadata_of_a_narrated_book(sample_books, open_epub):
    book = open_epub(sample_books.narrated["en"])
    assert book.meta("schema:accessMode") == ["textual", "visual", "auditory"]
    assert book.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = book.meta("schema:accessibilityFeature")
    assert set(features) == {"alternativeText", "structuralNavigation", "tableOfContents", "readingOrder",
                             "displayTransformability", "synchronizedAudioText"}
    assert "longDescription" not in features  # the sample has no long description
    assert book.meta("schema:accessibilityHazard") == ["none"]
    # the publisher declared no conformance after a review of its own: the book claims none
    assert book.meta("dcterms:conformsTo") == [] and book.meta("a11y:certifiedBy") == []


@pytest.mark.slow
def test_the_summary_says_what_the_book_contains(sample_books, every_construct_books, open_epub):
    sample_summary = open_epub(sample_books.narrated["en"]).meta("schema:accessibilitySummary")[0]
    assert "Its 2 photos have text descriptions" in sample_summary
    assert "in Spanish" in sample_summary and "eSpeak NG en-us" in sample_summary
    assert "long description" not in sample_summary and "Footnotes" not in sample_summary
    every_summary = open_epub(every_construct_books.narrated["en"]).meta("schema:accessibilitySummary")[0]
    assert "Its 4 photos have text descriptions" in every_summary and "long description" in every_summary
    assert "Footnotes" in every_summary and "Decorative images" in every_summary
    assert "passages in Spanish" in every_summary
    spanish = open_epub(every_construct_books.narrated["es"]).meta("schema:accessibilitySummary")[0]
    assert "Sus 4 fotos tienen" in spanish and "pasajes en inglés" in spanish and "descripción larga" in spanish


@pytest.mark.slow
def test_long_description_is_claimed_and_reachable_from_its_figure(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])
    assert "longDescription" in book.meta("schema:accessibilityFeature")
    story = book.xml("story.xhtml")
    img = story.xpath("//x:figure[@id='photo']/x:img", namespaces=book.NS)[0]
    target = story.xpath(f"//*[@id='{img.get('aria-details')}']", namespaces=book.NS)
    assert img.get("aria-details") == "photo-description" and target and target[0].tag.endswith("details")
    assert "the rectangle is steel blue" in "".join(target[0].itertext())
    decorative = story.xpath("//x:figure[@id='ornament']/x:img", namespaces=book.NS)[0]
    assert decorative.get("alt") == "" and decorative.get("aria-details") is None


@pytest.mark.slow
def test_long_description_id_is_the_renders(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["es"])
    figure = every_construct_books.story.article("es").figure("photo")
    assert book.xml("story.xhtml").xpath(f"//x:details[@id='{long_description_id(figure)}']", namespaces=book.NS)


@pytest.mark.slow
def test_footnotes_are_epub_footnotes_with_links_both_ways(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])
    story, ns = book.xml("story.xhtml"), book.NS
    refs = story.xpath("//x:a[@epub:type='noteref']", namespaces=ns)
    assert [(r.get("id"), r.get("href")) for r in refs] == [("fnref-1", "#fn-1"), ("fnref-2", "#fn-2"),
                                                            ("fnref-1-2", "#fn-1"),  # note 1 is called twice
                                                            ("fnref-3", "#fn-3")]  # from inside the note block
    for ref in refs:
        note = story.xpath(f"//*[@id='{ref.get('href')[1:]}']", namespaces=ns)[0]
        assert note.tag == f"{{{ns['x']}}}aside" and note.get(f"{{{ns['epub']}}}type") == "footnote"
        assert note.get("role") == "doc-footnote" and ref.get("role") == "doc-noteref"
        back = note.xpath("x:p/x:a[@role='doc-backlink']", namespaces=ns)[0]
        assert back.get("href") == "#" + ref.get("href")[1:].replace("fn-", "fnref-")
    first = "".join(story.xpath("//x:aside[@id='fn-1']", namespaces=ns)[0].itertext())
    assert first.count("The source of the first claim.") == 1


@pytest.mark.slow
def test_images_are_renditions_sized_for_e_readers(every_construct_books, sample_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])
    media = {i["href"]: i["media-type"] for i in book.items().values() if i["href"].startswith("images/")}
    assert media == {"images/photo.jpg": "image/jpeg", "images/kite.jpg": "image/jpeg",
                     "images/lighthouse.jpg": "image/jpeg", "images/squares.jpg": "image/jpeg",
                     "images/ornament.png": "image/png"}  # the transparent ornament stays PNG
    kite = book.read("images/kite.jpg")  # the photo carries GPS EXIF, XMP and a comment
    assert b"Exif" not in kite[:2000] and b"SECRET" not in kite
    sample = open_epub(sample_books.narrated["en"])
    assert b"Exif" not in sample.read("images/xray.jpg")[:2000]
    widths = {int(img.get("width")) for img in sample.xml("story.xhtml").iterfind(".//x:img", sample.NS)}
    assert max(widths) <= 1200


@pytest.mark.slow
def test_cover_has_the_figures_alt_text(sample_books, open_epub):
    book = open_epub(sample_books.narrated["es"])
    assert book.items()["cover-image"]["properties"] == "cover-image"
    img = book.xml("cover.xhtml").find(".//x:img", book.NS)
    assert img.get("role") == "doc-cover"
    assert img.get("alt") == sample_books.story.article("es").figure("xray").alt
    assert img.get("src") == book.items()["cover-image"]["href"]




@pytest.mark.slow
def test_nav_has_toc_landmarks_and_list_of_illustrations(every_construct_books, open_epub):
    book = open_epub(every_construct_books.narrated["en"])
    nav, ns = book.xml("nav.xhtml"), book.NS
    kinds = [n.get(f"{{{ns['epub']}}}type") for n in nav.iterfind(".//x:nav", ns)]
    assert kinds == ["toc", "loi", "landmarks"]
    toc = [(a.text, a.get("href")) for a in nav.xpath("//x:nav[@id='toc']//x:a", namespaces=ns)]
    assert toc == [("Every Construct: A Test Story", "story.xhtml"),
                   ("The first section", "story.xhtml#the-first-section"),
                   ("A subsection", "story.xhtml#a-subsection"), ("The second section", "story.xhtml#second"),
                   ("Notes", "story.xhtml#notes-title")]
    nested = nav.xpath("//x:nav[@id='toc']/x:ol/x:li[1]/x:ol/x:li[1]/x:ol/x:li/x:a", namespaces=ns)
    assert [a.text for a in nested] == ["A subsection"]
    loi = [(a.text, a.get("href")) for a in nav.xpath("//x:nav[@id='loi']//x:a", namespaces=ns)]
    assert loi == [("The test photo.", "story.xhtml#photo"), ("The kite festival on the hill.", "story.xhtml#kite"),
                   ("A white lighthouse with a red top stands against a pale sky.", "story.xhtml#lighthouse"),
                   ("Print colours, converted for the screen.", "story.xhtml#squares")]
    # each by its caption, or its alt text when it has none; not the decorative ornament
    landmarks = [a.get(f"{{{ns['epub']}}}type") for a in nav.xpath("//x:nav[@id='landmarks']//x:a", namespaces=ns)]
    assert landmarks == ["cover", "toc", "loi", "bodymatter"]
    spine = [i.get("idref") for i in book.opf.iterfind("opf:spine/opf:itemref", ns)]
    assert spine == ["cover", "nav", "story"]


@pytest.fixture
def one_book(tmp_path, paths, open_epub):
    """one_book(front_matter, body): the EPUB of a small story written here (no narration), with
    the every-construct story's photo beside it as photos/a.jpg and photos/b.jpg."""
    def build(front_matter: str, body: str, lang: str = "en"):
        folder = tmp_path / "story"
        (folder / "photos").mkdir(parents=True)
        for name in ("a.jpg", "b.jpg"):
            shutil.copy(paths.stories / "every-construct" / "photos" / "photo.jpg", folder / "photos" / name)
        front = f"---\ntitle: Small\nlang: {lang}\npublisher: P\n{front_matter}---\n\n"
        (folder / "story.md").write_text(f"{front}{body}\n")
        story, _ = parse(folder / "story.md")
        [output] = EpubBuilder().build(story, BuildContext(tmp_path / "out", Cache(tmp_path / "cache"), Options()))
        return open_epub(output.path)
    return build


def test_no_cover_and_no_list_of_illustrations_without_photos(one_book):
    book = one_book("", "Just words.")
    assert "loi" not in book.read("nav.xhtml").decode() and "cover" not in book.items()
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")


def test_without_cover_key_the_first_figure_is_the_cover(one_book):
    book = one_book("", "![Two apples on a table.](photos/a.jpg){#a}\n\n![A pear.](photos/b.jpg){#b}")
    assert book.items()["cover-image"]["href"] == "images/a.jpg"
    assert book.xml("cover.xhtml").find(".//x:img", book.NS).get("alt") == "Two apples on a table."


def test_a_cover_that_is_no_figure_says_what_it_is(one_book):
    book = one_book("cover: photos/b.jpg\n", "![Two apples on a table.](photos/a.jpg){#a}")
    assert book.items()["cover-image"]["href"] == "images/b.jpg"
    assert book.xml("cover.xhtml").find(".//x:img", book.NS).get("alt") == "Cover: Small"


@pytest.mark.parametrize("lang, sentence", [("en", "Its photo has a text description (alternative text)."),
                                            ("es", "Su foto tiene una descripción en texto (texto alternativo).")])
def test_the_summary_of_a_book_with_one_photo_says_so_in_the_singular(one_book, lang, sentence):
    book = one_book("", "![Two apples on a table.](photos/a.jpg){#a}", lang=lang)
    assert sentence in book.meta("schema:accessibilitySummary")[0]


def test_image_names_are_plain_ascii_and_unique_and_alpha_stays_png(tmp_path, paths):
    photo = paths.stories / "every-construct" / "photos" / "photo.jpg"
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
