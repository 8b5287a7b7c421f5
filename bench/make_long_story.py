"""Generate a long bilingual story for the benchmark: English and its Spanish translation, deterministic.

    python bench/make_long_story.py DEST_FOLDER [--words 20000] [--photos 40] [--slug long-story]

Writes DEST_FOLDER/<slug>/story.md and its photos (2400 × 1600 JPEGs, print resolution). Each
language's text has about `--words` words (so the file holds twice as many), made from a fixed
vocabulary with a fixed seed, in sections and paragraphs of realistic length, with footnotes,
language spans and the same figures (same ids, translated alt text) spread through both.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    verbs: tuple[str, ...]
    span: str  # a phrase in the other language
    part: str  # "Part"
    note: str  # "A note about part {part}, paragraph {paragraph}."
    alt: str  # "Photo {figure}: ..."
    credit: str


ENGLISH = Vocabulary(
    words=tuple("the community garden clinic doctor family border town river road market school children "
                "mother father patient nurse work future dream journey home country city morning evening "
                "light water bread hands voice story year month week day street bus letter phone friend "
                "colleague language lesson hope patience courage kindness help support team office village "
                "season rain sun wind field harvest kitchen table window door bridge mountain coast".split()),
    verbs=tuple("walks carries remembers builds finds opens shares learns teaches waits answers crosses".split()),
    span="[Tacna]{lang=es}", part="Part", note="A note about part {part}, paragraph {paragraph}.",
    alt="Photo {figure}: coloured circles on a plain background.", credit="Bench/Generated")
SPANISH = Vocabulary(
    words=tuple("la comunidad el huerto la clínica el médico la familia la frontera el pueblo el río "
                "el camino el mercado la escuela los niños la madre el padre el paciente la enfermera "
                "el trabajo el futuro el sueño el viaje la casa el país la ciudad la mañana la tarde "
                "la luz el agua el pan las manos la voz la historia el año el mes la semana el día "
                "la calle el autobús la carta el teléfono el amigo el idioma la lección la esperanza "
                "la paciencia el valor la ayuda el equipo la oficina la aldea la lluvia el sol el viento "
                "el campo la cosecha la cocina la mesa la ventana la puerta el puente la montaña la costa"
                .split()),
    verbs=tuple("camina lleva recuerda construye encuentra abre comparte aprende enseña espera responde "
                "cruza".split()),
    span="[community garden]{lang=en}", part="Parte", note="Una nota sobre la parte {part}, párrafo {paragraph}.",
    alt="Foto {figure}: círculos de colores sobre un fondo liso.", credit="Bench/Generada")


def sentence(rng: random.Random, vocabulary: Vocabulary) -> str:
    words = [rng.choice(vocabulary.words) for _ in range(rng.randint(8, 22))]
    words.insert(rng.randint(1, 3), rng.choice(vocabulary.verbs))
    if rng.random() < 0.08:
        words.insert(rng.randint(2, len(words) - 1), vocabulary.span)
    return " ".join(words).capitalize() + "."


def photo(path: Path, index: int) -> None:
    rng = random.Random(index)
    image = Image.new("RGB", (2400, 1600), tuple(rng.randint(120, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randint(0, 2300), rng.randint(0, 1500)
        draw.ellipse([x, y, x + rng.randint(60, 400), y + rng.randint(60, 400)],
                     fill=tuple(rng.randint(0, 255) for _ in range(3)))
    image.save(path, "JPEG", quality=85, dpi=(300, 300))


def body(words: int, photos: int, rng: random.Random, vocabulary: Vocabulary) -> list[str]:
    """One language's text: sections of paragraphs, footnotes, and the figures p01, p02... in order."""
    lines: list[str] = []
    figure, note = 0, 0
    paragraphs = words // 90
    for number in range(paragraphs):
        part = number // 12 + 1
        if number % 12 == 0:
            lines += [f"## {vocabulary.part} {part}", ""]
        text = " ".join(sentence(rng, vocabulary) for _ in range(rng.randint(4, 7)))
        if rng.random() < 0.1:
            note += 1
            text += f"[^n{note}]"
            lines += [text, "", f"[^n{note}]: {vocabulary.note.format(part=part, paragraph=number)}", ""]
        else:
            lines += [text, ""]
        if figure < photos and number % max(1, paragraphs // photos) == 0:
            figure += 1
            lines += [f"![{vocabulary.alt.format(figure=figure)}](photos/p{figure:02d}.jpg)"
                      f'{{#p{figure:02d} credit="{vocabulary.credit}"}}', ""]
    return lines


def story(words: int, photos: int) -> str:
    lines = ["---", 'title: "A Long Story for the Benchmark"', "lang: en", "date: 2024-05-01",
             "author: Bench Writer", "publisher: storyexport bench", "translations:",
             '  es: {title: "Una historia larga para la medición"}', "---", ""]
    lines += body(words, photos, random.Random(2024), ENGLISH)
    lines += ["::: {lang=es}", "", *body(words, photos, random.Random(2025), SPANISH), ":::"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--words", type=int, default=20_000, help="words per language")
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--slug", default="long-story", help="the story's folder name")
    args = parser.parse_args()
    folder = args.dest / args.slug
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for index in range(1, args.photos + 1):
        target = folder / "photos" / f"p{index:02d}.jpg"
        if not target.exists():
            photo(target, index)
    (folder / "story.md").write_text(story(args.words, args.photos), "utf-8")
    print(folder / "story.md")


if __name__ == "__main__":
    main()
