"""The pure scoring module: plain values in, results out, no database."""

import pytest

from assessments.scoring import (
    FORWARD,
    REVERSE,
    AnswerInput,
    Band,
    ReasonInput,
    band_for,
    is_contradictory,
    lean,
    score_reason,
    score_submission,
)


def reason(*answers, key="r", order=1, some=25, strong=60):
    return ReasonInput(
        key=key,
        title=key.title(),
        order=order,
        some_signs_from=some,
        strong_signs_from=strong,
        answers=list(answers),
    )


def answer(value, direction=FORWARD, weight=1, order=0, statement=None):
    return AnswerInput(
        statement=statement or f"Statement {order}.",
        value=value,
        direction=direction,
        weight=weight,
        order=order,
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(1, -1.0), (2, -0.5), (3, 0.0), (4, 0.5), (5, 1.0)]
)
def test_agreeing_with_a_forward_statement_leans_towards_may_wear_on_you(value, expected):
    assert lean(value, FORWARD) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1, 1.0), (2, 0.5), (3, 0.0), (4, -0.5), (5, -1.0)]
)
def test_agreeing_with_a_reverse_statement_leans_towards_fits_you(value, expected):
    assert lean(value, REVERSE) == expected


@pytest.mark.parametrize("value", [0, 6, -1, None, "3", 2.5, True])
def test_a_value_outside_the_scale_is_refused(value):
    with pytest.raises(ValueError, match="1 to 5"):
        lean(value, FORWARD)


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        lean(3, "sideways")


def test_neutral_answers_score_zero_and_lean_neither_way():
    result = score_reason(reason(answer(3), answer(3, REVERSE, order=1), answer(3, order=2)))
    assert (result.score, result.band) == (0, Band.NO_LEAN)
    assert result.signals == result.strengths == ()


def test_every_answer_at_the_far_not_a_fit_end_scores_plus_100():
    result = score_reason(reason(answer(5), answer(1, REVERSE, order=1), answer(5, order=2)))
    assert (result.score, result.band) == (100, Band.STRONG)


def test_every_answer_at_the_far_fitting_end_scores_minus_100_and_reads_as_fits_you():
    result = score_reason(reason(answer(1), answer(5, REVERSE, order=1), answer(1, order=2)))
    assert (result.score, result.band) == (-100, Band.FITS)
    assert result.band.label == "Fits you"


def test_scores_stay_within_minus_100_and_100_for_every_answer_combination():
    scores = {
        score_reason(reason(answer(a), answer(b, REVERSE, weight=3, order=1))).score
        for a in range(1, 6)
        for b in range(1, 6)
    }
    assert (min(scores), max(scores)) == (-100, 100)


def test_weights_make_a_statement_count_more():
    # A weight-3 "strongly agree" (+1) and a weight-1 "strongly disagree" (-1): (3 - 1) / 4.
    assert score_reason(reason(answer(5, weight=3), answer(1, order=1))).score == 50


def test_a_score_of_exactly_half_a_point_rounds_away_from_zero():
    # Leans +0.5, +1, +1 and 0 average +0.625; the mirror image -0.625.
    towards = [answer(4), answer(5, order=1), answer(5, order=2), answer(3, order=3)]
    assert score_reason(reason(*towards)).score == 63
    against = [answer(2), answer(1, order=1), answer(1, order=2), answer(3, order=3)]
    assert score_reason(reason(*against)).score == -63


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (-100, Band.FITS),
        (-25, Band.FITS),
        (-24, Band.NO_LEAN),
        (0, Band.NO_LEAN),
        (24, Band.NO_LEAN),
        (25, Band.SOME),
        (59, Band.SOME),
        (60, Band.STRONG),
        (100, Band.STRONG),
    ],
)
def test_bands_follow_the_reason_thresholds_inclusively_on_both_sides(score, band):
    assert band_for(score, 25, 60) is band


def test_a_single_leaning_answer_is_not_a_pattern():
    # One "strongly agree" worth half the weight reaches +50, but nothing else leans.
    result = score_reason(reason(answer(5, weight=2), answer(3, order=1), answer(3, order=2)))
    assert result.score == 50
    assert result.band is Band.NO_LEAN
    assert band_for(50, leaning_towards=1) is Band.NO_LEAN
    assert band_for(-50, leaning_against=1) is Band.NO_LEAN


def test_half_the_statements_one_step_towards_not_a_fit_is_may_wear_on_you():
    answers = [answer(4), answer(2, REVERSE, order=1), answer(3, order=2), answer(3, order=3)]
    result = score_reason(reason(*answers))
    assert (result.score, result.band) == (25, Band.SOME)
    assert result.band.label == "May wear on you"


def test_a_reason_with_its_own_thresholds_bands_the_same_score_differently():
    answers = (answer(4), answer(4, order=1), answer(3, order=2))  # +33
    assert score_reason(reason(*answers)).band is Band.SOME
    assert score_reason(reason(*answers, some=20, strong=30)).band is Band.STRONG
    assert score_reason(reason(*answers, some=40, strong=90)).band is Band.NO_LEAN


def test_agreeing_with_a_statement_and_its_opposite_is_not_enough_to_tell():
    result = score_reason(
        reason(
            answer(4), answer(5, order=1), answer(4, REVERSE, order=2), answer(5, REVERSE, order=3)
        )
    )
    assert result.band is Band.UNCLEAR
    assert result.band.label == "Not enough to tell"
    assert not result.is_flagged


def test_disagreeing_with_a_statement_and_its_opposite_is_a_contradiction_too():
    assert is_contradictory([(1, FORWARD), (2, FORWARD), (1, REVERSE)])


@pytest.mark.parametrize(
    "answers",
    [
        [(4, FORWARD), (3, REVERSE)],  # the reverse side is neutral
        [(4, FORWARD), (4, FORWARD), (2, REVERSE)],  # both sides agree: a clear lean
        [(4, FORWARD), (3, FORWARD), (4, REVERSE)],  # forward only half a step on average
        [(5, FORWARD), (5, FORWARD)],  # no reverse-keyed answers to contradict
    ],
)
def test_answers_that_lean_one_way_or_only_mildly_both_ways_are_not_contradictions(answers):
    assert not is_contradictory(answers)


def test_quoted_evidence_is_the_strongest_answers_each_way_at_most_three():
    result = score_reason(
        reason(
            answer(4, order=1, statement="Agree forward."),
            answer(5, order=2, statement="Strongly agree forward."),
            answer(1, REVERSE, order=3, statement="Strongly disagree reverse."),
            answer(5, weight=2, order=4, statement="Heavy strongly agree."),
            answer(4, order=5, statement="Another agree."),
            answer(5, REVERSE, order=6, statement="Fits strongly."),
            answer(2, order=7, statement="Fits a little."),
        )
    )
    assert [s.statement for s in result.signals] == [
        "Heavy strongly agree.",
        "Strongly agree forward.",
        "Strongly disagree reverse.",
    ]
    assert [s.answer_label for s in result.signals] == [
        "Strongly agree",
        "Strongly agree",
        "Strongly disagree",
    ]
    assert [s.statement for s in result.strengths] == ["Fits strongly.", "Fits a little."]


def test_neutral_answers_are_quoted_neither_way():
    result = score_reason(reason(answer(3), answer(3, REVERSE, order=1)))
    assert result.signals == () and result.strengths == ()


def test_equal_evidence_keeps_the_questionnaire_order():
    result = score_reason(
        reason(answer(5, order=2, statement="Second."), answer(5, order=1, statement="First."))
    )
    assert [s.statement for s in result.signals] == ["First.", "Second."]


def test_a_submission_ranks_reasons_most_wearing_first_with_unclear_ones_last():
    result = score_submission(
        [
            reason(answer(1), answer(1, order=1), key="calm", order=1),
            reason(answer(4), answer(4, order=1), key="some", order=2),
            reason(answer(5), answer(5, order=1), key="strong", order=3),
            reason(answer(4), answer(4, order=1), key="tie", order=4),
            reason(answer(5), answer(5, REVERSE, order=1), key="unclear", order=5),
        ]
    )
    assert [r.key for r in result.reasons] == ["calm", "some", "strong", "tie", "unclear"]
    assert [r.key for r in result.ranked] == ["strong", "some", "tie", "calm", "unclear"]
    assert [r.key for r in result.flagged] == ["strong", "some", "tie"]
    assert [r.key for r in result.fits] == ["calm"]
    assert [r.key for r in result.unclear] == ["unclear"]


def test_a_reason_without_answers_is_left_out_of_the_result():
    result = score_submission([reason(key="empty"), reason(answer(2), key="answered")])
    assert [r.key for r in result.reasons] == ["answered"]


def test_a_score_carries_back_the_callers_reference():
    marker = object()
    source = ReasonInput("k", "K", 1, [answer(3)], ref=marker)
    assert score_reason(source).ref is marker


@pytest.mark.parametrize(("score", "text"), [(45, "+45"), (0, "0"), (-30, "\u221230")])
def test_a_score_is_written_with_its_sign(score, text):
    answers = [answer(3)]
    scored = score_reason(reason(*answers))
    assert type(scored)(**{**scored.__dict__, "score": score}).signed_score == text
