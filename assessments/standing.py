"""Where a person's reason scores stand among other people's: plain values in, sentences out.

Pure: a scored result and the norms' counts in (how many people have each
score on each reason, see `models.norms`), one sentence per reason out. A
score runs from −100 ("fits you") to +100 ("may wear on you"), so "higher
than" would leave the reader to work out which end is good; each sentence
names the direction in the scale's own words instead, and takes the side
where the person stands out: "your answers lean more towards “fits you” than
those of 85% of …". Nothing is said below the minimum group: a percentile of
a handful of people says more about chance than about people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import ngettext

from . import statistics
from .scoring import Result


@dataclass(frozen=True)
class Standing:
    key: str
    title: str
    text: str
    norm: statistics.Norm


def standings(result: Result, counts: Mapping[str, np.ndarray], min_group: int) -> list[Standing]:
    """Return a sentence for each reason with a score and at least `min_group` people to compare.

    In the order the results page ranks the reasons; a reason whose answers
    point both ways has no score to compare, so it has no sentence.
    """
    found = []
    for reason in result.ranked:
        if not reason.band.is_told or reason.key not in counts:
            continue
        norm = statistics.percentile_below(counts[reason.key], reason.score, min_group)
        if norm.enough and norm.total:
            found.append(Standing(reason.key, str(reason.title), sentence(norm), norm))
    return found


def sentence(norm: statistics.Norm) -> str:
    """Return where one score stands, in words, from the side where it stands out.

    The share is rounded down, so it never claims more than it is. When
    fewer than 1% have a score on either side, nearly everyone has the same
    score, and that is what the sentence says.
    """
    above = norm.total - norm.below - norm.same
    people = number_format(norm.total, force_grouping=True)
    side = max(norm.below, above)
    if side * 100 < norm.total:
        return ngettext(
            "The %(people)s person who took this version of the questionnaire has the same "
            "score here as you.",
            "Most of the %(people)s people who took this version of the questionnaire have the "
            "same score here as you.",
            norm.total,
        ) % {"people": people}
    percent = side * 100 // norm.total
    if norm.below >= above:
        text = ngettext(
            "Your answers here lean more towards “may wear on you” than those of %(percent)d%% "
            "of the %(people)s person who took this version of the questionnaire.",
            "Your answers here lean more towards “may wear on you” than those of %(percent)d%% "
            "of the %(people)s people who took this version of the questionnaire.",
            norm.total,
        )
    else:
        text = ngettext(
            "Your answers here lean more towards “fits you” than those of %(percent)d%% "
            "of the %(people)s person who took this version of the questionnaire.",
            "Your answers here lean more towards “fits you” than those of %(percent)d%% "
            "of the %(people)s people who took this version of the questionnaire.",
            norm.total,
        )
    return text % {"percent": percent, "people": people}
