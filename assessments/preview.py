"""The link-preview image of a result: the profile chart as a 1200 × 630 PNG.

Pure: the questionnaire's title and the chart's rows (each reason's title,
band and score, from `chart.rows`) in, PNG bytes out. The image is shown to
whoever is sent a shared link, so it is given nothing else: no statement and
no answer can be drawn, because none reaches it. The same rows give the same
bytes, so the image can be cached and compared.

Drawn with Pillow at twice the size and scaled down, which smooths the
rounded corners and the hatching as well as the text, in the vendored font
(assessments/fonts/), which covers English and Simplified Chinese. A
character the font lacks is drawn as an empty box rather than failing.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from .chart import GRID_SCORES, PALETTE, Row, scale

FONTS = Path(__file__).resolve().parent / "fonts"
BOLD = FONTS / "NotoSansSC-mlfit-Bold.ttf"
SITE_NAME = "mlfit"

WIDTH, HEIGHT = 1200, 630  # the Open Graph image size
SUPERSAMPLE = 2  # drawn at twice the size, then scaled down

# Layout, in pixels of the final image: the titles and bands in a column,
# then the scale, then the scores.
MARGIN = 64
TITLES_WIDTH = 404
PLOT_LEFT, PLOT_RIGHT = 500, 1034
SCORES_RIGHT = WIDTH - MARGIN
TITLE_BASELINE = 140
DIRECTION_BASELINE = 198
ROWS_TOP = 214
ROW_PITCH = 76
TRACK_TOP, TRACK_HEIGHT = 26, 22  # within a row
TICK_OVERHANG = 5


# The cached fonts are FreeType faces, which two threads must not draw with at
# once (the development server answers requests in threads).
DRAWING = threading.Lock()


def px(value: float) -> int:
    """Return a length of the final image in pixels of the supersampled one."""
    return round(value * SUPERSAMPLE)


@lru_cache(maxsize=32)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), px(size))


def fitting(
    text: str, path: Path, size: int, width: int, smallest: int
) -> tuple[str, ImageFont.FreeTypeFont]:
    """Return the text and the largest font, from `size` down to `smallest`, that fit `width`.

    A text still too wide at the smallest size is cut short with "…".
    """
    for candidate in range(size, smallest - 1, -1):
        face = font(path, candidate)
        if face.getlength(text) <= px(width):
            return text, face
    while text and face.getlength(text + "…") > px(width):
        text = text[:-1]
    return text.rstrip() + "…", face


def preview_png(title: str, rows: Sequence[Row]) -> bytes:
    """Return the preview image of a result as PNG bytes, its words in the active language."""
    with DRAWING:
        image = drawn(title, rows)
    out = io.BytesIO()
    image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()


def drawn(title: str, rows: Sequence[Row]) -> Image.Image:
    """Return the picture at twice its size."""
    image = Image.new("RGB", (px(WIDTH), px(HEIGHT)), PALETTE["surface"])
    draw = ImageDraw.Draw(image)

    # The page's accent edge, the site's name and the questionnaire's title.
    draw.rectangle((0, 0, px(14), px(HEIGHT)), fill=PALETTE["accent"])
    brand(draw, MARGIN, 40)
    text, face = fitting(title, BOLD, 46, SCORES_RIGHT - MARGIN, 30)
    draw.text((px(MARGIN), px(TITLE_BASELINE)), text, PALETTE["ink"], face, "ls")

    # The scale: its direction in words, grid lines at −100, −50, 0, +50 and +100.
    words = font(BOLD, 24)
    left, right = "← " + _("Fits you"), _("May wear on you") + " →"
    draw.text((px(PLOT_LEFT), px(DIRECTION_BASELINE)), left, PALETTE["muted"], words, "ls")
    draw.text((px(PLOT_RIGHT), px(DIRECTION_BASELINE)), right, PALETTE["muted"], words, "rs")
    bottom = ROWS_TOP + ROW_PITCH * len(rows) - 8
    for score in GRID_SCORES:
        x = px(scale(score, PLOT_LEFT, PLOT_RIGHT))
        if score == 0:
            draw.line((x, px(ROWS_TOP), x, px(bottom)), PALETTE["zero"], px(2))
        else:
            draw.line((x, px(ROWS_TOP), x, px(bottom)), PALETTE["grid"], px(1.5))

    for index, row in enumerate(rows):
        draw_row(image, draw, row, ROWS_TOP + index * ROW_PITCH)
    return image


def brand(draw: ImageDraw.ImageDraw, left: int, top: int) -> None:
    """Draw the site's name as the page header shows it: "ml" white on blue, then "fit"."""
    face = font(BOLD, 28)
    mark = face.getlength(SITE_NAME[:2]) / SUPERSAMPLE + 16
    middle = px(top + 20)
    draw.rounded_rectangle(
        (px(left), px(top), px(left + mark), px(top + 40)), radius=px(7), fill=PALETTE["accent"]
    )
    draw.text((px(left + 8), middle), SITE_NAME[:2], "#ffffff", face, "lm")
    draw.text((px(left + mark + 4), middle), SITE_NAME[2:], PALETTE["ink"], face, "lm")


def draw_row(image: Image.Image, draw: ImageDraw.ImageDraw, row: Row, top: int) -> None:
    """Draw one reason: its title and band in words, its bar, its score."""
    text, face = fitting(row.title, BOLD, 30, TITLES_WIDTH, 22)
    draw.text((px(MARGIN), px(top + 34)), text, PALETTE["ink"], face, "ls")
    text, face = fitting(row.band_label, BOLD, 22, TITLES_WIDTH, 16)
    draw.text((px(MARGIN), px(top + 64)), text, PALETTE[f"{row.band}-text"], face, "ls")

    track_top, track_bottom = top + TRACK_TOP, top + TRACK_TOP + TRACK_HEIGHT
    track = (px(PLOT_LEFT), px(track_top), px(PLOT_RIGHT), px(track_bottom))
    if not row.is_told:
        hatch(image, track)
        return
    draw.rounded_rectangle(track, radius=px(4), fill=PALETTE["track"])
    if row.score:
        start, end = sorted(
            (scale(0, PLOT_LEFT, PLOT_RIGHT), scale(row.score, PLOT_LEFT, PLOT_RIGHT))
        )
        end = max(end, start + 2)  # a score of ±1 still shows
        draw.rectangle((px(start), px(track_top), px(end), px(track_bottom)), PALETTE[row.band])
    for _band, score in row.thresholds:
        x = px(scale(score, PLOT_LEFT, PLOT_RIGHT))
        ends = (px(track_top - TICK_OVERHANG), px(track_bottom + TICK_OVERHANG))
        draw.line((x, ends[0], x, ends[1]), PALETTE["surface"], px(3.5))
        draw.line((x, ends[0], x, ends[1]), PALETTE["no-lean-text"], px(2))
    middle = px((track_top + track_bottom) / 2)
    score = font(BOLD, 32)
    draw.text(
        (px(SCORES_RIGHT), middle), row.signed_score, PALETTE[f"{row.band}-text"], score, "rm"
    )


def hatch(image: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Fill a box with grey diagonal stripes: a line whose score is not a finding."""
    width, height = box[2] - box[0], box[3] - box[1]
    stripes = Image.new("RGB", (width, height), PALETTE["track"])
    draw = ImageDraw.Draw(stripes)
    for x in range(-height, width + height, px(12)):
        draw.line((x, height, x + height, 0), PALETTE["hatch"], px(4))
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, width - 1, height - 1), radius=px(4), fill=255)
    image.paste(stripes, box[:2], mask)
