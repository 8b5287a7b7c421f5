"""What the tests share, as fixtures: where things are, the command line in-process, narration, the
EPUB books and HTML pages the format tests read, and Chromium with axe-core.

Test modules take these as fixtures; none imports this file or another module of tests/.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from lxml import etree

from storyexport.cli import cli

if TYPE_CHECKING:
    from storyexport.model import Story
    from storyexport.text.timings import NarrationTimings

# -- where things are ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    root: Path  # the project folder

    @property
    def sample(self) -> Path:
        """The sample story (both languages, two full-size photos)."""
        return self.root / "source" / "serving-hope" / "story.md"

    @property
    def stories(self) -> Path:
        """The folder of the fixture stories, one folder each."""
        return self.root / "tests" / "fixtures" / "stories"

    @property
    def golden(self) -> Path:
        return self.root / "tests" / "golden"

    def story(self, case: str) -> Path:
        """The story file of a fixture story."""
        return self.stories / case / "story.md"


@pytest.fixture(scope="session")
def paths() -> Paths:
    return Paths(Path(__file__).resolve().parent.parent)


@pytest.fixture
def story_copy(tmp_path: Path, paths: Paths):
    """Copy a fixture story folder into a temporary folder (to edit it or add symlinks)."""
    def copy(case: str) -> Path:
        target = tmp_path / "source" / case
        shutil.copytree(paths.stories / case, target, symlinks=True)
        return target / "story.md"
    return copy


@pytest.fixture
def write_story(tmp_path: Path, paths: Paths):
    """write_story(text, slug="story", photos=("photos/photo.jpg",)) writes tmp_path/source/<slug>/story.md
    (the text dedented) with the minimal fixture's photo at each of `photos`; returns the story file."""
    def write(text: str, slug: str = "story", photos: tuple[str, ...] = ("photos/photo.jpg",)) -> Path:
        folder = tmp_path / "source" / slug
        folder.mkdir(parents=True, exist_ok=True)
        for photo in photos:
            (folder / photo).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths.stories / "minimal" / "photos" / "photo.jpg", folder / photo)
        (folder / "story.md").write_text(textwrap.dedent(text).lstrip(), "utf-8")
        return folder / "story.md"
    return write


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def run_cli():
    """run_cli(*args) runs `storyexport ARGS` in-process and returns click's Result (exit_code, output)."""
    def run(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return run


@pytest.fixture(scope="session")
def problem_lines():
    """problem_lines(output) is the (line, message) of each `.../story.md:LINE: message` line of a command's output."""
    def lines(output: str) -> list[tuple[int, str]]:
        found = []
        for text in output.splitlines():
            if re.search(r"story\.md:\d+: ", text):
                line, message = text.split("story.md:", 1)[1].split(": ", 1)
                found.append((int(line), message))
        return found
    return lines


@pytest.fixture(autouse=True)
def _restore_logging():
    """The CLI configures logging for the process; undo it after each test that runs the CLI in-process."""
    root, ours = logging.getLogger(), logging.getLogger("storyexport")
    saved = (list(root.handlers), root.level, ours.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    ours.setLevel(saved[2])


# -- narration ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def narrate(tmp_path_factory):
    """narrate(story, lang, folder): the real audio builder with eSpeak NG (the fast offline engine)
    writes <slug>.<lang>.mp3, .opus, .vtt and .timings.json into `folder`; returns the timings.

    One sentence cache for the whole session: a story narrated twice costs one synthesis.
    Every test that uses it (or a fixture built on it) is a slow test.
    """
    from storyexport.formats import BuildContext, Options
    from storyexport.formats.audio.builder import AudioBuilder
    from storyexport.store.cache import Cache
    from storyexport.store.layout import TIMINGS
    from storyexport.text.timings import load_timings

    cache = tmp_path_factory.mktemp("narration-cache")

    def run(story: Story, lang: str, folder: Path) -> NarrationTimings:
        options = Options(languages=(lang,), tts="espeak", offline=True)
        AudioBuilder().build(story, BuildContext(folder, Cache(cache), options))
        timings = load_timings(TIMINGS.path(folder, story.slug, lang))
        assert timings is not None
        return timings
    return run


# -- the EPUB books, narrated for real ----------------------------------------------------------


@dataclass(frozen=True)
class EpubBooks:
    story: Story
    folder: Path  # the output folder, with the narration the EPUBs were made from
    narrated: dict[str, Path]  # lang -> EPUB with media overlays
    text_only: dict[str, Path]  # lang -> EPUB built with narration switched off
    timings: dict[str, NarrationTimings]


def _epub_books(story_path: Path, root: Path, narrate) -> EpubBooks:
    """Narrate every language, then build the narrated and the text-only EPUBs."""
    from storyexport.formats import BuildContext, Options
    from storyexport.formats.epub.builder import EpubBuilder
    from storyexport.source.parse import parse
    from storyexport.store.cache import Cache

    story, _ = parse(story_path)
    folder = root / story.slug
    timings = {lang: narrate(story, lang, folder) for lang in story.languages}
    cache = Cache(root / ".cache")

    def build(target: Path, options: Options) -> dict[str, Path]:
        return {o.lang: o.path for o in EpubBuilder().build(story, BuildContext(target, cache, options))}

    narrated = build(folder, Options())
    text_folder = root / "text-only" / story.slug
    shutil.copytree(folder, text_folder)  # the narration is there too: the text-only variant must ignore it
    text_only = build(text_folder, Options(narration=False))
    return EpubBooks(story, folder, narrated, text_only, timings)


@pytest.fixture(scope="session")
def sample_books(paths, narrate, tmp_path_factory) -> EpubBooks:
    """The sample's EPUBs, narrated and text-only, built once per session (a slow fixture)."""
    return _epub_books(paths.sample, tmp_path_factory.mktemp("epub"), narrate)


@pytest.fixture(scope="session")
def every_construct_books(paths, narrate, tmp_path_factory) -> EpubBooks:
    """The every-construct story's EPUBs, narrated and text-only, built once per session (a slow fixture)."""
    return _epub_books(paths.story("every-construct"), tmp_path_factory.mktemp("epub"), narrate)


class Book:
    """An EPUB opened for inspection: its package document and any file inside it, parsed."""

    NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
          "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
          "smil": "http://www.w3.org/ns/SMIL"}
    XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

    def __init__(self, path: Path):
        self.archive = zipfile.ZipFile(path)
        self.opf = self.xml("content.opf")

    def read(self, name: str) -> bytes:
        return self.archive.read(f"EPUB/{name}")

    def xml(self, name: str):
        return etree.fromstring(self.read(name))

    def meta(self, prop: str) -> list[str]:
        """Values of the book-wide <meta property=...> (not those refining an item)."""
        return [m.text for m in self.opf.iterfind("opf:metadata/opf:meta", self.NS)
                if m.get("property") == prop and not m.get("refines")]

    def refining(self, prop: str) -> dict[str, str]:
        return {m.get("refines"): m.text for m in self.opf.iterfind("opf:metadata/opf:meta", self.NS)
                if m.get("property") == prop and m.get("refines")}

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", self.NS)]

    def items(self) -> dict[str, dict]:
        """Manifest items by id."""
        return {i.get("id"): dict(i.attrib) for i in self.opf.iterfind("opf:manifest/opf:item", self.NS)}

    def documents(self) -> list[str]:
        return [i["href"] for i in self.items().values() if i["media-type"] == "application/xhtml+xml"]


def _with_duplicate_id(book: bytes) -> bytes:
    """The EPUB with a second element carrying the id of its first sentence (EPUBCheck: RSC-005)."""
    source, target = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("story.xhtml"):
                data = data.replace(b"</h1>", b'</h1><p id="s1">again</p>', 1)
            out.writestr(info, data)
    return target.getvalue()


@pytest.fixture(scope="session")
def with_duplicate_id():
    """with_duplicate_id(epub_bytes) is the book with an error EPUBCheck reports (a duplicate id)."""
    return _with_duplicate_id


@pytest.fixture(scope="session")
def open_epub():
    """open_epub(path) is a Book: the EPUB's package document and files, parsed; book.NS holds the
    namespace prefixes its queries use (opf, dc, x, epub, smil) and book.XML_LANG the xml:lang name."""
    return Book


# -- a story built with every format, as `storyexport all` builds it ---------------------------


@dataclass(frozen=True)
class BuiltStory:
    story: Story
    folder: Path  # output/<slug>/, with every format, report.json and manifest.json

    def path(self, suffix: str, lang: str) -> Path:
        """<slug>.<lang><suffix>: path(".print.pdf", "es")."""
        return self.folder / f"{self.story.slug}.{lang}{suffix}"

    @property
    def report(self) -> dict:
        return json.loads((self.folder / "report.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def expert_review(paths, tmp_path_factory) -> BuiltStory:
    """The expert-review story (bilingual; a footnote, lists, links, a quote, a long description, a
    portrait photo; an A6 print edition of six pages) built by `storyexport all`'s pipeline with eSpeak
    NG, report included, once per session (a slow fixture)."""
    from storyexport.formats import Options
    from storyexport.pipeline import build
    from storyexport.source.parse import parse

    output = tmp_path_factory.mktemp("expert-review")
    result = build([paths.story("expert-review")], ["audio", "html", "epub", "pdf"], output,
                   Options(tts="espeak", offline=True))
    assert not result.failed, [r.error for r in result.results if r.error]
    story, _ = parse(paths.story("expert-review"))
    return BuiltStory(story, output / story.slug)


# -- the HTML pages -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def build_html():
    """build_html(story, output, cache, languages=()) builds the html format of `story` into
    output/<slug>/ with its cache in the folder `cache`, and returns output/<slug>."""
    from storyexport.formats import BuildContext, Options
    from storyexport.formats.html.builder import HtmlBuilder
    from storyexport.store.cache import Cache

    def build(story: Story, output: Path, cache: Path, languages: tuple[str, ...] = ()) -> Path:
        folder = output / story.slug
        HtmlBuilder().build(story, BuildContext(folder, Cache(cache), Options(languages=languages)))
        return folder
    return build


# -- a browser, and axe-core in it --------------------------------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (no browser download), once per session."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium is not installed ({CHROMIUM})")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe():
    """axe(page) is the list of WCAG 2.2 A/AA violations axe-core finds in the page as it is now
    displayed: {id, impact, targets} each."""
    axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
    script = axe_api.Axe().axe_script
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

    def violations(page) -> list[dict]:
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(script)
        result = page.evaluate("options => axe.run(document, options)", options)
        return [{"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
                for v in result["violations"]]
    return violations


# -- a catalog of stories, and a Ray cluster to build it on -------------------------------------

CATALOG_TEXT = {  # four short bilingual stories, each saying something of its own
    "market": ("The market opens at dawn in Tacna.", "El mercado abre al amanecer en Tacna."),
    "school": ("Forty children started school in March.", "Cuarenta niños empezaron la escuela en marzo."),
    "clinic": ("The clinic sees patients six days a week.", "La clínica atiende seis días a la semana."),
    "bakery": ("Her bakery sells bread made at four in the morning.", "Su panadería vende pan hecho a las cuatro."),
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, paths) -> Path:
    """A folder of four bilingual stories (two sentences a language, one photo each), made from the
    bilingual fixture with each story's own words: source/<slug>/story.md."""
    root = tmp_path_factory.mktemp("catalog") / "source"
    template = (paths.stories / "bilingual" / "story.md").read_text("utf-8")
    for slug, (english, spanish) in CATALOG_TEXT.items():
        folder = root / slug
        shutil.copytree(paths.stories / "bilingual", folder)
        text = template.replace('title: "The Garden"', f'title: "The {slug.title()}"')
        text = text.replace("The garden opened in [Tacna]{lang=es} last spring.",
                            f"The garden opened in [Tacna]{{lang=es}} last spring. {english}")
        text = text.replace("El huerto abrió en Tacna la primavera pasada.",
                            f"El huerto abrió en Tacna la primavera pasada. {spanish}")
        (folder / "story.md").write_text(text, "utf-8")
    return root


@pytest.fixture(scope="session")
def output_files():
    """output_files(output) is {path under output/: file bytes} of every story's files (not the cache,
    nor the run's temporary folder, which this process keeps until it ends)."""
    def files(output: Path) -> dict[str, bytes]:
        return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*"))
                if p.is_file() and p.relative_to(output).parts[0] not in (".cache", ".lock", ".storyexport-tmp")}
    return files


@pytest.fixture(scope="session")
def carry_over_checks():
    """carry_over_checks(output, other_output): copies the results of the report's checks (EPUBCheck,
    PDF and audio inspections) from one output folder's cache to another's, and nothing else. They
    are keyed by each output's sha256, so the second build reuses them only for outputs identical
    to the first build's (a test comparing the two builds then spends no time re-running the same
    EPUBCheck on the same bytes); every format is still built from scratch."""
    def carry(output: Path, other: Path) -> int:
        copied = 0
        for record in (output / ".cache").rglob("*.json"):
            if '"kind": "checks"' in record.read_text("utf-8"):
                target = other / ".cache" / record.relative_to(output / ".cache")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(record, target)
                shutil.copy2(record.with_suffix(".bin"), target.with_suffix(".bin"))
                copied += 1
        return copied
    return carry


def _pids_using(folder: str) -> list[int]:
    """Processes holding a file open under `folder`: every Ray process of a cluster keeps its logs there."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith(folder) for fd in os.listdir(f"/proc/{pid}/fd")):
                found.append(int(pid))
        except OSError:
            pass
    return [pid for pid in found if pid != os.getpid()]


@pytest.fixture(scope="module")
def ray_cluster():
    """A real two-node Ray cluster on loopback (one CPU each), started in this process, and its
    address. Nothing leaves the machine (no usage report, no cloud-metadata probe) and nothing
    outlives the module: every Ray process is ended and its temporary folder removed."""
    import signal
    import tempfile
    import time

    ray = pytest.importorskip("ray")
    import ray._private.services as services
    from ray.cluster_utils import Cluster

    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # AF_UNIX socket paths must stay under 107 bytes
    home = Path(temp) / "home"
    home.mkdir()
    (Path(temp) / "ray").mkdir()  # Ray keeps the address of the last cluster in $TMPDIR/ray/
    (home / "ray_bootstrap_config.yaml").write_text("{}\n")  # the dashboard then probes no cloud metadata
    fast_health = {"health_check_period_ms": 500, "health_check_timeout_ms": 500,
                   "health_check_failure_threshold": 2, "health_check_initial_delay_ms": 0}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("TMPDIR", temp)  # the workers' scratch folders, removed with the cluster
        patch.setenv("RAY_USAGE_STATS_ENABLED", "0")
        patch.setenv("RAY_USAGE_STATS_REPORT_URL", "http://127.0.0.1:9/")  # the "disabled" ping goes nowhere
        patch.setattr(services, "resolve_ip_for_localhost", lambda host: host)  # keep 127.0.0.1 (Ray issue 59110)
        loopback = {"node_ip_address": "127.0.0.1", "temp_dir": temp}
        cluster = Cluster(initialize_head=True, head_node_args={
            "num_cpus": 1, "include_dashboard": False, "_system_config": fast_health, **loopback})
        try:
            cluster.add_node(num_cpus=1, **loopback)
            ray.init(address=cluster.address, log_to_driver=False)
            cluster.wait_for_nodes()
            ray.shutdown()  # storyexport connects by itself
            cluster.loopback = loopback
            yield cluster
        finally:
            ray.shutdown()
            cluster.shutdown()
            for _ in range(100):  # a killed node's workers notice within seconds that their raylet is gone
                if not (left := _pids_using(temp)):
                    break
                time.sleep(0.1)
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            shutil.rmtree(temp, ignore_errors=True)
    assert not left, f"Ray processes outlived the cluster: {left}"
