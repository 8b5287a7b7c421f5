"""Draw the sample story's stand-in photos (the IOM originals are not available here).

Run once from the project root: python tools/draw_standin_photos.py
The drawings follow what the real photos show (their alt text), at print resolution.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path("source/serving-hope/photos")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def person(draw: ImageDraw.ImageDraw, x: int, floor: int, height: int, coat: str, skin: str,
           hair: str, arms: str = "down") -> None:
    """A simple standing figure, feet on `floor`, centred on x."""
    head = height // 8
    body_top = floor - height + 2 * head
    draw.rounded_rectangle([x - head, body_top, x + head, floor - height // 2.4], radius=head // 2, fill=coat)
    draw.rectangle([x - head * 0.8, floor - height // 2.4, x - head * 0.15, floor], fill="#2f3b4c")
    draw.rectangle([x + head * 0.15, floor - height // 2.4, x + head * 0.8, floor], fill="#2f3b4c")
    draw.ellipse([x - head * 0.7, body_top - head * 1.5, x + head * 0.7, body_top], fill=skin)
    draw.chord([x - head * 0.75, body_top - head * 1.6, x + head * 0.75, body_top - head * 0.4], 180, 360, fill=hair)
    if arms == "crossed":
        draw.rounded_rectangle([x - head * 1.1, body_top + head * 1.2, x + head * 1.1, body_top + head * 1.7],
                               radius=head // 4, fill=coat, outline="#c9d3dc", width=6)
    elif arms == "pointing":
        draw.line([x + head, body_top + head * 0.6, x + head * 3.2, body_top - head * 0.6], fill=coat, width=head // 2)
        draw.ellipse([x + head * 3.0, body_top - head * 0.85, x + head * 3.5, body_top - head * 0.35], fill=skin)


def sitting(draw: ImageDraw.ImageDraw, x: int, seat: int, size: int, shirt: str, skin: str, hair: str) -> None:
    head = size // 5
    draw.rectangle([x - size // 2, seat, x + size // 2, seat + size // 8], fill="#6b4f3a")
    draw.rounded_rectangle([x - head, seat - size, x + head, seat], radius=head // 2, fill=shirt)
    draw.ellipse([x - head * 0.7, seat - size - head * 1.4, x + head * 0.7, seat - size], fill=skin)
    draw.chord([x - head * 0.75, seat - size - head * 1.5, x + head * 0.75, seat - size - head * 0.3], 180, 360, fill=hair)


def label(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    text = "Stand-in drawing for a photo by IOM/Gema Cortes"
    size = width // 60
    draw.rectangle([0, height - size * 2, width, height], fill="#00000099")
    draw.text((size, height - size * 1.6), text, font=font(size), fill="#ffffff")


def xray_office(width: int = 3900, height: int = 2600) -> Image.Image:
    image = Image.new("RGB", (width, height), "#dfe9ee")
    draw = ImageDraw.Draw(image, "RGBA")
    floor = int(height * 0.86)
    draw.rectangle([0, floor, width, height], fill="#9aa9b3")
    box = [int(width * 0.52), int(height * 0.12), int(width * 0.86), int(height * 0.52)]
    draw.rectangle(box, fill="#1c2530", outline="#5d6b78", width=18)
    cx, top = (box[0] + box[2]) // 2, box[1] + 60
    for i in range(7):  # ribs
        y = top + 90 + i * 95
        draw.arc([cx - 420, y, cx - 40, y + 260], 180, 300, fill="#e9f1f5", width=22)
        draw.arc([cx + 40, y, cx + 420, y + 260], 240, 360, fill="#e9f1f5", width=22)
    draw.rectangle([cx - 22, top + 40, cx + 22, box[3] - 60], fill="#f4f8fa")
    draw.rectangle([int(width * 0.05), int(height * 0.1), int(width * 0.3), int(height * 0.45)],
                   fill="#f7f3e8", outline="#8b8b8b", width=12)
    draw.rectangle([int(width * 0.04), int(height * 0.62), int(width * 0.36), int(height * 0.66)], fill="#7a5a40")
    person(draw, int(width * 0.45), floor, int(height * 0.7), "#fbfbfb", "#b07a56", "#2a1c14", "pointing")
    sitting(draw, int(width * 0.17), int(height * 0.74), int(height * 0.26), "#3b7fb6", "#c68e69", "#3a2a1e")
    sitting(draw, int(width * 0.29), int(height * 0.74), int(height * 0.24), "#c5523f", "#9b6a4b", "#1b1410")
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    label(ImageDraw.Draw(image, "RGBA"), width, height)
    return image


def hospital_sign(width: int = 2400, height: int = 1600) -> Image.Image:
    image = Image.new("RGB", (width, height), "#bcd7ea")
    draw = ImageDraw.Draw(image, "RGBA")
    draw.rectangle([0, int(height * 0.2), width, height], fill="#efe7da")
    for x in range(0, width, 300):
        draw.rectangle([x + 40, int(height * 0.28), x + 220, int(height * 0.5)], fill="#9fb8c8")
    sign = [int(width * 0.12), int(height * 0.05), int(width * 0.88), int(height * 0.22)]
    draw.rounded_rectangle(sign, radius=30, fill="#0b5c8e")
    draw.rectangle([sign[0] + 40, sign[1] + 60, sign[0] + 200, sign[1] + 100], fill="#ffffff")
    draw.rectangle([sign[0] + 100, sign[1] + 20, sign[0] + 140, sign[1] + 140], fill="#ffffff")
    draw.text((sign[0] + 260, sign[1] + 30), "CLÍNICA · TACNA", font=font(150), fill="#ffffff")
    floor = int(height * 0.95)
    draw.rectangle([0, floor, width, height], fill="#8d8a85")
    person(draw, width // 2, floor, int(height * 0.68), "#fbfbfb", "#b07a56", "#2a1c14", "crossed")
    image = image.filter(ImageFilter.GaussianBlur(1.0))
    label(ImageDraw.Draw(image, "RGBA"), width, height)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, image in (("xray.jpg", xray_office()), ("doctor.jpg", hospital_sign())):
        image.save(OUT / name, "JPEG", quality=88, dpi=(300, 300), optimize=True)
        print(OUT / name, image.size)


if __name__ == "__main__":
    main()
