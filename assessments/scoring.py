"""Score a submission from plain values: no ORM, no request.

An answer is a value on the 1..5 agreement scale, and 3 ("neither agree nor
disagree") is no evidence either way. Each answer leans from -1 to +1: on a
forward-keyed statement ("agreeing suggests the job may wear on you")
agreeing leans towards "may wear on you" (+), on a reverse-keyed one towards
"fits you" (-); one step from neutral is half a lean, the far end a whole one.

A reason's score is the weighted mean lean of its answers, from -100 (every
answer fits the job as far as the scale goes) through 0 (no lean either way)
to +100 (every answer says it would wear on the person as far as the scale
goes). Its band says what the score means in words:

- "May wear on you" from the reason's `some_signs_from` (+25 by default: on
  average a quarter of the way from neutral towards "not a fit", for
  example half the statements answered one step that way and none against),
  and "Likely to wear on you" from `strong_signs_from` (+60: more than one
  full step that way on average). Both need at least two answers leaning
  that way: one answer is not a pattern.
- "Fits you" at -`some_signs_from` or below, with two answers leaning that way.
- "No clear lean" in between: neutral, mixed or too weak to say either way.
- "Not enough to tell" when the reason's own answers contradict each other:
  its forward-keyed statements lean one way and its reverse-keyed ones the
  other, each by at least a full step on average (agreeing with a statement
  and with its opposite). Its score is then not a finding, so no band is read
  from it.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Only the translation machinery: labels are translated when shown, in the
# language of the page, and the module stays free of the ORM and the request.
from django.utils.translation import gettext_lazy as _

FORWARD = "forward"
REVERSE = "reverse"
NEUTRAL = 3

SCALE = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)
SCALE_LABELS = dict(SCALE)

# When this model replaced one that read a neutral answer as half a sign:
# results completed before it (they have no step times) are read with it
# too, and say so, giving this date.
CALIBRATED_ON = datetime.date(2026, 11, 27)
# Band thresholds a reason gets unless its revision says otherwise.
DEFAULT_SOME_SIGNS_FROM = 25
DEFAULT_STRONG_SIGNS_FROM = 60
# Answers that must lean a way before a reason is banded that way.
MIN_LEANING_ANSWERS = 2
# Mean lean of a reason's forward and of its reverse-keyed answers, each at
# least this far from neutral in opposite directions, is a contradiction.
CONTRADICTION_LEAN = 0.5
# How many answers a reason quotes as its evidence, at most.
MAX_SIGNALS = 3


class Band(enum.IntEnum):
    """What a reason's answers say, in words; ordered from "fits" to "wears"."""

    UNCLEAR = -2
    FITS = -1
    NO_LEAN = 0
    SOME = 1
    STRONG = 2

    @property
    def label(self) -> str:
        return {
            -2: _("Not enough to tell"),
            -1: _("Fits you"),
            0: _("No clear lean"),
            1: _("May wear on you"),
            2: _("Likely to wear on you"),
        }[self.value]

    @property
    def css_name(self) -> str:
        return {-2: "unclear", -1: "fits", 0: "no-lean", 1: "some", 2: "strong"}[self.value]

    @property
    def is_flagged(self) -> bool:
        """Return True for the bands that point to the job wearing on the person."""
        return self >= Band.SOME

    @property
    def is_told(self) -> bool:
        """Return False for "not enough to tell": its score is not a finding, so it is not shown."""
        return self is not Band.UNCLEAR


@dataclass(frozen=True)
class AnswerInput:
    statement: str
    value: int
    direction: str
    weight: int = 1
    order: int = 0


@dataclass(frozen=True)
class ReasonInput:
    key: str
    title: str
    order: int
    answers: Sequence[AnswerInput]
    some_signs_from: int = DEFAULT_SOME_SIGNS_FROM
    strong_signs_from: int = DEFAULT_STRONG_SIGNS_FROM
    # Anything the caller wants back on the score, e.g. the reason's texts.
    ref: object = None


@dataclass(frozen=True)
class Signal:
    """One answer quoted as evidence, and how far it leans (-1..+1, weighted)."""

    statement: str
    value: int
    answer_label: str
    direction: str
    strength: float


@dataclass(frozen=True)
class ReasonScore:
    key: str
    title: str
    order: int
    score: int  # -100 (fits you) .. +100 (may wear on you)
    band: Band
    signals: tuple[Signal, ...]  # answers leaning towards "may wear on you", strongest first
    strengths: tuple[Signal, ...]  # answers leaning towards "fits you", strongest first
    answered: int
    ref: object = None
    # The thresholds the band was read with, for charts that mark them.
    some_signs_from: int = DEFAULT_SOME_SIGNS_FROM
    strong_signs_from: int = DEFAULT_STRONG_SIGNS_FROM

    @property
    def band_label(self) -> str:
        return self.band.label

    @property
    def is_flagged(self) -> bool:
        return self.band.is_flagged

    @property
    def signed_score(self) -> str:
        return signed(self.score)


@dataclass(frozen=True)
class Result:
    reasons: tuple[ReasonScore, ...]

    @property
    def ranked(self) -> tuple[ReasonScore, ...]:
        """Return every reason, most "may wear on you" first; ties keep the questionnaire's order.

        Reasons that cannot be told come last: their score is not a finding.
        """
        return tuple(
            sorted(
                self.reasons,
                key=lambda r: (r.band is Band.UNCLEAR, -r.score, r.order),
            )
        )

    @property
    def flagged(self) -> tuple[ReasonScore, ...]:
        """Return the reasons whose answers say the job may wear on the person, strongest first."""
        return tuple(reason for reason in self.ranked if reason.is_flagged)

    @property
    def fits(self) -> tuple[ReasonScore, ...]:
        return tuple(reason for reason in self.reasons if reason.band is Band.FITS)

    @property
    def unclear(self) -> tuple[ReasonScore, ...]:
        return tuple(reason for reason in self.reasons if reason.band is Band.UNCLEAR)


def lean(value: int, direction: str) -> float:
    """Return how far one answer leans: -1.0 (fits you) .. 0.0 (neutral) .. +1.0 (may wear on you)."""
    if type(value) is not int or value not in SCALE_LABELS:
        raise ValueError(f"An answer must be 1 to 5, not {value!r}.")
    if direction == FORWARD:
        return (value - NEUTRAL) / 2
    if direction == REVERSE:
        return (NEUTRAL - value) / 2
    raise ValueError(f"Unknown direction {direction!r}.")


def signed(score: int) -> str:
    """Return a score as people write a lean: "+45", "0", "−30" (a real minus sign)."""
    if score > 0:
        return f"+{score}"
    return f"\u2212{-score}" if score < 0 else "0"


def reason_score(answers: Iterable[tuple[int, str, int]]) -> int:
    """Return a reason's score, -100..+100, from (value, direction, weight) triples.

    The weighted mean lean of the answers, rounded half away from zero (62.5
    reads as 63, -62.5 as -63); 0 when nothing is weighted.
    """
    total_weight = weighted = 0.0
    for value, direction, weight in answers:
        if weight > 0:
            total_weight += weight
            weighted += weight * lean(value, direction)
    if not total_weight:
        return 0
    exact = Decimal(100 * weighted / total_weight)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def is_contradictory(answers: Iterable[tuple[int, str]]) -> bool:
    """Return True if forward and reverse-keyed answers lean opposite ways, a step or more each.

    Agreeing with "I put off learning new tools" and with "I learn new tools
    for fun" (or disagreeing with both) cannot both be true of one person.
    """
    leans: dict[str, list[float]] = {FORWARD: [], REVERSE: []}
    for value, direction in answers:
        leans[direction].append(lean(value, direction))
    if not leans[FORWARD] or not leans[REVERSE]:
        return False
    forward = sum(leans[FORWARD]) / len(leans[FORWARD])
    reverse = sum(leans[REVERSE]) / len(leans[REVERSE])
    return forward * reverse < 0 and min(abs(forward), abs(reverse)) >= CONTRADICTION_LEAN


def band_for(
    score: int,
    some_signs_from: int = DEFAULT_SOME_SIGNS_FROM,
    strong_signs_from: int = DEFAULT_STRONG_SIGNS_FROM,
    *,
    leaning_towards: int = MIN_LEANING_ANSWERS,
    leaning_against: int = MIN_LEANING_ANSWERS,
) -> Band:
    """Return the band of a score, given the thresholds and how many answers lean each way.

    `leaning_towards` counts answers leaning towards "may wear on you",
    `leaning_against` those leaning towards "fits you".
    """
    if score >= some_signs_from and leaning_towards >= MIN_LEANING_ANSWERS:
        return Band.STRONG if score >= strong_signs_from else Band.SOME
    if score <= -some_signs_from and leaning_against >= MIN_LEANING_ANSWERS:
        return Band.FITS
    return Band.NO_LEAN


def score_reason(reason: ReasonInput) -> ReasonScore:
    """Return the score, band and quoted evidence of one reason."""
    answers = [answer for answer in reason.answers if answer.weight > 0]
    score = reason_score((answer.value, answer.direction, answer.weight) for answer in answers)
    leaning = [(answer.weight * lean(answer.value, answer.direction), answer) for answer in answers]
    towards = sorted((pair for pair in leaning if pair[0] > 0), key=lambda p: (-p[0], p[1].order))
    against = sorted((pair for pair in leaning if pair[0] < 0), key=lambda p: (p[0], p[1].order))
    if is_contradictory((answer.value, answer.direction) for answer in answers):
        band = Band.UNCLEAR
    else:
        band = band_for(
            score,
            reason.some_signs_from,
            reason.strong_signs_from,
            leaning_towards=len(towards),
            leaning_against=len(against),
        )
    return ReasonScore(
        key=reason.key,
        title=reason.title,
        order=reason.order,
        score=score,
        band=band,
        signals=quoted(towards),
        strengths=quoted(against),
        answered=len(reason.answers),
        ref=reason.ref,
        some_signs_from=reason.some_signs_from,
        strong_signs_from=reason.strong_signs_from,
    )


def quoted(leaning: list[tuple[float, AnswerInput]]) -> tuple[Signal, ...]:
    return tuple(
        Signal(
            statement=answer.statement,
            value=answer.value,
            answer_label=SCALE_LABELS[answer.value],
            direction=answer.direction,
            strength=strength,
        )
        for strength, answer in leaning[:MAX_SIGNALS]
    )


def score_submission(reasons: Iterable[ReasonInput]) -> Result:
    """Return the result of a whole submission, its reasons in questionnaire order."""
    scored = [score_reason(reason) for reason in reasons if reason.answers]
    return Result(reasons=tuple(sorted(scored, key=lambda reason: (reason.order, reason.key))))
