"""The print PDF's output intent: the colour profile and printing condition the photos are made for.

The print team names its printer's profile and printing condition in the front matter
(`print: {icc: print/printer.icc, condition: FOGRA39}`); the photos are converted into that
profile and the PDF/X output intent embeds it, exactly as the file is, with the registered
condition name (ICC registry, http://www.color.org) a RIP and a preflight check recognise.
Without it storyexport falls back on Ghostscript's generic "Artifex CMYK SWOP" profile, written as
a custom condition, and the report warns: ask the printer for theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import BuildError
from ...model import PrintSettings
from ..renditions import BUNDLED_CMYK_PROFILE

ICC_REGISTRY = "http://www.color.org"
CUSTOM = "Custom"  # the identifier PDF/X uses for a condition that is not in a registry
GENERIC_DESCRIPTION = "Artifex CMYK SWOP Profile"


@dataclass(frozen=True)
class OutputIntent:
    profile: Path  # the ICC file the photos are converted into and the PDF embeds
    identifier: str  # /OutputConditionIdentifier
    registry: str  # /RegistryName: where the identifier is registered, "" for a custom one
    info: str  # /Info: the profile's name
    condition: str  # /OutputCondition: what the condition is, in words
    generic: bool  # storyexport's fallback, not the printer's

    def details(self) -> dict[str, object]:
        """What the manifest and the report say about it."""
        return {"identifier": self.identifier, "profile": self.info, "registry": self.registry or None,
                "generic": self.generic}


def output_intent(settings: PrintSettings) -> OutputIntent:
    """The printer's profile and condition when the front matter names them, else the generic one."""
    profile = settings.profile
    if profile is None:
        if not BUNDLED_CMYK_PROFILE.is_file():
            raise BuildError("the print colour profile assets/icc/default_cmyk.icc is missing from this "
                             "storyexport installation; reinstall storyexport")
        return OutputIntent(BUNDLED_CMYK_PROFILE, CUSTOM, "", GENERIC_DESCRIPTION,
                            "Generic coated offset printing (SWOP-like): not a printer's own condition", True)
    if settings.condition:
        return OutputIntent(profile.file, settings.condition, ICC_REGISTRY, profile.description,
                            f"{settings.condition} ({profile.description})", False)
    return OutputIntent(profile.file, CUSTOM, "", profile.description, profile.description, False)


def write_output_intent(pdf, intent: OutputIntent) -> None:
    """Name the condition on the output intent WeasyPrint wrote, and embed the profile file as it is
    (WeasyPrint embeds LittleCMS's re-serialisation of it, which can differ from the printer's file)."""
    from .pydyf_door import String, resolve

    intents = pdf.catalog.get("OutputIntents")
    if not intents:
        return
    written = intents[0]
    written["OutputConditionIdentifier"] = String(intent.identifier)
    written["Info"] = String(intent.info)
    written["OutputCondition"] = String(intent.condition)
    if intent.registry:
        written["RegistryName"] = String(intent.registry)
    resolve(pdf, written["DestOutputProfile"]).stream = [intent.profile.read_bytes()]
