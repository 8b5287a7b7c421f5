"""Last touches on the PDF objects before WeasyPrint writes them: stable XMP id, artifacts, real crop marks.

- PDF/X metadata gets `xmpMM:DocumentID xmp.did:<random uuid4>` from WeasyPrint, which would make
  every build differ; we derive it from the story's identifier instead.
- WeasyPrint stops the BleedBox 10 pt beyond the trim; a 5 mm bleed needs all of it.
- WeasyPrint draws crop marks inside the bleed, where a bleeding photo covers them and the
  guillotine cuts them off, in RGB. Printers expect them outside the bleed, in the slug: we widen
  the MediaBox and draw them there (TrimBox and BleedBox stay as they are), in registration
  colour (Separation /All), so that they print on every plate and the plates can be aligned.
- The print PDF's output intent names the print team's profile and condition (output_intent.py).
- Running heads and page numbers become pagination artifacts (see tagging.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from .geometry import MM_PER_INCH, PageGeometry
from .output_intent import OutputIntent, write_output_intent
from .pydyf_door import Array, Dictionary, Stream, page_objects, page_numbers, resolve
from .reading import add_id_tree
from .tagging import StructureFixes, mark_pagination_artifacts

PT_PER_MM = 72 / MM_PER_INCH
MARK_LENGTH = 5.0  # mm
MARK_MIN_OFFSET = 3.0  # mm from the trim: never inside the bleed
MARK_LINE_WIDTH = 0.25  # pt
DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")
REGISTRATION = "Registration"  # the colour space name the crop marks are drawn in


def finisher(document_key: str, geometry: PageGeometry, fixes: StructureFixes,
             intent: OutputIntent | None = None) -> Callable:
    """A WeasyPrint `finisher(document, pdf)`; `document_key` names this PDF of this story, `intent`
    makes it the print PDF."""
    def finish(document, pdf) -> None:
        _stable_document_id(pdf, document_key)
        mark_pagination_artifacts(pdf, fixes)
        if "StructTreeRoot" in pdf.catalog:
            add_id_tree(pdf)
        _full_bleed_box(pdf, geometry)
        if intent is not None:
            write_output_intent(pdf, intent)
        if geometry.marks:
            _registration_colour(pdf)
            _crop_marks(pdf, geometry)
    return finish


def _stable_document_id(pdf, document_key: str) -> None:
    if "Metadata" not in pdf.catalog:
        return
    metadata = resolve(pdf, pdf.catalog["Metadata"])
    stable = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, document_key)}".encode()
    metadata.stream = [DOCUMENT_ID.sub(stable, part) if isinstance(part, bytes) else part
                       for part in metadata.stream]


def _full_bleed_box(pdf, geometry: PageGeometry) -> None:
    """WeasyPrint stops the BleedBox at 10 pt (3.5 mm) whatever the bleed; it is the whole bleed."""
    bleed = geometry.bleed * PT_PER_MM
    for page in page_objects(pdf):
        x0, y0, x1, y1 = (float(value) for value in page["TrimBox"])
        page["BleedBox"] = Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])


def _registration_colour(pdf) -> None:
    """The registration colour, /All: one tint that marks every separation (C = M = Y = K = 100 %),
    added to the colour spaces of every page's resources."""
    tint = Dictionary({"FunctionType": 2, "Domain": Array([0, 1]), "C0": Array([0, 0, 0, 0]),
                       "C1": Array([1, 1, 1, 1]), "N": 1})
    pdf.add_object(tint)
    separation = Array(["/Separation", "/All", "/DeviceCMYK", tint.reference])
    for resources in dict.fromkeys(pdf.objects[number]["Resources"] for number in page_numbers(pdf)):
        resolve(pdf, resolve(pdf, resources)["ColorSpace"])[REGISTRATION] = separation


def _crop_marks(pdf, geometry: PageGeometry) -> None:
    offset = max(geometry.bleed, MARK_MIN_OFFSET) * PT_PER_MM
    length = MARK_LENGTH * PT_PER_MM
    slug = offset + length + PT_PER_MM
    for page in page_objects(pdf):
        x0, y0, x1, y1 = (float(value) for value in page["TrimBox"])
        page["MediaBox"] = Array([x0 - slug, y0 - slug, x1 + slug, y1 + slug])
        save, marks = Stream([b"q"]), Stream([b"Q"] + _marks(x0, y0, x1, y1, offset, length),
                                                         compress=True)
        pdf.add_object(save)
        pdf.add_object(marks)
        page["Contents"] = Array([save.reference, page["Contents"], marks.reference])


def _marks(x0: float, y0: float, x1: float, y1: float, offset: float, length: float) -> list[bytes]:
    """Two strokes per corner, on the trim lines, starting `offset` away from the trimmed page."""
    lines = [b"q", f"/{REGISTRATION} CS 1 SCN".encode(), f"{MARK_LINE_WIDTH} w".encode()]
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            lines.append(f"{x + sx * offset:.3f} {y:.3f} m {x + sx * (offset + length):.3f} {y:.3f} l S".encode())
            lines.append(f"{x:.3f} {y + sy * offset:.3f} m {x:.3f} {y + sy * (offset + length):.3f} l S".encode())
    lines.append(b"Q")
    return lines
