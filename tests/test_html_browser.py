"""The HTML pages in a real headless Chromium (Debian's): axe-core, reflow, weight, JavaScript off,
reduced motion, print, the narration player and the hostile story. One browser for the module."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyexport.source.parse import parse

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.slow  # Chromium, axe-core, and a narration

PAGE_BUDGET = 400 * 1000  # bytes the sample page may load at a 360 px viewport, audio aside
PAGES = {  # name: path under the output root
    "sample-en": "serving-hope/html/index.html", "sample-es": "serving-hope/html/es/index.html",
    "every-construct-en": "every-construct/html/index.html", "every-construct-es": "every-construct/html/es/index.html",
    "narrated-en": "narrated/html/index.html", "narrated-es": "narrated/html/es/index.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, paths, narrate, build_html) -> Path:
    """The output root: the sample, the every-construct story, the narrated story (with a narration
    by the audio builder, eSpeak NG) and the hostile story, each built by the html builder."""
    root = tmp_path_factory.mktemp("site")
    cache = tmp_path_factory.getbasetemp() / "html-cache"
    narrated, _ = parse(paths.story("narrated"))
    for lang in narrated.languages:
        narrate(narrated, lang, root / narrated.slug)
    for source in (paths.sample, *(paths.story(case) for case in ("every-construct", "narrated", "hostile"))):
        build_html(parse(source)[0], root, cache)
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".avif": "image/avif",
                      ".opus": "audio/ogg", ".vtt": "text/vtt", ".mp3": "audio/mpeg"}

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The output root over HTTP on the loopback interface, as a web host would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class Visit:
    """One page in a fresh browser context; every request is recorded, and refused unless local."""

    def __init__(self, browser, server: str, path: str, **context):
        self.server = server
        self.requests: list = []
        self.refused: list[str] = []
        self.context = browser.new_context(**context)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfinished", lambda request: self.requests.append(request))
        self.page.goto(server + path, wait_until="load")

    def _route(self, route) -> None:
        if route.request.url.startswith(self.server):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def scroll_through(self) -> None:
        """Scroll to the bottom and back, so lazy images load, then wait for them."""
        self.page.evaluate("""async () => {
            for (const image of document.images) {
                image.scrollIntoView({behavior: 'instant', block: 'center'});
                if (!image.complete) {
                    await new Promise(r => { image.addEventListener('load', r, {once: true});
                                             image.addEventListener('error', r, {once: true}); });
                }
                await image.decode().catch(() => null);
            }
            scrollTo({top: 0, behavior: 'instant'});
        }""")
        self.page.wait_for_load_state("networkidle")

    def loaded_bytes(self) -> int:
        return sum(request.sizes()["responseBodySize"] for request in self.requests)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened: list[Visit] = []

    def open_page(name: str, **context) -> Visit:
        opened.append(Visit(browser, server, PAGES.get(name, name), **context))
        return opened[-1]

    yield open_page
    for v in opened:
        v.close()


LOOKS = [("light", 320), ("light", 1280), ("dark", 320), ("dark", 1280)]


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violation_and_the_page_reflows(visit, axe, name):
    """Light and dark schemes, at 320 px (WCAG 1.4.10 reflow) and 1280 px."""
    v = visit(name, viewport={"width": 1280, "height": 900})
    v.scroll_through()
    found = {}
    for scheme, width in LOOKS:
        v.page.emulate_media(color_scheme=scheme)
        v.page.set_viewport_size({"width": width, "height": 900})
        found[f"{scheme} {width}px"] = axe(v.page)
        background = v.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == {"light": "rgb(255, 255, 255)", "dark": "rgb(22, 22, 22)"}[scheme]
        overflow = v.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
    assert found == {look: [] for look in found}
    assert v.refused == []


def test_axe_does_catch_violations(visit, axe):
    """The harness can fail: a missing alt text and grey-on-grey text are reported."""
    page = visit("sample-en").page
    page.evaluate("""() => { document.querySelector('figure img').removeAttribute('alt');
                             document.querySelector('main p').style.color = '#bbbbbb'; }""")
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in axe(page)}


@pytest.mark.parametrize("scale", [1, 2])
def test_sample_page_at_360px_loads_under_400_kb_and_nothing_remote(visit, scale):
    v = visit("sample-en", viewport={"width": 360, "height": 780}, device_scale_factor=scale)
    v.scroll_through()
    loaded = v.loaded_bytes()
    print(f"sample page at 360 px, device scale {scale}: {len(v.requests)} requests, {loaded} bytes")
    assert 0 < loaded < PAGE_BUDGET
    assert all(r.url.startswith(v.server) for r in v.requests) and v.refused == []
    images = [r.url for r in v.requests if r.resource_type == "image"]
    assert images and all(url.endswith(".avif") for url in images)  # the modern format is chosen
    assert all(re.search(r"-(480|800)\.avif$", url) for url in images)  # and a phone-sized width


def test_screenshots_of_the_sample(visit, tmp_path):
    folder = Path(os.environ.get("STORYEXPORT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (360, 1280):
            v = visit("sample-en", viewport={"width": width, "height": 800}, color_scheme=scheme)
            v.scroll_through()
            broken = v.page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth).length")
            assert broken == 0
            shot = folder / f"sample-{width}-{scheme}.png"
            v.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000


def test_page_structure_landmarks_headings_and_languages(visit):
    v = visit("every-construct-en")
    page = v.page
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").count() == 1
    for role in ("banner", "main", "contentinfo", "navigation"):
        assert page.get_by_role(role).count() == 1, role
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    spanish = page.locator("main span[lang=es]")
    assert spanish.count() >= 2 and "Tacna" in spanish.first.inner_text()
    switch = page.get_by_role("navigation").get_by_role("link", name="Español")
    assert switch.get_attribute("hreflang") == "es" and switch.get_attribute("lang") == "es"
    switch.click()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.locator("link[rel=alternate][hreflang=en]").get_attribute("href") == \
        "https://example.org/stories/every-construct/"


def test_figures_captions_credits_long_description_and_decorative_image(visit):
    page = visit("every-construct-en").page
    kite = page.get_by_role("img", name="A red kite flying over a green hill under a blue sky.")
    # one relation to its long description, the <details> that follows it (not a description too)
    assert kite.get_attribute("aria-details") == "kite-description" and kite.get_attribute("aria-describedby") is None
    assert "diamond-shaped and bright red" in page.locator("#kite-description").text_content()
    caption = page.locator("#kite figcaption")
    assert "The kite festival on the hill." in caption.inner_text()
    assert "Photo: Test Photographer" in caption.inner_text()
    assert page.locator("#kite details").get_attribute("open") is None  # closed until asked for
    page.locator("#kite summary").click()
    assert page.locator("#kite-description li").count() == 2
    assert page.locator("#ornament img").get_attribute("alt") == ""
    assert page.get_by_role("figure").count() == 4  # the decorative one is not announced as a figure


def test_footnotes_link_both_ways_with_accessible_names(visit):
    page = visit("every-construct-en").page
    calls = page.get_by_role("link", name="Note 1", exact=True)
    assert calls.count() == 2  # the same note called twice: two calls with distinct ids
    ids = [calls.nth(i).get_attribute("id") for i in range(2)]
    assert len(set(ids)) == 2
    calls.first.click()
    assert page.evaluate("location.hash") == "#fn-1"
    back = page.locator("#fn-1").get_by_role("link", name="Back to the text (Note 1)")
    back.click()
    assert page.evaluate("location.hash") == "#fnref-1"
    assert page.get_by_role("link", name="Note 2", exact=True).count() == 1


def test_metadata_json_ld_and_open_graph(visit):
    page = visit("every-construct-es").page
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "es"
    assert data["headline"] == "Todas las construcciones: una historia de prueba"
    assert data["url"] == "https://example.org/stories/every-construct/es/"
    assert data["identifier"].startswith("urn:uuid:")  # the Spanish edition's own, as its EPUB's
    assert data["translationOfWork"] == [{"@type": "NewsArticle", "inLanguage": "en",
                                          "identifier": "urn:isbn:9780000000002",
                                          "url": "https://example.org/stories/every-construct/"}]
    assert "longDescription" in data["accessibilityFeature"]
    og = dict(page.evaluate("[...document.querySelectorAll('meta[property^=\"og:\"]')]"
                            ".map(m => [m.getAttribute('property'), m.content])"))
    assert og["og:locale"] == "es_ES" and og["og:title"] == data["headline"]
    assert re.fullmatch(r"https://example\.org/stories/every-construct/images/kite-\w{8}-900\.jpg", og["og:image"])


def test_everything_shows_with_javascript_off(visit):
    v = visit("narrated-en", java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = v.page
    sentences = page.locator(".sentence")
    assert sentences.count() > 5
    for i in range(sentences.count()):
        assert sentences.nth(i).is_visible()
    assert page.locator("audio[controls]").is_visible()
    assert page.get_by_role("link", name=re.compile(r"^MP3, \d+ KB$")).is_visible()
    assert page.get_by_role("link", name="Captions (WebVTT)").is_visible()  # the captions, as a file
    assert not page.locator(".captions").is_visible() and not page.locator(".read-along-hint").is_visible()
    assert page.locator("main [tabindex]").count() == 0
    image = page.locator("figure img").first
    image.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_reduced_motion_is_respected(visit):
    calm = visit("sample-en", reduced_motion="reduce").page
    assert calm.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    assert calm.evaluate("getComputedStyle(document.querySelector('.sentence')).transitionDuration") == "0s"
    moving = visit("sample-en", reduced_motion="no-preference").page
    assert moving.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"


def test_print_stylesheet(visit):
    page = visit("every-construct-en").page
    page.emulate_media(media="print", color_scheme="dark")
    for hidden in (".skip-link", ".language-switch"):
        assert page.locator(hidden).evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("#kite-description-text").is_visible()  # long descriptions print, though closed
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_narration_player_captions_and_highlighting(visit, site):
    v = visit("narrated-en")
    page = v.page
    audio = page.locator("audio")
    sources = [s.get_attribute("type") for s in audio.locator("source").all()]
    assert sources == ["audio/ogg; codecs=opus", "audio/mpeg"]
    track = audio.locator("track")
    assert track.get_attribute("kind") == "captions" and track.get_attribute("srclang") == "en"
    cues = page.evaluate("""() => new Promise(resolve => {
        const track = document.querySelector('audio').textTracks[0];
        track.mode = 'hidden';
        const wait = () => track.cues && track.cues.length ? resolve([...track.cues].map(c => c.id)) : setTimeout(wait, 50);
        wait(); })""")
    sentence_ids = [f"s{n}" for n in range(1, 10)]
    assert [c for c in cues if "-" not in c] == sentence_ids  # a long sentence continues in "sN-2"...
    mp3 = site / "narrated" / "html" / "audio" / "narrated.en.mp3"
    assert mp3.read_bytes() == (site / "narrated" / "narrated.en.mp3").read_bytes()
    link = page.get_by_role("link", name=re.compile("^MP3"))
    assert link.inner_text() == f"MP3, {round(mp3.stat().st_size / 1000)} KB"
    times = dict((i, (b, e)) for i, b, e, _ in page.evaluate("JSON.parse(document.querySelector('audio').dataset.sentences)"))
    page.evaluate("""async () => {
        const audio = document.querySelector('audio');
        audio.preload = 'auto'; audio.load();
        await new Promise(r => audio.addEventListener('loadedmetadata', r, {once: true})); }""")
    alt_id = page.locator("figure img").get_attribute("id")
    for sentence, highlighted in (("s3", "#s3"), (alt_id, "figure#kite")):  # a photo is lit as its description is read
        page.evaluate("""async (time) => {
            const audio = document.querySelector('audio');
            audio.currentTime = time;
            await new Promise(r => audio.addEventListener('seeked', r, {once: true})); }""", sum(times[sentence]) / 2)
        playwright_api.expect(page.locator(highlighted)).to_have_class(re.compile(r"\bspeaking\b"))
        assert page.locator(".speaking").count() == 1


# -- read-along, word by word ---------------------------------------------------------------------

SEEK = """async (time) => {
    const audio = document.querySelector('audio');
    if (audio.readyState < 1) {
        audio.muted = true; audio.preload = 'auto'; audio.load();
        await new Promise(r => audio.addEventListener('loadedmetadata', r, {once: true}));
    }
    audio.currentTime = time;
    await new Promise(r => audio.addEventListener('seeked', r, {once: true}));
    await new Promise(r => requestAnimationFrame(r)); }"""


def words_of(page) -> list[tuple[str, float, float]]:
    """(word element id, begin, end) of every shown word, from the page's own timings."""
    rows = page.evaluate("JSON.parse(document.querySelector('audio').dataset.sentences)")
    found = [(f"{sid}w{k}", b, e) for sid, _, _, times in rows for k, (b, e) in enumerate(times, start=1)]
    shown = set(page.evaluate("[...document.querySelectorAll('.word')].map(e => e.id)"))
    return [w for w in found if w[0] in shown]


def lit(page) -> tuple[list[str], list[str]]:
    return (page.evaluate("[...document.querySelectorAll('.speaking')].map(e => e.id)"),
            page.evaluate("[...document.querySelectorAll('.speaking-word')].map(e => e.id)"))


def test_the_word_being_played_is_highlighted_inside_its_sentence(visit):
    page = visit("narrated-en").page
    timed = words_of(page)
    assert len(timed) > 20
    for word_id, begin, end in timed[::3]:  # seeking to each word's middle
        page.evaluate(SEEK, (begin + end) / 2)
        assert lit(page) == ([word_id.split("w")[0]], [word_id])
    # playing: whenever a word is lit, the audio is inside that word's time (or the pause after it)
    page.evaluate(SEEK, timed[0][1])
    page.evaluate("document.querySelector('audio').play()")
    bounds = {w: (b, nb) for (w, b, _), (_, nb, _) in zip(timed, [*timed[1:], ("", 1e9, 0)])}
    seen = set()
    for _ in range(12):
        page.wait_for_timeout(120)
        now, word = page.evaluate("""[document.querySelector('audio').currentTime,
                                       (document.querySelector('.speaking-word') || {}).id]""")
        if word:
            seen.add(word)
            begin, next_begin = bounds[word]
            assert begin - 0.05 <= now <= next_begin + 0.25, (word, now)  # one animation frame late at most
    page.evaluate("document.querySelector('audio').pause()")
    assert len(seen) >= 3  # it moved from word to word


def test_clicking_a_word_or_pressing_enter_on_it_plays_from_there(visit):
    page = visit("narrated-en").page
    word_id, begin, _ = words_of(page)[12]
    page.locator(f"#{word_id}").click()
    page.wait_for_function("() => !document.querySelector('audio').paused")
    start = page.evaluate("document.querySelector('audio').currentTime")
    assert begin <= start < begin + 0.6
    page.evaluate("document.querySelector('audio').pause()")
    # the keyboard: Tab reaches one word of the text, arrows move between words, Enter plays
    focusable = page.locator("main [tabindex='0'].word")
    assert focusable.count() == 1
    focusable.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    target = page.evaluate("document.activeElement.id")
    assert target != word_id and page.locator("main [tabindex='0']").count() == 1
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == "read-along-hint"
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('audio').paused")
    times = {w: b for w, b, _ in words_of(page)}
    assert times[target] <= page.evaluate("document.querySelector('audio').currentTime") < times[target] + 0.6
    page.evaluate("document.querySelector('audio').pause()")
    assert page.get_by_text(re.compile("^Select any word")).is_visible()


def test_the_page_follows_the_spoken_word_unless_the_reader_scrolled_away(visit):
    page = visit("narrated-en", viewport={"width": 360, "height": 320}, reduced_motion="reduce").page
    late = words_of(page)[-8]
    page.evaluate(SEEK, late[1])
    page.evaluate("scrollTo(0, 0)")
    page.evaluate("document.querySelector('audio').play()")  # far below: the page brings it into view
    in_view = "id => { const r = document.getElementById(id).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    page.wait_for_function(f"() => ({in_view})(document.querySelector('.speaking-word').id)", timeout=3000)
    page.mouse.move(180, 160)
    page.mouse.wheel(0, -2000)  # the reader goes back up to read something else
    page.wait_for_timeout(600)
    assert page.evaluate("scrollY") == 0  # and the page stays where the reader is
    page.evaluate("document.querySelector('audio').pause()")


def test_highlights_contrast_3_to_1_in_light_and_dark(visit):
    page = visit("narrated-en", reduced_motion="reduce").page  # no fading in: the colours as they settle
    page.evaluate("document.getElementById('s3').classList.add('speaking'); "
                  "document.getElementById('s3w2').classList.add('speaking-word')")
    style = """([id, prop]) => getComputedStyle(document.getElementById(id))[prop]"""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        color = {(i, p): rgb(page.evaluate(style, [i, p])) for i in ("s3", "s3w2")
                 for p in ("backgroundColor", "color", "textDecorationColor")}
        page_background = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        assert contrast(color["s3", "textDecorationColor"], page_background) >= 3  # the sentence is marked
        assert contrast(color["s3", "color"], color["s3", "backgroundColor"]) >= 4.5  # and stays readable
        assert contrast(color["s3w2", "backgroundColor"], color["s3", "backgroundColor"]) >= 3  # the word in it
        assert contrast(color["s3w2", "backgroundColor"], page_background) >= 3
        assert contrast(color["s3w2", "color"], color["s3w2", "backgroundColor"]) >= 4.5


def rgb(value: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", value)[:3])


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    def luminance(color):
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in color]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_captions_panel_shows_the_cue_being_spoken(visit, site):
    page = visit("narrated-en").page
    panel = page.locator(".captions")
    page.wait_for_function("document.querySelector('audio').textTracks[0].mode === 'hidden'")  # the script ran
    assert not panel.is_visible()  # no empty box before the narration plays
    cues = page.evaluate("""() => new Promise(resolve => {
        const track = document.querySelector('audio').textTracks[0];
        const wait = () => track.cues && track.cues.length
            ? resolve([...track.cues].map(c => [c.startTime, c.endTime, c.getCueAsHTML().textContent])) : setTimeout(wait, 50);
        wait(); })""")
    start, end, text = cues[4]
    page.evaluate(SEEK, (start + end) / 2)
    playwright_api.expect(page.locator(".captions-text")).to_have_text(text)
    playwright_api.expect(panel).to_be_visible()
    vtt = (site / "narrated" / "narrated.en.vtt").read_text("utf-8")
    assert all(line in vtt for line in text.split("\n"))  # the very lines of the captions file
    link = page.get_by_role("link", name="Captions (WebVTT)")
    assert link.get_attribute("href").endswith("narrated.en.vtt")
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert "captions" in data["accessibilityFeature"]  # claimed: the panel shows them


def test_hostile_story_yields_no_executable_markup(visit):
    v = visit("hostile/html/index.html")
    dialogs: list[str] = []
    v.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    v.page.reload(wait_until="load")
    v.scroll_through()
    for link in v.page.locator("main a").all():
        link.hover()
    found = v.page.evaluate("""() => {
        const all = [...document.querySelectorAll('*')];
        return {
          scripts: [...document.scripts].filter(s => s.type !== 'application/ld+json').length,
          embeds: document.querySelectorAll('iframe, object, embed, svg, frame, form, base, meta[http-equiv]').length,
          handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
          urls: all.flatMap(e => ['href', 'src', 'srcset', 'action', 'formaction', 'data', 'style']
                  .map(n => e.getAttribute(n) || '')).filter(u => /^\\s*(javascript|vbscript|data:text)/i.test(u)
                  || /javascript:/i.test(u)),
          text: document.body.innerText,
        }; }""")
    assert dialogs == []
    assert found["scripts"] == 0 and found["embeds"] == 0
    assert found["handlers"] == [] and found["urls"] == []
    assert "raw block script" not in found["text"]  # raw HTML outside the allowlist is dropped
    assert "<script>alert('code block')</script>" in found["text"]  # code is shown as text, not run
    assert v.refused == []
