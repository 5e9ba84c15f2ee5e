"""Neighbouring roles that may fit better, and what to try next, from a scored result.

Pure: a `scoring.Result` and a revision's frozen roles and reasons in, plain
values out; no ORM, no request. Sentences come in the active language.

Each role says, for each reason, how much of that part of the job it asks:
0 (little), 1 (some) or 2 (a lot). ML engineering, as the article describes
it, asks a lot of all five. A role's match is a weighted sum over the reasons:

    match = sum of level × weight
    weight = −score        for a reason that fits the person (band "Fits you")
    weight = −2 × score    for one that may wear on them ("May wear on you",
                           "Likely to wear on you")

so a role asking a lot of a part that fits counts for it, and one asking a
lot of a part that may wear counts against it. A reason with no clear lean,
or with not enough to tell, weighs nothing: by the scoring's own calibration
its score is not a finding, so it neither moves a role nor is named in why
one is suggested.

A part that wears counts twice: losses loom larger than gains (loss aversion,
Kahneman and Tversky, "Prospect theory", Econometrica 1979; λ ≈ 2.25 in
Tversky and Kahneman, "Advances in prospect theory", 1992, rounded here to 2).
A day spent on something that wears on you is not made up for by as much of
something you enjoy. With equal weights, the role that asks a lot of
everything would come first for anyone who fits more parts than not, and
someone who loves modelling but not the plumbing around it would be pointed
straight back at ML engineering.

Roles are ranked by match, best first; equal matches keep the content's
order. Matches are compared with each other, never with a fixed bar: when
every part wears on someone, every match is below zero and the least
demanding roles are still the ones to look at. A role is suggested only when
it matches clearly better than the worst-matching role (by `MIN_LEAD`: one
level on a reason at the edge of "Fits you"), so when the answers lean
nowhere, or too little to tell the roles apart, nothing is suggested rather
than an arbitrary three.

A reason a role gives no level for (one added after the role was written) is
read as "some", the middle of the scale, and is not named in its why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .scoring import Band, ReasonScore, Result
from .wording import join_words, sentences

if TYPE_CHECKING:
    from .models.revisions import FrozenReason, FrozenRole, Texts

LITTLE, SOME, A_LOT = 0, 1, 2
# How much more a part that may wear on someone weighs than one that fits.
LOSS_AVERSION = 2
# How much better than the worst match a role must be to be suggested, in
# score points × levels: one level on a reason scored 25, where "Fits you" starts.
MIN_LEAD = 25
SUGGESTED = 3
# The bands whose score is a finding; "No clear lean" and "Not enough to tell" are not.
FINDINGS = (Band.FITS, Band.SOME, Band.STRONG)

RULE = gettext_lazy(
    "Roles are suggested by how much of each part of the job they ask, next to ML "
    "engineering, which asks a lot of all five. A role gains for asking a lot of a part that "
    "fits you and loses for asking a lot of a part that may wear on you, twice as much, "
    "because a part that wears on you every day is not made up for by one you enjoy. Parts "
    "where your answers lean neither way, or point both ways, do not count, and when your "
    "answers do not tell the roles apart, none is suggested."
)


@dataclass(frozen=True)
class Suggestion:
    role: FrozenRole
    match: int  # score points × levels; only its order among roles means anything
    why: SafeString  # one line, in the language that was active when it was made


@dataclass(frozen=True)
class Experiment:
    """One thing to try, and the reason it tests."""

    reason: ReasonScore
    text: Texts

    def __str__(self) -> str:
        return str(self.text)


def findings(result: Result) -> list[ReasonScore]:
    """Return the reasons whose band is a finding either way, strongest first."""
    banded = [reason for reason in result.reasons if reason.band in FINDINGS]
    return sorted(banded, key=lambda reason: (-abs(reason.score), reason.order))


def level(role: FrozenRole, reason: ReasonScore) -> int:
    """Return how much of the reason's part of the job the role asks; "some" when unsaid."""
    return role.demands.get(reason.key, SOME)


def weight(reason: ReasonScore) -> int:
    """Return how much one level of the reason counts: for the role when it fits, against when not."""
    if reason.band.is_flagged:
        return -LOSS_AVERSION * reason.score
    return -reason.score


def match(role: FrozenRole, found: Iterable[ReasonScore]) -> int:
    """Return how well the role matches the findings; higher is better."""
    return sum(level(role, reason) * weight(reason) for reason in found)


def suggest(
    result: Result, roles: Sequence[FrozenRole], count: int = SUGGESTED
) -> list[Suggestion]:
    """Return up to `count` roles that match the result clearly, best first, each with its why.

    Return none when no reason is a finding, or when no role matches
    clearly better than the worst.
    """
    found = findings(result)
    if not found or not roles:
        return []
    scored = [(match(role, found), index, role) for index, role in enumerate(roles)]
    floor = min(points for points, _index, _role in scored)
    ranked = sorted(scored, key=lambda item: (-item[0], item[2].order, item[1]))
    return [
        Suggestion(role=role, match=points, why=why(role, found))
        for points, _index, role in ranked
        if points >= floor + MIN_LEAD
    ][:count]


def why(role: FrozenRole, found: Sequence[ReasonScore]) -> SafeString:
    """Return one line on why the role is suggested, from the reasons it asks less or more of.

    Named against ML engineering, which asks a lot of every part: what the
    role asks less of among the parts that may wear on the person, and what it
    asks a lot of among those that fit. A part that may wear on them and that
    the role still asks a lot of is said too.
    """

    def titles(wanted) -> SafeString:
        return join_words(
            [
                str(reason.title)
                for reason in found
                if reason.key in role.demands and wanted(reason, role.demands[reason.key])
            ]
        )

    eases = titles(lambda reason, asked: reason.band.is_flagged and asked < A_LOT)
    keeps = titles(lambda reason, asked: reason.band is Band.FITS and asked == A_LOT)
    costs = titles(lambda reason, asked: reason.band.is_flagged and asked == A_LOT)
    if eases and keeps:
        line = format_html(
            _("Asks less of what may wear on you ({eases}) and a lot of what fits you ({keeps})."),
            eases=eases,
            keeps=keeps,
        )
    elif eases:
        line = format_html(_("Asks less of what may wear on you ({eases})."), eases=eases)
    elif keeps:
        line = format_html(_("Asks a lot of what fits you ({keeps})."), keeps=keeps)
    elif some := titles(lambda reason, asked: reason.band is Band.FITS and asked == SOME):
        line = format_html(_("Asks some of what fits you ({fits})."), fits=some)
    else:
        line = SafeString("")
    if not costs:
        return line
    caveat = format_html(_("It still asks a lot of what may wear on you ({costs})."), costs=costs)
    return sentences(line, caveat) if line else caveat


def experiments(
    result: Result, reasons: Iterable[FrozenReason], count: int = SUGGESTED
) -> list[Experiment]:
    """Return the "one thing to try" of up to `count` reasons, the most telling first.

    From the reasons that may wear on the person, strongest first. When none
    does, from those with no clear lean, highest score first: the answers
    left them open, and an experiment is a cheap way to settle them before
    years go into the job (the page offers every reason's advice the same
    way, "if you want to check"). A reason that fits is settled, and one with
    not enough to tell has no score to rank by, so neither is offered; nor is
    one without an experiment (revisions published before experiments
    existed have none).
    """
    texts = {reason.key: reason.experiment for reason in reasons}
    candidates = result.flagged or tuple(
        reason for reason in result.ranked if reason.band is Band.NO_LEAN
    )
    chosen = [
        Experiment(reason=reason, text=texts[reason.key])
        for reason in candidates
        if str(texts.get(reason.key, "")).strip()
    ]
    return chosen[:count]
