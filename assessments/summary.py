"""The results page's first sentence: the answer to "is ML engineering for me?".

Pure: a scored result and the answers' quality in, one sentence out, in the
tone of an exploration. It never says more than the calibrated result does:
a reason is named as wearing on the person only when its band says so, ties
are said as ties, and answers that do not give a clear picture are said to
be just that.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .quality import Quality
from .scoring import ReasonScore, Result
from .wording import join_words, sentences


def reason_link(reason: ReasonScore) -> SafeString:
    return format_html('<a href="#reason-{}"><strong>{}</strong></a>', reason.key, reason.title)


def ranked_phrase(reasons: tuple[ReasonScore, ...]) -> SafeString:
    """Return the reasons strongest first, "A, then B"; equal scores are said as ties.

    "A and B, equally, then C": each group of equal scores is one phrase.
    """
    phrases = []
    for _score, group in groupby(reasons, key=lambda reason: reason.score):
        links = [reason_link(reason) for reason in group]
        if len(links) == 1:
            phrases.append(links[0])
        else:
            phrases.append(format_html(_("{tied}, equally"), tied=join_words(links)))
    phrase = phrases[0]
    for following in phrases[1:]:
        phrase = format_html(_("{first}, then {second}"), first=phrase, second=following)
    return phrase


def headline(result: Result, quality: Quality) -> SafeString:
    """Return one sentence that answers the page's question from the calibrated result.

    A reason whose answers contradict each other is left out of it, and a
    second sentence says so.
    """
    sentence = answer(result, quality)
    if result.unclear and not quality.is_low:
        unclear = join_words([reason_link(reason) for reason in result.unclear])
        sentence = sentences(
            sentence,
            format_html(
                ngettext(
                    "Your answers on {unclear} point both ways, so it is left out.",
                    "Your answers on {unclear} point both ways, so they are left out.",
                    len(result.unclear),
                ),
                unclear=unclear,
            ),
        )
    return sentence


def answer(result: Result, quality: Quality) -> SafeString:
    """Return the answer itself, from the reasons the answers could tell about."""
    if quality.is_low:
        return format_html(
            "{}",
            _(
                "Your answers do not give a clear picture, so this page cannot tell yet whether "
                "the job suits you."
            ),
        )
    flagged = result.flagged
    told = [reason for reason in result.reasons if reason not in result.unclear]
    fits = len(result.fits)
    if not flagged:
        if told and fits == len(told):
            if result.unclear:
                return format_html(
                    "{}", _("Every other part of the job looks like a good fit for you.")
                )
            return format_html(
                "{}",
                _("Every part of the job these questions cover looks like a good fit for you."),
            )
        if fits:
            return format_html(
                ngettext(
                    "Nothing in your answers points against the job, and {fits} of its {total} "
                    "parts looks like a good fit for you.",
                    "Nothing in your answers points against the job, and {fits} of its {total} "
                    "parts look like a good fit for you.",
                    fits,
                ),
                fits=fits,
                total=len(told),
            )
        return format_html(
            "{}",
            _(
                "Your answers lean neither way on any part of the job, so they do not separate "
                "the five reasons."
            ),
        )
    named = ranked_phrase(flagged)
    if len(flagged) <= 2 and 2 * fits > len(told):
        return format_html(
            ngettext(
                "Most of the job looks like a good fit; one part is worth testing first: {named}.",
                "Most of the job looks like a good fit; two parts are worth testing first: "
                "{named}.",
                len(flagged),
            ),
            named=named,
        )
    if len(flagged) <= 2:
        return format_html(
            ngettext(
                "One part of the job may wear on you, and nothing else stood out: {named}.",
                "Two parts of the job may wear on you, and nothing else stood out: {named}.",
                len(flagged),
            ),
            named=named,
        )
    return format_html(
        _("Several everyday parts of the job may wear on you: {named}."), named=named
    )


@dataclass(frozen=True)
class Change:
    """One reason's score on an earlier result and on this one."""

    key: str
    title: str
    before: ReasonScore
    after: ReasonScore

    @property
    def difference(self) -> int | None:
        """Return how far the score moved, or None when either side is not a finding."""
        if not (self.before.band.is_told and self.after.band.is_told):
            return None
        return self.after.score - self.before.score

    @property
    def moved_by(self) -> int:
        """Return how far the score moved, either way."""
        return abs(self.difference or 0)


def changes(before: Result, after: Result) -> list[Change]:
    """Return the reasons both results share, by key, in this result's order.

    A reason only one of them asks about (the questionnaire changed between
    the two) is left out: there is nothing to compare it with.
    """
    earlier = {reason.key: reason for reason in before.reasons}
    return [
        Change(reason.key, reason.title, earlier[reason.key], reason)
        for reason in after.ranked
        if reason.key in earlier
    ]
