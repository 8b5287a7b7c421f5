"""The two PDFs of each language: what they are called and which WeasyPrint variant makes them."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Story


@dataclass(frozen=True)
class Edition:
    name: str  # "print" or "accessible"
    suffix: str  # of the file name: <slug>.<lang><suffix>
    variant: str  # WeasyPrint's pdf_variant

    def file_name(self, story: Story, lang: str) -> str:
        return f"{story.slug}.{lang}{self.suffix}"


PRINT = Edition("print", ".print.pdf", "pdf/x-4")
ACCESSIBLE = Edition("accessible", ".pdf", "pdf/ua-1")
EDITIONS = (PRINT, ACCESSIBLE)
