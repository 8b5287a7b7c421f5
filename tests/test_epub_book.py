"""The EPUB's package, documents and navigation, read back from the built files."""

from __future__ import annotations

import shutil

import pytest

from epub_support import EVERY_CONSTRUCT, NS, SAMPLE, XML_LANG, Book, built
from storyexport.epub.metadata import CONFORMANCE
from storyexport.render import long_description_id


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
    quechua = story.xpath("//x:span[@lang='qu']", namespaces=NS)
    assert quechua and all(s.get(XML_LANG) == "qu" for s in quechua)
    assert story.xpath("//x:div[@class='note']", namespaces=NS)[0].get(XML_LANG) == "es"


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
    assert "long description" in every_summary and "Footnotes" in every_summary
    assert "Decorative images" in every_summary and "Quechua and Spanish" in every_summary
    spanish = Book(every.narrated["es"]).meta("schema:accessibilitySummary")[0]
    assert "Sus 2 fotos" in spanish and "quechua y inglés" in spanish


def test_long_description_is_claimed_and_reachable_from_its_figure(every):
    book = Book(every.narrated["en"])
    assert "longDescription" in book.meta("schema:accessibilityFeature")
    story = book.xml("story.xhtml")
    img = story.xpath("//x:figure[@id='market']/x:img", namespaces=NS)[0]
    target = story.xpath(f"//*[@id='{img.get('aria-details')}']", namespaces=NS)
    assert img.get("aria-details") == "market-description" and target and target[0].tag.endswith("details")
    assert "single row along the road" in "".join(target[0].itertext())
    decorative = story.xpath("//x:figure[@id='ornament']/x:img", namespaces=NS)[0]
    assert decorative.get("alt") == "" and decorative.get("aria-details") is None


def test_long_description_id_is_the_renders(every):
    story = Book(every.narrated["es"]).xml("story.xhtml")
    figure = every.story.article("es").figure("market")
    assert story.xpath(f"//x:details[@id='{long_description_id(figure)}']", namespaces=NS)


def test_footnotes_are_epub_footnotes_with_links_both_ways(every):
    story = Book(every.narrated["en"]).xml("story.xhtml")
    refs = story.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    assert len(refs) == 2
    for ref in refs:
        note = story.xpath(f"//*[@id='{ref.get('href')[1:]}']", namespaces=NS)[0]
        assert note.tag == f"{{{NS['x']}}}aside" and note.get(f"{{{NS['epub']}}}type") == "footnote"
        assert note.get("role") == "doc-footnote" and ref.get("role") == "doc-noteref"
        back = note.xpath("x:p/x:a[@role='doc-backlink']", namespaces=NS)[0]
        assert back.get("href") == f"#{ref.get('id')}"


def test_images_are_renditions_sized_for_e_readers(every, sample):
    book = Book(every.narrated["en"])
    media = {i["href"]: i["media-type"] for i in book.items().values() if i["href"].startswith("images/")}
    assert media == {"images/market.jpg": "image/jpeg", "images/route.png": "image/png",
                     "images/ornament.png": "image/png"}
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


def test_cover_falls_back_to_the_first_figure(every):
    book = Book(every.narrated["en"])
    assert book.items()["cover-image"]["href"] == "images/market.jpg"
    assert book.xml("cover.xhtml").find(".//x:img", NS).get("alt").startswith("Eight market stalls")


def test_nav_has_toc_landmarks_and_list_of_illustrations(every):
    book = Book(every.narrated["en"])
    nav = book.xml("nav.xhtml")
    kinds = [n.get(f"{{{NS['epub']}}}type") for n in nav.iterfind(".//x:nav", NS)]
    assert kinds == ["toc", "loi", "landmarks"]
    toc = [(a.text, a.get("href")) for a in nav.xpath("//x:nav[@id='toc']//x:a", namespaces=NS)]
    assert toc == [("The Market at the Border", "story.xhtml"), ("The stalls", "story.xhtml#the-stalls"),
                   ("Who sells", "story.xhtml#who-sells"), ("After the market", "story.xhtml#after-the-market"),
                   ("Notes", "story.xhtml#notes-title")]
    nested = nav.xpath("//x:nav[@id='toc']/x:ol/x:li[1]/x:ol/x:li[1]/x:ol/x:li/x:a", namespaces=NS)
    assert [a.text for a in nested] == ["Who sells"]
    loi = [a.get("href") for a in nav.xpath("//x:nav[@id='loi']//x:a", namespaces=NS)]
    assert loi == ["story.xhtml#market", "story.xhtml#route"]  # not the decorative ornament
    landmarks = [a.get(f"{{{NS['epub']}}}type") for a in nav.xpath("//x:nav[@id='landmarks']//x:a", namespaces=NS)]
    assert landmarks == ["cover", "toc", "loi", "bodymatter"]
    spine = [i.get("idref") for i in book.opf.iterfind("opf:spine/opf:itemref", NS)]
    assert spine == ["cover", "nav", "story"]


def test_no_list_of_illustrations_without_photos(tmp_path):
    from storyexport.builders import BuildContext, Options
    from storyexport.builders.epub import EpubBuilder
    from storyexport.cache import Cache
    from storyexport.parse import parse

    source = tmp_path / "plain" / "story.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Plain\nlang: en\npublisher: P\n---\n\nJust words.\n", "utf-8")
    story, _ = parse(source)
    [output] = EpubBuilder().build(story, BuildContext(tmp_path / "out", Cache(tmp_path / "cache"), Options()))
    book = Book(output.path)
    assert "loi" not in book.read("nav.xhtml").decode() and "cover" not in book.items()
    assert book.meta("schema:accessMode") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")


def test_image_names_are_plain_ascii_and_unique(tmp_path):
    from storyexport.cache import Cache
    from storyexport.epub.images import book_images
    from storyexport.images import inspect_photo

    market = EVERY_CONSTRUCT.parent / "photos" / "market.jpg"
    for name in ("Niña en la plaza.jpg", "otra/Niña en la plaza.jpg"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(market, tmp_path / name)
    photos = [inspect_photo(tmp_path, "Niña en la plaza.jpg"), inspect_photo(tmp_path, "otra/Niña en la plaza.jpg")]
    images = book_images(photos, Cache(tmp_path / "cache"))
    assert [image.href for image in images.values()] == ["images/nina-en-la-plaza.jpg", "images/nina-en-la-plaza-2.jpg"]
