"""The pure scoring module: plain values in, results out, no database."""

import pytest

from assessments.scoring import (
    FORWARD,
    REVERSE,
    AnswerInput,
    Band,
    ReasonInput,
    band_for,
    score_reason,
    score_submission,
    signal,
)


def reason(*answers, key="r", order=1, some=35, strong=65):
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
    ("value", "expected"), [(1, 0.0), (2, 0.25), (3, 0.5), (4, 0.75), (5, 1.0)]
)
def test_agreeing_with_a_forward_statement_signals_not_a_fit(value, expected):
    assert signal(value, FORWARD) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1, 1.0), (2, 0.75), (3, 0.5), (4, 0.25), (5, 0.0)]
)
def test_agreeing_with_a_reverse_statement_signals_a_fit(value, expected):
    assert signal(value, REVERSE) == expected


@pytest.mark.parametrize("value", [0, 6, -1, None, "3", 2.5])
def test_a_value_outside_the_scale_is_refused(value):
    with pytest.raises(ValueError, match="1 to 5"):
        signal(value, FORWARD)


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        signal(3, "sideways")


def test_all_strongly_agree_on_forward_statements_scores_100():
    assert score_reason(reason(answer(5), answer(5, order=1))).score == 100


def test_all_strongly_agree_on_reverse_statements_scores_0():
    assert score_reason(reason(answer(5, REVERSE), answer(5, REVERSE, order=1))).score == 0


def test_scores_stay_within_0_and_100_for_every_answer_combination():
    scores = {
        score_reason(reason(answer(a), answer(b, REVERSE, weight=3, order=1))).score
        for a in range(1, 6)
        for b in range(1, 6)
    }
    assert min(scores) == 0
    assert max(scores) == 100
    assert all(0 <= score <= 100 for score in scores)


def test_weights_make_a_statement_count_more():
    # A weight-3 "strongly agree" and a weight-1 "strongly disagree": 3/4 of the way.
    result = score_reason(reason(answer(5, weight=3), answer(1, weight=1, order=1)))
    assert result.score == 75


def test_a_score_of_exactly_half_a_point_rounds_up():
    # Signals 0.25 and 1.0 over weights 1 and 1 average 62.5.
    assert score_reason(reason(answer(2), answer(5, order=1))).score == 63


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, Band.LITTLE),
        (34, Band.LITTLE),
        (35, Band.SOME),
        (64, Band.SOME),
        (65, Band.STRONG),
        (100, Band.STRONG),
    ],
)
def test_bands_follow_the_reason_thresholds_inclusively(score, band):
    assert band_for(score, 35, 65) is band


def test_a_reason_with_its_own_thresholds_bands_the_same_score_differently():
    answers = (answer(4), answer(3, order=1))  # 63
    assert score_reason(reason(*answers)).band is Band.SOME
    assert score_reason(reason(*answers, some=20, strong=60)).band is Band.STRONG
    assert score_reason(reason(*answers, some=70, strong=90)).band is Band.LITTLE


def test_band_labels_are_words():
    assert [band.label for band in Band] == ["Little sign", "Some signs", "Strong signs"]


def test_signals_are_the_strongest_answers_first_at_most_three():
    result = score_reason(
        reason(
            answer(4, order=1, statement="Agree forward."),
            answer(5, order=2, statement="Strongly agree forward."),
            answer(1, REVERSE, order=3, statement="Strongly disagree reverse."),
            answer(5, weight=2, order=4, statement="Heavy strongly agree."),
            answer(4, order=5, statement="Another agree."),
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


def test_answers_that_do_not_lean_towards_not_a_fit_are_never_signals():
    result = score_reason(reason(answer(3), answer(1, order=1), answer(5, REVERSE, order=2)))
    assert result.signals == ()


def test_equal_signals_keep_the_questionnaire_order():
    result = score_reason(
        reason(answer(5, order=2, statement="Second."), answer(5, order=1, statement="First."))
    )
    assert [s.statement for s in result.signals] == ["First.", "Second."]


def test_a_submission_ranks_reasons_strongest_first_and_names_only_notable_ones():
    result = score_submission(
        [
            reason(answer(1), key="calm", order=1),
            reason(answer(4), key="some", order=2),
            reason(answer(5), key="strong", order=3),
            reason(answer(4), key="tie", order=4),
        ]
    )
    assert [r.key for r in result.reasons] == ["calm", "some", "strong", "tie"]
    assert [r.key for r in result.ranked] == ["strong", "some", "tie", "calm"]
    assert [r.key for r in result.standouts] == ["strong", "some", "tie"]


def test_a_reason_without_answers_is_left_out_of_the_result():
    result = score_submission([reason(key="empty"), reason(answer(2), key="answered")])
    assert [r.key for r in result.reasons] == ["answered"]


def test_a_score_carries_back_the_callers_reference():
    marker = object()
    source = ReasonInput("k", "K", 1, 35, 65, [answer(3)], ref=marker)
    assert score_reason(source).ref is marker
