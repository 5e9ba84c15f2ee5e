"""Score a submission from plain values: no ORM, no request.

An answer is a value on the 1..5 agreement scale. A forward-keyed statement
("agreeing signals ML engineering may not fit") turns it into a signal of
(v - 1) / 4, a reverse-keyed one into (5 - v) / 4. A reason's score is the
weighted mean of its signals on 0..100; its band comes from the reason's own
thresholds; its strongest signals are the answers that pushed the score up
most, strongest first.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Only the translation machinery: labels are translated when shown, in the
# language of the page, and the module stays free of the ORM and the request.
from django.utils.translation import gettext_lazy as _

FORWARD = "forward"
REVERSE = "reverse"

SCALE = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)
SCALE_LABELS = dict(SCALE)

# How many answers a reason quotes as its evidence, at most.
MAX_SIGNALS = 3


class Band(enum.IntEnum):
    """How strongly a reason's answers point to it, in words."""

    LITTLE = 0
    SOME = 1
    STRONG = 2

    @property
    def label(self) -> str:
        return {0: _("Little sign"), 1: _("Some signs"), 2: _("Strong signs")}[self.value]

    @property
    def css_name(self) -> str:
        return {0: "little", 1: "some", 2: "strong"}[self.value]


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
    some_signs_from: int
    strong_signs_from: int
    answers: Sequence[AnswerInput]
    # Words for the little/some/strong bands; the default labels when None.
    band_labels: tuple[str, str, str] | None = None
    # Anything the caller wants back on the score, e.g. a database id.
    ref: object = None


@dataclass(frozen=True)
class Signal:
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
    score: int
    band: Band
    signals: tuple[Signal, ...]
    answered: int
    band_label: str = ""
    ref: object = None


@dataclass(frozen=True)
class Result:
    reasons: tuple[ReasonScore, ...]

    @property
    def ranked(self) -> tuple[ReasonScore, ...]:
        """Return every reason, strongest first; ties keep the questionnaire's order."""
        return tuple(sorted(self.reasons, key=lambda reason: (-reason.score, reason.order)))

    @property
    def standouts(self) -> tuple[ReasonScore, ...]:
        """Return the reasons with at least some signs, strongest first."""
        return tuple(reason for reason in self.ranked if reason.band >= Band.SOME)


def signal(value: int, direction: str) -> float:
    """Return how far one answer points to "not a fit", from 0.0 to 1.0."""
    if value not in SCALE_LABELS:
        raise ValueError(f"An answer must be 1 to 5, not {value!r}.")
    if direction == FORWARD:
        return (value - 1) / 4
    if direction == REVERSE:
        return (5 - value) / 4
    raise ValueError(f"Unknown direction {direction!r}.")


def band_for(score: int, some_signs_from: int, strong_signs_from: int) -> Band:
    """Return the band a 0..100 score falls in, given a reason's thresholds."""
    if score >= strong_signs_from:
        return Band.STRONG
    if score >= some_signs_from:
        return Band.SOME
    return Band.LITTLE


def reason_score(answers: Iterable[tuple[int, str, int]]) -> int:
    """Return a reason's 0..100 score from (value, direction, weight) triples.

    The weighted mean of the answers' signals; 0 when nothing is weighted.
    """
    total_weight = weighted = 0.0
    for value, direction, weight in answers:
        if weight > 0:
            total_weight += weight
            weighted += weight * signal(value, direction)
    # Round half up, so that 62.5 reads as 63 the way a person expects.
    return int(100 * weighted / total_weight + 0.5) if total_weight else 0


def score_reason(reason: ReasonInput) -> ReasonScore:
    """Return the score, band and strongest signals of one reason."""
    answers = [answer for answer in reason.answers if answer.weight > 0]
    score = reason_score((answer.value, answer.direction, answer.weight) for answer in answers)
    leaning = [
        (answer.weight * signal(answer.value, answer.direction), answer)
        for answer in answers
        if signal(answer.value, answer.direction) > 0.5
    ]
    leaning.sort(key=lambda pair: (-pair[0], pair[1].order))
    signals = tuple(
        Signal(
            statement=answer.statement,
            value=answer.value,
            answer_label=SCALE_LABELS[answer.value],
            direction=answer.direction,
            strength=strength,
        )
        for strength, answer in leaning[:MAX_SIGNALS]
    )
    band = band_for(score, reason.some_signs_from, reason.strong_signs_from)
    return ReasonScore(
        key=reason.key,
        title=reason.title,
        order=reason.order,
        score=score,
        band=band,
        band_label=reason.band_labels[band] if reason.band_labels else band.label,
        signals=signals,
        answered=len(reason.answers),
        ref=reason.ref,
    )


def score_submission(reasons: Iterable[ReasonInput]) -> Result:
    """Return the result of a whole submission, its reasons in questionnaire order."""
    scored = [score_reason(reason) for reason in reasons if reason.answers]
    return Result(reasons=tuple(sorted(scored, key=lambda reason: (reason.order, reason.key))))
