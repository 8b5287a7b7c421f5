"""The builder contract and the registry: one builder per output format, named as its CLI target."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from ..model import Story
from ..store.cache import Cache


SENTENCE, WORD = "sentence", "word"
OVERLAY_LEVELS = (SENTENCE, WORD)  # what the EPUB's read-aloud highlights as it plays (--overlay)


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    languages: tuple[str, ...] = ()  # empty: every language of the story
    tts: str = "auto"
    offline: bool = False
    strict: bool = False
    jobs: int = 2
    narration: bool = True  # False: text-only EPUBs (no audio, no media overlays)
    overlay: str = SENTENCE  # the EPUB's media overlays follow sentences or words (OVERLAY_LEVELS)


@dataclass
class BuildContext:
    """Where a builder writes and what it may use; one per story."""

    folder: Path  # output/<slug>/
    cache: Cache
    options: Options
    report_progress: Callable[[str, int, int], None] = lambda task, done, total: None
    cancelled: threading.Event = field(default_factory=threading.Event)
    engines: dict[str, Any] = field(default_factory=dict)  # this run's narration engines, by name (tts.get_engine)

    def progress(self, task: str, done: int, total: int) -> None:
        """Report progress; this is also where an interrupted run stops a builder (between steps)."""
        self.stop_if_cancelled()
        self.report_progress(task, done, total)

    def stop_if_cancelled(self) -> None:
        """Raises KeyboardInterrupt once the run is interrupted; long steps call it as they go."""
        if self.cancelled.is_set():
            raise KeyboardInterrupt

    def languages(self, story: Story) -> tuple[str, ...]:
        wanted = self.options.languages
        return tuple(lang for lang in story.languages if not wanted or lang in wanted)


@dataclass(frozen=True)
class Output:
    """A file a builder wrote: what it is, in which language, and what the manifest should say about it."""

    path: Path
    format: str | None  # what the report judges it as (store.layout: "epub", "print pdf"...); None: a part
    lang: str | None = None  # of a page, an image, a copy
    details: Mapping[str, Any] = field(default_factory=dict)  # JSON values for manifest and report

    def manifest_entry(self) -> dict[str, Any]:
        """The details, with the format and language the report reads back."""
        known = {"format": self.format, "lang": self.lang}
        return {**{k: v for k, v in known.items() if v is not None}, **self.details}


class Builder(Protocol):
    name: ClassVar[str]  # also the command-line target
    description: ClassVar[str]
    needs: ClassVar[tuple[str, ...]]  # formats to build first when they are asked for too

    def build(self, story: Story, ctx: BuildContext) -> list[Output]: ...


def registry() -> dict[str, Builder]:
    """Every format by name, in the order `all` builds them (audio first: the others use its timings)."""
    # imported here, not at the top: each builder module imports this one
    from .audio.builder import AudioBuilder
    from .epub.builder import EpubBuilder
    from .html.builder import HtmlBuilder
    from .pdf.builder import PdfBuilder

    return {
        "audio": AudioBuilder(),
        "html": HtmlBuilder(),
        "epub": EpubBuilder(),
        "pdf": PdfBuilder(),
    }


def get_builder(name: str) -> Builder:
    builders = registry()
    if name not in builders:
        raise KeyError(f"unknown format {name!r}; the formats are {', '.join(builders)}")
    return builders[name]
