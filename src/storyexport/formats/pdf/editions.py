"""The two PDFs of each language: which file each is and which WeasyPrint variant makes it."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Story
from ...store.layout import PRINT_PDF, TAGGED_PDF, FileKind


@dataclass(frozen=True)
class Edition:
    name: str  # "print" or "accessible"
    file: FileKind  # <slug>.<lang>.print.pdf or <slug>.<lang>.pdf
    variant: str  # WeasyPrint's pdf_variant

    def file_name(self, story: Story, lang: str) -> str:
        return self.file.name(story.slug, lang)


PRINT = Edition("print", PRINT_PDF, "pdf/x-4")
ACCESSIBLE = Edition("accessible", TAGGED_PDF, "pdf/ua-1")
EDITIONS = (PRINT, ACCESSIBLE)
