"""The print team's colour profile (`print.icc`): inside the story folder, an ICC output profile for CMYK."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import ImageCms

from ..model import ColourProfile
from .photos import PhotoProblem, read_story_file

MAX_BYTES = 8 * 1024 * 1024  # the largest press profiles are about 2 MB


class ProfileProblem(Exception):
    """Why a colour profile cannot be used; the message is for the user."""


def colour_profile(folder: Path, src: str) -> ColourProfile:
    """The checked profile `src` names; ProfileProblem when it is not a CMYK output profile."""
    try:  # read once, no symlink followed, at most MAX_BYTES
        relative, data = read_story_file(folder, src, MAX_BYTES, kind="colour profile", thing="profile")
    except PhotoProblem as problem:
        raise ProfileProblem(str(problem)) from None
    file = folder / relative
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except (OSError, ImageCms.PyCMSError):
        raise ProfileProblem(f"{src!r} is not an ICC colour profile; ask the printer for its profile "
                             "(a .icc or .icm file)") from None
    if profile.xcolor_space.strip() != "CMYK" or profile.device_class != "prtr":
        raise ProfileProblem(f"{src!r} is for {profile.xcolor_space.strip()} ({_classes.get(profile.device_class, 'a profile')})"
                             ", not a CMYK output profile; the print PDF needs the printer's CMYK profile "
                             "(e.g. for FOGRA39 or GRACoL)")
    description = (profile.profile_description or profile.model or Path(src).stem).strip()
    return ColourProfile(src, file, hashlib.sha256(data).hexdigest(), description)


_classes = {"mntr": "a display profile", "scnr": "an input profile", "link": "a device link", "prtr": "an output profile",
            "spac": "a colour space profile", "abst": "an abstract profile", "nmcl": "a named colour profile"}
