"""The results page's first sentence, from a calibrated result and the answers' quality."""

from assessments.quality import Quality
from assessments.scoring import FORWARD, REVERSE, AnswerInput, ReasonInput, score_submission
from assessments.summary import headline

CLEAR = Quality(
    count=10,
    longest_run=2,
    run_value=4,
    most_common=3,
    contradictory=(),
    neutral_share=0.1,
    seconds_per_statement=12.0,
    flags=(),
)
CARELESS = Quality(
    count=10,
    longest_run=10,
    run_value=4,
    most_common=10,
    contradictory=(),
    neutral_share=0.0,
    seconds_per_statement=12.0,
    flags=("straight-line",),
)


def reason(key, order, lean):
    """A reason whose two statements, one each way, both lean `lean` steps (-2..2)."""
    return ReasonInput(
        key=key,
        title=key.title(),
        order=order,
        answers=[
            AnswerInput("Forward.", 3 + lean, FORWARD, order=1),
            AnswerInput("Reverse.", 3 - lean, REVERSE, order=2),
        ],
    )


def result(*leans):
    keys = ["learning", "grit", "rework", "people", "plumbing"]
    return score_submission(
        reason(key, i, lean) for i, (key, lean) in enumerate(zip(keys, leans, strict=True))
    )


def sentence(*leans, quality=CLEAR):
    return str(headline(result(*leans), quality))


def test_a_person_who_fits_everything_is_told_so():
    assert sentence(-1, -2, -1, -1, -2) == (
        "Every part of the job these questions cover looks like a good fit for you."
    )


def test_one_reason_that_may_wear_is_named_as_worth_testing():
    assert sentence(-1, 2, -1, -1, 0) == (
        "Most of the job looks like a good fit; one part is worth testing first: "
        '<a href="#reason-grit"><strong>Grit</strong></a>.'
    )


def test_two_reasons_are_named_strongest_first():
    assert sentence(1, 2, -1, -1, -1).endswith(
        'two parts are worth testing first: <a href="#reason-grit"><strong>Grit</strong></a>, '
        'then <a href="#reason-learning"><strong>Learning</strong></a>.'
    )


def test_two_reasons_with_the_same_score_are_said_as_a_tie():
    assert sentence(2, 2, -1, -1, -1).endswith(
        'two parts are worth testing first: <a href="#reason-learning"><strong>Learning</strong>'
        '</a> and <a href="#reason-grit"><strong>Grit</strong></a>, equally.'
    )


def test_several_reasons_are_named_strongest_first_with_ties_said_as_ties():
    assert sentence(1, 2, 2, 1, -1) == (
        "Several everyday parts of the job may wear on you: "
        '<a href="#reason-grit"><strong>Grit</strong></a> and '
        '<a href="#reason-rework"><strong>Rework</strong></a>, equally, then '
        '<a href="#reason-learning"><strong>Learning</strong></a> and '
        '<a href="#reason-people"><strong>People</strong></a>, equally.'
    )


def test_a_reason_that_cannot_be_told_is_left_out_and_said_so():
    text = str(headline(result(-1, -1, -1, -1, -1), CLEAR))
    assert text.startswith("Every part of the job")
    contradictory = score_submission(
        [
            reason("learning", 0, -1),
            ReasonInput(
                key="grit",
                title="Grit",
                order=1,
                answers=[
                    AnswerInput("Forward.", 5, FORWARD, order=1),
                    AnswerInput("Reverse.", 5, REVERSE, order=2),
                ],
            ),
        ]
    )
    assert str(headline(contradictory, CLEAR)) == (
        "Every other part of the job looks like a good fit for you. Your answers on "
        '<a href="#reason-grit"><strong>Grit</strong></a> point both ways, so it is left out.'
    )


def test_a_flagged_reason_among_unclear_leans_does_not_claim_most_of_the_job_fits():
    assert sentence(0, 2, 0, 0, -1).startswith(
        "One part of the job may wear on you, and nothing else stood out: "
    )


def test_answers_that_lean_neither_way_are_said_not_to_separate_the_reasons():
    assert sentence(0, 0, 0, 0, 0) == (
        "Your answers lean neither way on any part of the job, so they do not separate the "
        "five reasons."
    )


def test_some_fitting_parts_and_nothing_against_are_counted():
    assert sentence(-1, -1, 0, 0, 0) == (
        "Nothing in your answers points against the job, and 2 of its 5 parts look like a "
        "good fit for you."
    )


def test_low_quality_answers_are_never_dressed_up_as_a_finding():
    assert sentence(2, 2, 2, 2, 2, quality=CARELESS) == (
        "Your answers do not give a clear picture, so this page cannot tell yet whether the job "
        "suits you."
    )
