"""The profile chart: the five reasons on one scale, as plain geometry.

Pure: a scored result in, numbers and words out; no ORM, no request.
`profile_chart` lays the chart out for the results page's inline SVG
(templates/assessments/_profile_chart.html draws it, static/css/mlfit.css
colours it); `rows` gives the same reasons as plain values for the drawings
made on the server, the link-preview image (preview.py) and the PDF (pdf.py),
which take their colours from `PALETTE`.

The scale runs from −100 ("fits you") on the left through 0 to +100 ("may
wear on you") on the right; each reason's bar runs from 0 to its score, and
marks on its line show where its bands begin (−some, +some and +strong
signs). A reason whose answers point both ways has no score to show: its
line is hatched and carries no bar and no number.

The SVG is 320 units wide, about a phone's column inside a card, so that
its text is read at about the size it is written (14 units for a title) and
is never tiny: each reason's title has a line of its own above its bar, its
band in words below it. CSS caps the chart's width on a wide screen and on
paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .scoring import DEFAULT_SOME_SIGNS_FROM, DEFAULT_STRONG_SIGNS_FROM, Band, Result
from .wording import join_words

# Colours of the Python-drawn copies; they repeat the results page's, in mlfit.css.
PALETTE = {
    "ink": "#1f2933",
    "muted": "#52606d",
    "accent": "#1d4ed8",
    "line": "#d5dbe5",
    "grid": "#e4e8ef",
    "zero": "#7b8794",
    "track": "#eef1f6",
    "hatch": "#c3cad5",
    "surface": "#ffffff",
    # A band's bar, and its words (darker, for contrast on white).
    "fits": "#2f7d4f",
    "fits-text": "#1f5c39",
    "no-lean": "#7b8794",
    "no-lean-text": "#3e4c59",
    "some": "#a15c07",
    "some-text": "#7a4504",
    "strong": "#b42318",
    "strong-text": "#8f1c13",
    "unclear": "#7b8794",
    "unclear-text": "#3e4c59",
}

GRID_SCORES = (-100, -50, 0, 50, 100)


def signed(score: int) -> str:
    """Return a score as people write a lean: "+45", "0", "−30" (a real minus sign)."""
    if score > 0:
        return f"+{score}"
    return f"\u2212{-score}" if score < 0 else "0"


@dataclass(frozen=True)
class Row:
    """One reason as the charts show it: words and numbers, no statement and no answer."""

    title: str
    band_label: str
    signed_score: str | None  # None when the score is not a finding ("not enough to tell")
    score: int
    band: str  # Band.css_name: "fits", "no-lean", "some", "strong" or "unclear"
    some_signs_from: int = DEFAULT_SOME_SIGNS_FROM
    strong_signs_from: int = DEFAULT_STRONG_SIGNS_FROM
    key: str = ""

    @property
    def is_told(self) -> bool:
        return self.signed_score is not None

    @property
    def thresholds(self) -> tuple[tuple[str, int], ...]:
        """Return where each band begins, from "fits you" to "likely to wear on you"."""
        return (
            ("fits", -self.some_signs_from),
            ("some", self.some_signs_from),
            ("strong", self.strong_signs_from),
        )

    @property
    def thresholds_text(self) -> str:
        """Return the thresholds in words: "Fits you −25, May wear on you +25 and …"."""
        labels = {"fits": Band.FITS.label, "some": Band.SOME.label, "strong": Band.STRONG.label}
        return str(
            join_words([f"{labels[band]} {signed(score)}" for band, score in self.thresholds])
        )


def rows(result: Result) -> list[Row]:
    """Return every reason of a result, most "may wear on you" first, in the active language."""
    return [
        Row(
            title=str(reason.title),
            band_label=str(reason.band_label),
            signed_score=reason.signed_score if reason.band.is_told else None,
            score=reason.score,
            band=reason.band.css_name,
            some_signs_from=reason.some_signs_from,
            strong_signs_from=reason.strong_signs_from,
            key=reason.key,
        )
        for reason in result.ranked
    ]


def scale(score: float, left: float, right: float) -> float:
    """Return where a score sits between `left` (−100) and `right` (+100)."""
    return left + (score + 100) / 200 * (right - left)


# -- The SVG's geometry ------------------------------------------------------------------

WIDTH = 320
LEFT = 3  # the scale's ends; text starts and ends there too (a halo's width in)
RIGHT = WIDTH - LEFT
DIRECTION_Y = 15  # baselines of "← Fits you" / "May wear on you →" ...
GRID_LABEL_Y = 33  # ... and of −100, −50, 0, +50, +100
ROWS_TOP = 44
ROW_PITCH = 62
TITLE_BASELINE = 15  # within a row: the title and the score ...
BAR_TOP = 22  # ... the bar ...
BAR_HEIGHT = 10
TICK_OVERHANG = 3
BAND_BASELINE = 48  # ... and the band in words
BOTTOM_PADDING = 8


def r1(value: float) -> float:
    """Round a coordinate to a tenth of a unit: finer than any screen or printer shows."""
    return round(value, 1)


@dataclass(frozen=True)
class GridLine:
    x: float
    label: str
    anchor: str  # text-anchor of the label: the ends' labels stay inside the chart
    is_zero: bool


@dataclass(frozen=True)
class Tick:
    """A mark on a reason's line where one of its bands begins."""

    x: float
    band: str  # the band that begins there: "fits", "some" or "strong"
    score: int


@dataclass(frozen=True)
class ChartRow:
    row: Row
    title_y: float
    bar_y: float
    bar_x: float  # the bar runs from 0 to the score: from bar_x, bar_width long
    bar_width: float
    band_y: float
    ticks: tuple[Tick, ...]
    tick_top: float
    tick_bottom: float

    # The template reads the row's words through these.
    @property
    def title(self) -> str:
        return self.row.title

    @property
    def band(self) -> str:
        return self.row.band

    @property
    def band_label(self) -> str:
        return self.row.band_label

    @property
    def signed_score(self) -> str | None:
        return self.row.signed_score

    @property
    def is_told(self) -> bool:
        return self.row.is_told


@dataclass(frozen=True)
class ProfileChart:
    id: str  # prefix of the SVG's ids: its title, description and hatching
    width: int
    height: float
    left: float
    right: float
    zero: float
    track_width: float
    bar_height: float
    direction_y: float
    grid_label_y: float
    grid_top: float
    grid_bottom: float
    grid: tuple[GridLine, ...]
    rows: tuple[ChartRow, ...]
    title: str
    description: str


def profile_chart(result: Result, id: str = "profile-chart") -> ProfileChart:
    """Return the layout of a result's profile chart, in the active language."""
    chart_rows = []
    for index, row in enumerate(rows(result)):
        top = ROWS_TOP + index * ROW_PITCH
        end = scale(row.score, LEFT, RIGHT)
        zero = scale(0, LEFT, RIGHT)
        width = abs(end - zero) if row.is_told else 0
        if row.is_told and row.score:
            width = max(width, 1.5)  # a score of ±1 still shows
        ticks = tuple(
            Tick(x=r1(scale(score, LEFT, RIGHT)), band=band, score=score)
            for band, score in row.thresholds
            if row.is_told
        )
        chart_rows.append(
            ChartRow(
                row=row,
                title_y=top + TITLE_BASELINE,
                bar_y=top + BAR_TOP,
                bar_x=r1(zero if row.score >= 0 else zero - width),
                bar_width=r1(width),
                band_y=top + BAND_BASELINE,
                ticks=ticks,
                tick_top=top + BAR_TOP - TICK_OVERHANG,
                tick_bottom=top + BAR_TOP + BAR_HEIGHT + TICK_OVERHANG,
            )
        )
    bottom = ROWS_TOP + len(chart_rows) * ROW_PITCH - (ROW_PITCH - BAND_BASELINE)
    return ProfileChart(
        id=id,
        width=WIDTH,
        height=bottom + BOTTOM_PADDING,
        left=LEFT,
        right=RIGHT,
        zero=r1(scale(0, LEFT, RIGHT)),
        track_width=RIGHT - LEFT,
        bar_height=BAR_HEIGHT,
        direction_y=DIRECTION_Y,
        grid_label_y=GRID_LABEL_Y,
        grid_top=GRID_LABEL_Y + 5,
        grid_bottom=bottom + 2,
        grid=tuple(
            GridLine(
                x=r1(scale(score, LEFT, RIGHT)),
                label=signed(score),
                anchor="start" if score == -100 else "end" if score == 100 else "middle",
                is_zero=score == 0,
            )
            for score in GRID_SCORES
        ),
        rows=tuple(chart_rows),
        title=_("Five bars, one per reason, from “fits you” to “may wear on you”."),
        description=describe([chart_row.row for chart_row in chart_rows]),
    )


def describe(chart_rows: list[Row]) -> str:
    """Return the chart in words, reason by reason, for a screen reader."""
    parts = []
    for row in chart_rows:
        if row.is_told:
            parts.append(
                _("%(reason)s: %(band)s (%(score)s)")
                % {"reason": row.title, "band": row.band_label, "score": row.signed_score}
            )
        else:
            parts.append(_("%(reason)s: %(band)s") % {"reason": row.title, "band": row.band_label})
    return _("; ").join(parts)
