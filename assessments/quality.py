"""Check how much a submission's answers can be trusted: plain values in, no ORM.

Four patterns lower the confidence of a result, each common in careless or
unsure answering and each easy to say in plain words:

- a straight line: the same answer (other than neutral) on at least
  `STRAIGHT_LINE_RUN` statements in a row, or on every statement of a
  shorter questionnaire, or on `STRAIGHT_LINE_SHARE` of all statements;
  each reason's statements are keyed both ways, so a sincere person's
  answers swing between agreeing and disagreeing, and one answer given eight
  times running, or to two statements in three, is a click-through;
- contradictions: a reason whose forward and reverse-keyed statements were
  both agreed with (or both disagreed with), see `scoring.is_contradictory`;
- speeding: a median under `SPEEDING_SECONDS` per statement across the steps
  whose time is known, which is faster than a person can read one;
- mostly neutral: at least `MOSTLY_NEUTRAL_SHARE` of the answers are
  "neither agree nor disagree", so they hardly separate the reasons.

One contradictory reason is said as "not enough to tell" for that reason;
contradictions in two or more, or any of the other patterns, make the whole
result low-confidence.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import scoring
from .wording import join_words, sentences

STRAIGHT_LINE_RUN = 8
STRAIGHT_LINE_SHARE = 2 / 3
SPEEDING_SECONDS = 1.0
MOSTLY_NEUTRAL_SHARE = 0.6
# Contradictory reasons that make the whole result low-confidence.
CONTRADICTORY_REASONS_LOW = 2


class Flag:
    """The codes stored with a submission, and what each says to the person."""

    STRAIGHT_LINE = "straight-line"
    CONTRADICTIONS = "contradictions"
    SPEEDING = "speeding"
    MOSTLY_NEUTRAL = "mostly-neutral"

    ALL = (STRAIGHT_LINE, CONTRADICTIONS, SPEEDING, MOSTLY_NEUTRAL)
    LABELS = {
        STRAIGHT_LINE: _("Same answer in a long run"),
        CONTRADICTIONS: _("Contradicting answers"),
        SPEEDING: _("Answered faster than reading"),
        MOSTLY_NEUTRAL: _("Mostly neutral answers"),
    }


@dataclass(frozen=True)
class StepTiming:
    """How long one step took: seconds from first shown to first fully answered."""

    statements: int
    seconds: float


@dataclass(frozen=True)
class Quality:
    count: int  # answers checked
    longest_run: int
    run_value: int
    most_common: int  # how many times the most given non-neutral answer was given
    contradictory: tuple[str, ...]  # keys of the reasons whose answers contradict
    neutral_share: float
    seconds_per_statement: float | None  # median across timed steps; None when unknown
    flags: tuple[str, ...]

    @property
    def is_low(self) -> bool:
        """Return True when the answers as a whole do not give a clear picture."""
        return bool(set(self.flags) - {Flag.CONTRADICTIONS}) or (
            len(self.contradictory) >= CONTRADICTORY_REASONS_LOW
        )

    @property
    def flag_labels(self) -> list[str]:
        return [Flag.LABELS[flag] for flag in self.flags]


def longest_run(values: Sequence[int]) -> tuple[int, int]:
    """Return (length, value) of the longest run of one non-neutral answer; (0, 0) if none."""
    best = (0, 0)
    run = 0
    for index, value in enumerate(values):
        run = run + 1 if index and value == values[index - 1] else 1
        if value != scoring.NEUTRAL and run > best[0]:
            best = (run, value)
    return best


def median_seconds_per_statement(timings: Sequence[StepTiming]) -> float | None:
    """Return the median seconds per statement over the given steps; None when none is timed."""
    rates = [t.seconds / t.statements for t in timings if t.statements > 0]
    return statistics.median(rates) if rates else None


def assess(
    values: Sequence[int],
    reasons: Sequence[Sequence[tuple[int, str]]],
    reason_keys: Sequence[str],
    timings: Sequence[StepTiming] = (),
) -> Quality:
    """Return the quality of complete answers.

    `values` are all answers in questionnaire order; `reasons` the
    (value, direction) pairs of each reason, named by `reason_keys`;
    `timings` the steps whose time is known.
    """
    run, run_value = longest_run(values)
    given = Counter(value for value in values if value != scoring.NEUTRAL)
    common_value, common = given.most_common(1)[0] if given else (0, 0)
    if common >= STRAIGHT_LINE_SHARE * len(values) and run < STRAIGHT_LINE_RUN:
        # Said as the answer given most, not the longest run of it.
        run_value = common_value
    contradictory = tuple(
        key
        for key, answers in zip(reason_keys, reasons, strict=True)
        if scoring.is_contradictory(answers)
    )
    neutral_share = sum(1 for v in values if v == scoring.NEUTRAL) / len(values) if values else 0.0
    pace = median_seconds_per_statement(timings)
    flags = []
    if len(values) >= 4 and (
        run >= min(STRAIGHT_LINE_RUN, len(values)) or common >= STRAIGHT_LINE_SHARE * len(values)
    ):
        flags.append(Flag.STRAIGHT_LINE)
    if contradictory:
        flags.append(Flag.CONTRADICTIONS)
    if pace is not None and pace < SPEEDING_SECONDS:
        flags.append(Flag.SPEEDING)
    if values and neutral_share >= MOSTLY_NEUTRAL_SHARE:
        flags.append(Flag.MOSTLY_NEUTRAL)
    return Quality(
        count=len(values),
        longest_run=run,
        run_value=run_value,
        most_common=common,
        contradictory=contradictory,
        neutral_share=neutral_share,
        seconds_per_statement=pace,
        flags=tuple(flags),
    )


def explain(quality: Quality, names: dict[str, str]) -> list[SafeString]:
    """Return each pattern found, in plain words a person can act on.

    `names` says how to call a reason by its key: its title on the results
    page, "step 2" on the check page, which does not name the reasons.
    """
    notes = []
    for flag in quality.flags:
        if flag == Flag.STRAIGHT_LINE:
            answer = scoring.SCALE_LABELS[quality.run_value]
            if quality.longest_run == quality.count:
                text = gettext("You gave the same answer, “{answer}”, to every statement.")
            elif quality.longest_run >= STRAIGHT_LINE_RUN:
                text = gettext(
                    "You gave the same answer, “{answer}”, to {count} statements in a row."
                )
            else:
                text = gettext(
                    "You gave the same answer, “{answer}”, to {common} of the {total} statements."
                )
            advice = gettext(
                "The statements are worded both ways, so one honest answer rarely fits so many "
                "of them. If you were clicking through, change the ones that are not true of you."
            )
            found = format_html(
                text,
                answer=answer,
                count=quality.longest_run,
                common=quality.most_common,
                total=quality.count,
            )
            notes.append(sentences(found, advice))
        elif flag == Flag.CONTRADICTIONS:
            where = join_words([names.get(key, key) for key in quality.contradictory])
            text = gettext(
                "Your answers in {where} contradict each other: you agreed (or disagreed) with "
                "statements that say opposite things, so these answers cannot tell which way you "
                "lean."
            )
            notes.append(format_html(text, where=where))
        elif flag == Flag.SPEEDING:
            notes.append(
                format_html(
                    gettext(
                        "You took about {seconds} seconds a statement, faster than most people "
                        "can read one, so some answers may not say what you meant."
                    ),
                    seconds=f"{quality.seconds_per_statement:.1f}",
                )
            )
        elif flag == Flag.MOSTLY_NEUTRAL:
            notes.append(
                format_html(
                    gettext(
                        # xgettext:no-python-format
                        "{percent}% of your answers were “Neither agree nor disagree”. A neutral "
                        "answer is no evidence either way, so these answers hardly separate the "
                        "five reasons."
                    ),
                    percent=round(100 * quality.neutral_share),
                )
            )
    return notes
