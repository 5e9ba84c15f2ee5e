"""The link-preview image: a 1200 × 630 PNG of the chart, with no statement and no answer."""

from __future__ import annotations

import io

from django.utils import translation
from PIL import Image

from assessments import chart, preview
from assessments.scoring import FORWARD, REVERSE, AnswerInput, ReasonInput, score_submission

TITLE = "Is machine-learning engineering for you?"
TITLES = [
    "Constant learning",
    "Perseverance",
    "Change and rework",
    "Stakeholder management",
    "Little ML",
]
CHINESE = ["不断学习", "毅力", "变化与返工", "利益相关者管理", "真正做机器学习的时间很少"]
# Per reason: likely to wear, fits, may wear, not enough to tell, no lean.
VALUES = [
    [(5, FORWARD), (1, REVERSE), (5, FORWARD)],
    [(1, FORWARD), (5, REVERSE), (2, FORWARD)],
    [(4, FORWARD), (2, REVERSE), (3, FORWARD)],
    [(5, FORWARD), (5, REVERSE), (5, FORWARD), (5, REVERSE)],
    [(3, FORWARD), (3, REVERSE)],
]


def result(titles=TITLES, values=VALUES, statement="I agree with statement"):
    return score_submission(
        ReasonInput(
            key=f"r{order}",
            title=title,
            order=order,
            answers=[
                AnswerInput(f"{statement} {order}.{n}", value, direction, order=n)
                for n, (value, direction) in enumerate(answers)
            ],
        )
        for order, (title, answers) in enumerate(zip(titles, values, strict=True), start=1)
    )


def png(scored, title=TITLE, language="en"):
    with translation.override(language):
        return preview.preview_png(title, chart.rows(scored))


def test_the_preview_is_a_png_of_the_open_graph_size():
    image = Image.open(io.BytesIO(png(result())))

    assert image.format == "PNG"
    assert image.size == (1200, 630)
    # Not blank: the bars carry the bands' colours.
    colours = {colour for _count, colour in image.getcolors(maxcolors=1_000_000)}
    for band in ("strong", "fits", "some"):
        hex_colour = chart.PALETTE[band].lstrip("#")
        assert tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)) in colours


def test_the_same_scores_give_the_same_picture_whatever_was_answered():
    # Other statements, answered otherwise, to the same scores and bands: the
    # picture cannot show an answer, since none reaches it.
    mirrored = [
        [(6 - value, REVERSE if d == FORWARD else FORWARD) for value, d in a] for a in VALUES
    ]
    first = result(statement="I put off learning new tools")
    second = result(values=mirrored, statement="Meetings leave me drained")
    assert [r.statement for r in first.reasons[0].signals] != [
        r.statement for r in second.reasons[0].signals
    ]
    assert [r.value for r in first.reasons[0].signals] != [
        r.value for r in second.reasons[0].signals
    ]

    assert png(first) == png(second)


def test_different_scores_give_a_different_picture():
    values = [VALUES[1], VALUES[0], *VALUES[2:]]

    assert png(result()) != png(result(values=values))


def test_chinese_titles_and_bands_are_drawn():
    english = png(result())
    chinese = png(result(titles=CHINESE), title="机器学习工程师适合你吗？", language="zh-hans")

    assert Image.open(io.BytesIO(chinese)).size == (1200, 630)
    assert chinese != english


def test_a_character_the_font_lacks_and_a_very_long_title_do_not_stop_the_picture():
    titles = ["Emoji 🎉 and Bengali ঋ", *TITLES[1:4], "A title far too long " * 6]

    image = png(result(titles=titles), title="A questionnaire title that goes on and on " * 4)

    assert Image.open(io.BytesIO(image)).size == (1200, 630)
