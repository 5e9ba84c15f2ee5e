"""Database constraints and model behaviour: what the tables refuse and what they keep."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from assessments.models import (
    Answer,
    AnsweredReason,
    Question,
    Questionnaire,
    ReasonCategory,
    Submission,
    owner_key_for,
)

TOKEN = "the-secret-in-this-browser"

# Values chosen so that each reason scores something other than 0, 50 or 100,
# and so that flipping a statement's direction would change the score.
SMALL_ANSWERS = {"first-a": 5, "first-b": 4, "second-a": 2, "second-b": 1}


def new_submission(questionnaire: Questionnaire, token: str = TOKEN) -> Submission:
    return Submission.objects.create(questionnaire=questionnaire, owner_key=owner_key_for(token))


def answer_all(submission: Submission, values_by_key: dict[str, int]) -> Submission:
    """Save every step of the submission's questionnaire with the given values."""
    for step in submission.questionnaire.steps():
        submission.save_step(step, {q.pk: values_by_key[q.key] for q in step.questions})
    return submission


def scores(submission: Submission) -> list[tuple]:
    """Return what a results page shows per reason: title, score, band, quoted statements."""
    return [
        (reason.title, reason.score, reason.band, [s.statement for s in reason.signals])
        for reason in Submission.objects.get(pk=submission.pk).result().reasons
    ]


@pytest.fixture
def small_submission(small_questionnaire) -> Submission:
    """Every statement of the small questionnaire answered with SMALL_ANSWERS."""
    return answer_all(new_submission(small_questionnaire), SMALL_ANSWERS)


def question(key: str) -> Question:
    return Question.objects.get(key=key)


def reason_kwargs(questionnaire: Questionnaire, **overrides) -> dict:
    return {
        "questionnaire": questionnaire,
        "key": "extra",
        "order": 9,
        "title": "Extra reason",
        "summary": "An extra reason.",
        "why_it_matters": "It matters.",
        "advice": "Some advice.",
        **overrides,
    }


# -- Constraints ----------------------------------------------------------------


def test_the_database_keeps_one_answer_per_statement_per_submission(small_submission):
    first = small_submission.answers.get(question__key="first-a")

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            submission=small_submission,
            question=first.question,
            reason=first.reason,
            statement=first.statement,
            direction=first.direction,
            weight=first.weight,
            order=first.order,
            value=2,
        )

    assert list(small_submission.answers.filter(question__key="first-a").values("value")) == [
        {"value": 5}
    ]


@pytest.mark.parametrize("value", [0, 6])
def test_the_database_refuses_an_answer_outside_one_to_five(small_submission, value):
    first = small_submission.answers.get(question__key="first-a")

    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=first.pk).update(value=value)

    first.refresh_from_db()
    assert first.value == 5


@pytest.mark.parametrize(("some", "strong"), [(70, 50), (50, 50)])
def test_the_database_refuses_reason_thresholds_that_are_not_some_below_strong(
    small_questionnaire, some, strong
):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReasonCategory.objects.create(
            **reason_kwargs(small_questionnaire, some_signs_from=some, strong_signs_from=strong)
        )

    assert not ReasonCategory.objects.filter(key="extra").exists()


def test_validating_a_reason_with_thresholds_out_of_order_explains_what_is_wrong(
    small_questionnaire,
):
    reason = ReasonCategory(
        **reason_kwargs(small_questionnaire, some_signs_from=70, strong_signs_from=50)
    )

    with pytest.raises(ValidationError) as error:
        reason.full_clean()

    assert error.value.messages == ["“Some signs” must start below “strong signs”, within 1-100."]


@pytest.mark.parametrize("weight", [0, 6])
def test_the_database_refuses_a_statement_weight_outside_one_to_five(small_questionnaire, weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(key="first-a").update(weight=weight)

    assert question("first-a").weight == 1


def test_validating_a_statement_with_weight_six_says_at_most_five(small_questionnaire):
    statement = question("first-a")
    statement.weight = 6

    with pytest.raises(ValidationError) as error:
        statement.full_clean()

    assert "weight" in error.value.message_dict
    assert "less than or equal to 5" in error.value.message_dict["weight"][0]


# -- Answers keep what was asked ------------------------------------------------


def test_deleting_an_answered_statement_keeps_the_answer_and_its_snapshot(small_submission):
    question("first-a").delete()

    answer = small_submission.answers.get(statement="First statement A.")
    assert answer.question is None
    assert (answer.value, answer.direction, answer.weight) == (5, "forward", 1)
    assert small_submission.answers.count() == 4


def test_deleting_an_answered_statement_leaves_the_result_unchanged(small_submission):
    before = scores(small_submission)

    question("first-a").delete()

    assert scores(small_submission) == before
    assert before[0][1] == 63  # (1.0 + 0.25) / 2 on the first reason, rounded half up


def test_deleting_an_answered_reason_keeps_its_answers_and_snapshot(small_submission):
    ReasonCategory.objects.get(key="first").delete()

    snapshot = small_submission.answered_reasons.get(key="first")
    assert snapshot.category is None
    assert (snapshot.title, snapshot.advice) == ("First reason", "Advice for the first reason.")
    assert sorted(snapshot.answers.values_list("statement", "value")) == [
        ("First statement A.", 5),
        ("First statement B.", 4),
    ]
    assert small_submission.answers.filter(question__isnull=True).count() == 2


def test_deleting_an_answered_reason_leaves_the_result_unchanged(small_submission):
    before = scores(small_submission)

    ReasonCategory.objects.get(key="first").delete()

    assert scores(small_submission) == before
    assert [title for title, *_ in before] == ["First reason", "Second reason"]


def test_editing_an_answered_statement_does_not_change_the_answer_snapshot(small_submission):
    statement = question("first-b")
    statement.statement = "A reworded statement."
    statement.direction = "forward"
    statement.weight = 5
    statement.save()

    answer = small_submission.answers.get(question=statement)
    assert (answer.statement, answer.direction, answer.weight) == (
        "First statement B.",
        "reverse",
        1,
    )


def test_editing_an_answered_statement_does_not_change_the_result(small_submission):
    before = scores(small_submission)
    statement = question("first-b")
    statement.statement = "A reworded statement."
    statement.direction = "forward"
    statement.weight = 5
    statement.save()

    assert scores(small_submission) == before


def test_editing_an_answered_reasons_thresholds_does_not_change_its_band(small_submission):
    reason = ReasonCategory.objects.get(key="first")
    reason.title = "Renamed"
    reason.some_signs_from, reason.strong_signs_from = 10, 20
    reason.save()

    title, score, band, _ = scores(small_submission)[0]
    assert (title, score, band.label) == ("First reason", 63, "Some signs")


def test_saving_the_same_step_twice_updates_the_answers_instead_of_adding_more(
    small_questionnaire,
):
    submission = new_submission(small_questionnaire)
    step = small_questionnaire.steps()[0]
    first_a, first_b = step.questions

    submission.save_step(step, {first_a.pk: 1, first_b.pk: 1})
    submission.save_step(step, {first_a.pk: 5, first_b.pk: 2})

    assert sorted(submission.answers.values_list("statement", "value")) == [
        ("First statement A.", 5),
        ("First statement B.", 2),
    ]
    assert AnsweredReason.objects.filter(submission=submission).count() == 1


def test_saving_a_step_again_takes_the_statement_as_it_now_reads(small_questionnaire):
    submission = new_submission(small_questionnaire)
    step = small_questionnaire.steps()[0]
    submission.save_step(step, {q.pk: 3 for q in step.questions})
    Question.objects.filter(key="first-a").update(statement="Reworded before answering again.")

    step = small_questionnaire.steps()[0]
    submission.save_step(step, {q.pk: 4 for q in step.questions})

    assert submission.answers.get(question__key="first-a").statement == (
        "Reworded before answering again."
    )


# -- Steps -------------------------------------------------------------------------


def test_steps_skip_a_reason_whose_statements_are_all_inactive(small_questionnaire):
    Question.objects.filter(category__key="first").update(active=False)

    steps = small_questionnaire.steps()

    assert [(step.number, step.category.key) for step in steps] == [(1, "second")]


def test_steps_leave_out_inactive_statements(small_questionnaire):
    Question.objects.filter(key="second-a").update(active=False)

    steps = small_questionnaire.steps()

    assert [[q.key for q in step.questions] for step in steps] == [
        ["first-a", "first-b"],
        ["second-b"],
    ]


def test_steps_follow_reason_order_then_statement_order(small_questionnaire):
    ReasonCategory.objects.filter(key="first").update(order=5)
    Question.objects.filter(key="second-a").update(order=3)

    steps = small_questionnaire.steps()

    assert [(step.number, step.category.key) for step in steps] == [(1, "second"), (2, "first")]
    assert [q.key for q in steps[0].questions] == ["second-b", "second-a"]


def test_steps_do_not_include_another_questionnaires_statements(small_questionnaire, questionnaire):
    assert [step.category.key for step in small_questionnaire.steps()] == ["first", "second"]
    assert len(questionnaire.steps()) == 5


# -- Questionnaires and owners ---------------------------------------------------------


def test_a_questionnaire_with_submissions_cannot_be_deleted(small_submission):
    with pytest.raises(ProtectedError), transaction.atomic():
        small_submission.questionnaire.delete()

    assert Questionnaire.objects.filter(slug="small").exists()
    assert Question.objects.filter(category__questionnaire__slug="small").count() == 4
    assert small_submission.answers.count() == 4


def test_a_questionnaire_without_submissions_can_be_deleted_with_its_statements(
    small_questionnaire,
):
    small_questionnaire.delete()

    assert not Questionnaire.objects.filter(slug="small").exists()
    assert not Question.objects.exists()


def test_a_submission_is_owned_by_the_token_that_started_it(small_questionnaire):
    submission = new_submission(small_questionnaire, token="mine")

    assert submission.is_owned_by("mine")
    assert submission.owner_key != "mine"


@pytest.mark.parametrize("token", ["someone-else", "", None])
def test_a_submission_is_not_owned_by_another_or_missing_token(small_questionnaire, token):
    submission = new_submission(small_questionnaire, token="mine")

    assert not submission.is_owned_by(token)
