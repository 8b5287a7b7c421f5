"""The words storyexport itself puts on the page and in the narration, per language."""

from __future__ import annotations

import datetime as dt

from .languages import primary_subtag

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "by": "By", "photo": "Photo", "photo_description": "Photo description",
        "long_description": "Description of the photo", "notes": "Notes", "note": "Note",
        "back_to_text": "Back to the text", "skip": "Skip to the story", "contents": "Contents",
        "listen": "Listen to this story", "download": "Download", "language": "Language",
        "read_in": "Read this story in", "figures": "Photos", "cover": "Cover",
        "published": "Published", "caption_track": "Captions",
    },
    "es": {
        "by": "Por", "photo": "Foto", "photo_description": "Descripción de la foto",
        "long_description": "Descripción de la foto", "notes": "Notas", "note": "Nota",
        "back_to_text": "Volver al texto", "skip": "Ir a la historia", "contents": "Índice",
        "listen": "Escuchar esta historia", "download": "Descargar", "language": "Idioma",
        "read_in": "Leer esta historia en", "figures": "Fotos", "cover": "Portada",
        "published": "Publicado", "caption_track": "Subtítulos",
    },
}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}


def label(lang: str, key: str) -> str:
    """A label in `lang`, or in English when storyexport does not speak that language yet."""
    return LABELS.get(primary_subtag(lang), LABELS["en"]).get(key, LABELS["en"][key])


def byline(authors: tuple[str, ...], lang: str) -> str:
    """"By IOM" / "Por IOM"; empty when the story names no author."""
    if not authors:
        return ""
    joiner = " y " if primary_subtag(lang) == "es" else " and "
    names = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + joiner + authors[-1]
    return f"{label(lang, 'by')} {names}"


def credit_line(credit: str, lang: str) -> str:
    """"Photo: IOM/Gema Cortes"."""
    return f"{label(lang, 'photo')}: {credit}" if credit else ""


def date_text(date: dt.date, lang: str) -> str:
    """"20 June 2023" / "20 de junio de 2023" (English words for languages not known yet)."""
    code = primary_subtag(lang) if primary_subtag(lang) in MONTHS else "en"
    month = MONTHS[code][date.month - 1]
    return f"{date.day} de {month} de {date.year}" if code == "es" else f"{date.day} {month} {date.year}"
