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
        "landmarks": "Guide", "published_by": "Published by {publisher}",
        "a11y_structure": "This EPUB 3 edition reflows to any screen and has a table of contents, "
                          "headings and a reading order that follows the text.",
        "a11y_photo": "Its photo has a text description (alternative text).",
        "a11y_photos": "Its {count} photos have text descriptions (alternative text).",
        "a11y_long_descriptions": "Photos with much detail also have a long description, linked from the photo.",
        "a11y_decorative": "Decorative images are marked so that screen readers skip them.",
        "a11y_notes": "Footnotes are linked from the text, and each links back to it.",
        "a11y_language": "The language of the text is marked, so that text-to-speech reads it correctly.",
        "a11y_languages": "The language of the text is marked, including the words and passages in {languages}, "
                          "so that text-to-speech reads them correctly.",
        "a11y_display": "Fonts, text size, colours and spacing can be changed; no information depends on colour.",
        "a11y_narration": "A narration in synthesized speech ({narrator}, {duration}) reads the story aloud, "
                          "including each photo's alternative text, and highlights each sentence as it is read.",
        "a11y_no_narration": "This edition has no narration; reading systems with text-to-speech can read it aloud.",
        "a11y_hazards": "It has no flashing, motion or sound hazards.",
        "a11y_conformance": "{publisher} declares that it meets EPUB Accessibility 1.1 at WCAG 2.2 Level AA.",
        "download_narration": "Download the narration", "synthetic_voice": "Computer-generated voice",
        "decimal_mark": ".",
    },
    "es": {
        "by": "Por", "photo": "Foto", "photo_description": "Descripción de la foto",
        "long_description": "Descripción de la foto", "notes": "Notas", "note": "Nota",
        "back_to_text": "Volver al texto", "skip": "Ir a la historia", "contents": "Índice",
        "listen": "Escuchar esta historia", "download": "Descargar", "language": "Idioma",
        "read_in": "Leer esta historia en", "figures": "Fotos", "cover": "Portada",
        "published": "Publicado", "caption_track": "Subtítulos",
        "landmarks": "Guía", "published_by": "Publicado por {publisher}",
        "a11y_structure": "Esta edición EPUB 3 se adapta a cualquier pantalla y tiene un índice, "
                          "encabezados y un orden de lectura que sigue el texto.",
        "a11y_photo": "Su foto tiene una descripción en texto (texto alternativo).",
        "a11y_photos": "Sus {count} fotos tienen descripciones en texto (texto alternativo).",
        "a11y_long_descriptions": "Las fotos con mucho detalle tienen además una descripción larga, enlazada desde la foto.",
        "a11y_decorative": "Las imágenes decorativas están marcadas para que los lectores de pantalla las omitan.",
        "a11y_notes": "Las notas al pie están enlazadas desde el texto, y cada una enlaza de vuelta a él.",
        "a11y_language": "El idioma del texto está marcado, para que la síntesis de voz lo lea correctamente.",
        "a11y_languages": "El idioma del texto está marcado, también en las palabras y pasajes en {languages}, "
                          "para que la síntesis de voz los lea correctamente.",
        "a11y_display": "Se pueden cambiar la letra, el tamaño del texto, los colores y el espaciado; "
                        "ninguna información depende del color.",
        "a11y_narration": "Una narración con voz sintetizada ({narrator}, {duration}) lee la historia en voz "
                          "alta, incluido el texto alternativo de cada foto, y resalta cada frase mientras se lee.",
        "a11y_no_narration": "Esta edición no tiene narración; los sistemas de lectura con síntesis de voz pueden "
                             "leerla en voz alta.",
        "a11y_hazards": "No tiene riesgos de destellos, movimiento ni sonido.",
        "a11y_conformance": "{publisher} declara que cumple EPUB Accessibility 1.1 con el nivel AA de WCAG 2.2.",
        "download_narration": "Descargar la narración", "synthetic_voice": "Voz generada por computadora",
        "decimal_mark": ",",
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


def decimal(value: float, lang: str, places: int = 1) -> str:
    """A number with the language's decimal mark: 1.2 / 1,2."""
    return f"{value:.{places}f}".replace(".", label(lang, "decimal_mark"))
