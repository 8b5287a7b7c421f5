"""Assemble report.json and report.html for a story from the files in its output folder (the driver writes them)."""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..errors import Problem
from ..formats.renditions import rendition
from ..model import Story
from ..store.cache import Cache, cache_key
from ..store.clock import build_time
from ..store.layout import (
    CAPTIONS,
    EPUB,
    HTML_FOLDER,
    MP3,
    OPUS,
    PAGE_FORMAT,
    PRINT_PDF,
    TAGGED_PDF,
    TIMINGS,
)
from ..store.ledger import Ledger
from ..store.manifest import sha256_file
from ..text.accessibility import tagged_languages
from .checks import Check, checks_key, inspect_safely, passed, run_cached, warned, worst
from .epub_checks import check_epub
from .html_checks import check_page
from .image_checks import check_images, images_in_epub, images_in_folder, images_in_pdf
from .listening import listening_section
from .media_checks import check_audio, check_captions
from .pdf_checks import check_print_pdf, check_tagged_pdf
from .tagged_pdf_checks import check_reading_structure


def _checks(entry: dict[str, Any], story: Story, folder: Path, cache: Cache) -> list[Check]:
    """The checks of one output file (`entry`: its manifest entry) of the story in `folder`."""
    kind, path, sha = entry["format"], folder / entry["path"], entry["sha256"]
    timings = TIMINGS.path(folder, story.slug, entry.get("lang", ""))
    article = story.article(entry["lang"]) if entry.get("lang") in story.languages else story.original
    untranslated = tuple(value for _, value in article.untranslated())
    if kind == EPUB.format:
        return run_cached(cache, kind, path, sha, lambda p: check_epub(p, story.accessibility, untranslated)
                          + [check_images(images_in_epub(p))])
    if kind == TAGGED_PDF.format:
        return run_cached(cache, kind, path, sha, lambda p: check_tagged_pdf(p) + check_reading_structure(
            p, len(article.footnotes), tagged_languages(article)) + [check_images(images_in_pdf(p))])
    if kind == PRINT_PDF.format:
        return run_cached(cache, kind, path, sha, lambda p: check_print_pdf(p, entry))
    if kind in (MP3.format, OPUS.format):
        return run_cached(cache, kind, path, sha, lambda p: check_audio(p, timings))
    if kind == CAPTIONS.format:
        return run_cached(cache, kind, path, sha, lambda p: check_captions(p, timings))
    return inspect_safely(kind, path, lambda page: check_page(page, untranslated))


JUDGED = (EPUB.format, TAGGED_PDF.format, PRINT_PDF.format, MP3.format, OPUS.format, CAPTIONS.format, PAGE_FORMAT)


def check_books(story: Story, folder: Path, entries: list[dict[str, Any]], cache: Cache) -> None:
    """The checks of the story's EPUBs made in this process and kept in `cache`, where the report
    finds them. EPUBCheck runs in one JVM a process (epubcheck_door.py), and a JVM's first book costs
    about 6 s of processor time: a run whose workers share this machine's cache checks its books in
    its own JVM rather than warming one up in every worker (bench/README.md, bench/catalog.py)."""
    for entry in entries:
        if entry.get("format") == EPUB.format:
            _checks(entry, story, folder, cache)


def known_checks(entries: list[dict[str, Any]], cache: Cache) -> tuple[dict[str, tuple[bytes, dict]], bool]:
    """The cache entries of the checks already made of these outputs (by content), and whether that
    is all of them: a report made on another machine takes them along, so that its worker checks
    only what changed; a report with nothing left to check is quick to make anywhere."""
    keys = {checks_key(e["format"], e["sha256"]) for e in entries if e.get("format") in set(JUDGED) - {PAGE_FORMAT}}
    known = {key: hit for key in sorted(keys) if (hit := cache.get(key, kind="checks"))}
    return known, len(known) == len(keys)


def _source_checks(story: Story, problems: list[Problem]) -> list[dict[str, Any]]:
    mine = [p for p in problems if p.path == story.source]
    checks = [warned("source.lint", f"line {p.line}: {p.message}") for p in mine] or [
        passed("source.lint", "no problems: alt text, figures, headings and languages check out")]
    return [vars(c) for c in checks + [_review(story)]]


def _review(story: Story) -> Check:
    """What no machine can check, and whether the publisher has declared that a person did."""
    declared = story.accessibility
    if declared:
        return passed("source.accessibility-review", f"{declared.certified_by} declares {declared.conforms_to}; "
                      "the EPUBs say so")
    return warned("source.accessibility-review", "no person has declared this story's editions accessible, so they "
                  "claim no conformance. Have someone check that each alt text says what its photo shows, that "
                  "the reading order makes sense and that the narration says names right; then add to the front "
                  "matter accessibility: {conformsTo: EPUB Accessibility 1.1 - WCAG 2.2 Level AA, certifiedBy: "
                  "<who checked>}")


def attention(report: dict[str, Any]) -> list[dict[str, str]]:
    """Every failed and warning check, failures first, each with the file it is about (what to do is
    in its detail): what the report shows before anything else."""
    found = [{"file": report["source"]["file"], **c} for c in report["source"]["checks"]]
    found += [{"file": o["file"], **c} for o in report["outputs"] for c in o["checks"]]
    found += [{"file": "", "name": f"build.{f['format']}", "status": "fail", "detail": f["error"]}
              for f in report["failures"]]
    return sorted((c for c in found if c["status"] in ("fail", "warn")), key=lambda c: c["status"] != "fail")


def _output(entry: dict[str, Any], story: Story, folder: Path, cache: Cache) -> dict[str, Any]:
    kind = entry["format"]
    checks = _checks(entry, story, folder, cache)
    if kind == PAGE_FORMAT:  # the images the page build wrote (a file someone else put there is not judged)
        written = {folder / name for name in Ledger(folder).names()}
        checks += inspect_safely("images", folder / HTML_FOLDER,
                                 lambda html: [check_images(images_in_folder(html, written))])
    details = {k: entry[k] for k in ("engine", "voice", "language_tagging", "warnings") if k in entry}
    details.update({c.name.rsplit(".", 1)[-1]: c.figures for c in checks if c.figures})  # e.g. "loudness"
    return {"file": entry["path"], "format": kind, "lang": entry.get("lang"), "bytes": entry["bytes"],
            "sha256": entry["sha256"], "status": worst(checks), "details": details,
            "checks": [{k: v for k, v in vars(c).items() if v is not None} for c in checks]}


def report_data(story: Story, folder: Path, entries: list[dict[str, Any]], problems: list[Problem],
                failures: list[dict[str, str]], cache: Cache, jobs: int = 2) -> dict[str, Any]:
    judged = [entry for entry in entries if entry.get("format") in JUDGED]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:  # EPUBCheck runs in its own JVM
        outputs = list(pool.map(lambda entry: _output(entry, story, folder, cache), judged))
    source = _source_checks(story, problems)
    statuses = Counter(c["status"] for o in outputs for c in o["checks"]) + Counter(c["status"] for c in source)
    statuses.update({"fail": len(failures)})
    report = {"story": story.slug, "title": story.title, "languages": list(story.languages),
              "generator": f"storyexport {__version__}", "built": build_time(story).isoformat(),
              "summary": {s: statuses.get(s, 0) for s in ("pass", "warn", "fail", "skip")},
              "source": {"file": f"{story.folder.name}/{story.source.name}", "checks": source},
              "failures": failures, "outputs": outputs, "listening": listening_section(story, folder)}
    return {**report, "attention": attention(report)}


def _thumbnails(story: Story, folder: Path, cache: Cache) -> dict[str, str]:
    thumbs = {}
    if story.cover:
        cover = rendition(story.cover, cache, width=320, image_format="JPEG", quality=75)
        thumbs["cover"] = "data:image/jpeg;base64," + base64.b64encode(cover.data).decode()
    first_pdf = TAGGED_PDF.path(folder, story.slug, story.lang)
    if first_pdf.is_file():
        thumbs["pdf"] = _first_page(first_pdf, cache)
    return thumbs


def _first_page(path: Path, cache: Cache) -> str:
    key = cache_key("first-page", sha256_file(path))
    if hit := cache.get(key, kind="thumbnail"):
        return hit[0].decode()
    from .pdfium import pdfium_document

    with pdfium_document(path) as document:
        page = document[0]
        image = page.render(scale=320 / page.get_width()).to_pil()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", optimize=True)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    cache.put(key, uri.encode(), kind="thumbnail")
    return uri


def report_texts(story: Story, folder: Path, entries: list[dict[str, Any]], problems: list[Problem],
                 failures: list[dict[str, str]], cache: Cache, jobs: int = 2) -> tuple[str, str]:
    """report.json and report.html of the story whose outputs are in `folder`, as text."""
    data = report_data(story, folder, entries, problems, failures, cache, jobs)
    environment = Environment(loader=PackageLoader("storyexport", "templates/report"),
                              autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True)
    html = environment.get_template("report.html.j2").render(report=data, thumbs=_thumbnails(story, folder, cache))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n", html


def failed_outputs(report: dict[str, Any]) -> dict[str, str]:
    """The files the report fails (EPUBCheck errors, boxes in a PDF...), each with its first failing check."""
    return {output["file"]: f"{check['name']}: {check['detail']}" for output in report["outputs"]
            for check in output["checks"][::-1] if check["status"] == "fail"}
