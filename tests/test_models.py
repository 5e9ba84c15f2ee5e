"""Database constraints and model behaviour: what the tables refuse and what they keep."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from assessments.models import (
    AlreadyComplete,
    Question,
    Questionnaire,
    ReasonCategory,
    Revision,
    Submission,
    owner_key_for,
)

TOKEN = "the-secret-in-this-browser"

# Values chosen so that each reason scores something other than 0, 50 or 100,
# and so that flipping a statement's direction would change the score.
SMALL_ANSWERS = {"first-a": 5, "first-b": 4, "second-a": 2, "second-b": 1}


def new_submission(questionnaire: Questionnaire, token: str = TOKEN) -> Submission:
    """Start a submission on the questionnaire's latest revision, as the start view does."""
    revision = questionnaire.latest_revision()
    return Submission.objects.create(
        revision=revision,
        owner_key=owner_key_for(token),
        answers="0" * revision.frozen.statement_count,
    )


def answer_all(submission: Submission, values_by_key: dict[str, int]) -> Submission:
    """Save every step of the submission's revision with the given values."""
    for reason in submission.frozen.reasons:
        submission.save_step({s.position: values_by_key[s.key] for s in reason.statements})
    return submission


def stored(submission: Submission) -> str:
    """Return the answers the database holds for the submission."""
    return Submission.objects.values_list("answers", flat=True).get(pk=submission.pk)


def scores(submission: Submission) -> list[tuple]:
    """Return what a results page shows per reason: title, score, band, quoted statements."""
    return [
        (str(reason.title), reason.score, reason.band, [str(s.statement) for s in reason.signals])
        for reason in Submission.objects.get(pk=submission.pk).result().reasons
    ]


def what_was_asked(submission: Submission) -> list[tuple]:
    """Return (reason, statement, direction, weight, answer) for every answered statement."""
    submission = Submission.objects.get(pk=submission.pk)
    values = submission.answer_values()
    return [
        (str(reason.title), str(s.text), s.direction, s.weight, values[s.position])
        for reason in submission.frozen.reasons
        for s in reason.statements
        if values[s.position]
    ]


def keys_by_step(revision: Revision) -> list[tuple[int, str, list[str]]]:
    """Return (step number, reason key, statement keys) for each step of a revision."""
    return [
        (reason.number, reason.key, [s.key for s in reason.statements])
        for reason in revision.frozen.reasons
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


def test_the_answers_hold_one_digit_per_statement_however_often_a_step_is_saved(
    small_submission,
):
    small_submission.save_step({0: 1, 1: 2})
    small_submission.save_step({0: 3})

    assert stored(small_submission) == "3221"
    assert small_submission.answer_values() == [3, 2, 2, 1]


def test_a_submission_stored_without_answers_gets_one_digit_per_statement_when_saved(
    small_questionnaire,
):
    submission = Submission.objects.create(
        revision=small_questionnaire.latest_revision(), owner_key=owner_key_for(TOKEN)
    )

    submission.save_step({2: 4})

    assert stored(submission) == "0040"


@pytest.mark.parametrize("position", [-1, 4, 99])
def test_saving_an_answer_to_a_statement_the_revision_does_not_have_is_refused(
    small_submission, position
):
    with pytest.raises(ValueError):
        small_submission.save_step({0: 1, position: 3})

    assert stored(small_submission) == "5421"


@pytest.mark.parametrize("value", [0, 6, -1, "3", None])
def test_saving_an_answer_outside_one_to_five_is_refused(small_submission, value):
    with pytest.raises(ValueError):
        small_submission.save_step({1: 1, 0: value})

    assert stored(small_submission) == "5421"


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

    assert error.value.messages == [
        "“May wear on you” must start below “likely to wear on you”, within 1-100."
    ]


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


def test_the_database_refuses_a_second_revision_with_the_same_number(small_questionnaire):
    latest = small_questionnaire.latest_revision()

    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(
            questionnaire=small_questionnaire, number=1, content={}, digest="other"
        )

    assert list(small_questionnaire.revisions.values_list("pk", flat=True)) == [latest.pk]


# -- Revisions: what a published questionnaire freezes ------------------------------


def test_a_revision_numbers_its_statements_from_zero_across_reasons_in_order(questionnaire):
    frozen = questionnaire.latest_revision().frozen

    assert [s.position for s in frozen.statements] == list(range(30))
    assert frozen.statement_count == 30
    assert [
        (reason.number, [s.position for s in reason.statements]) for reason in frozen.reasons
    ] == [(n, list(range(6 * (n - 1), 6 * n))) for n in range(1, 6)]


def test_a_revision_keeps_the_reason_and_statement_order_of_the_working_copy(
    small_questionnaire,
):
    assert keys_by_step(small_questionnaire.latest_revision()) == [
        (1, "first", ["first-a", "first-b"]),
        (2, "second", ["second-a", "second-b"]),
    ]
    statement = small_questionnaire.latest_revision().frozen.statements[1]
    assert (statement.key, statement.direction, statement.weight) == ("first-b", "reverse", 1)


def test_a_revision_keeps_every_text_in_both_languages(questionnaire):
    frozen = questionnaire.latest_revision().frozen

    perseverance = frozen.reasons[1]
    assert perseverance.key == "perseverance"
    assert perseverance.title == {"en": "Perseverance", "zh-hans": "毅力"}
    assert frozen.title == {
        "en": "Is machine-learning engineering for you?",
        "zh-hans": "机器学习工程师适合你吗？",
    }
    reason = ReasonCategory.objects.get(key="perseverance")
    assert perseverance.summary == {"en": reason.summary_en, "zh-hans": reason.summary_zh_hans}
    working = Question.objects.get(key=perseverance.statements[0].key)
    assert perseverance.statements[0].text == {
        "en": working.statement_en,
        "zh-hans": working.statement_zh_hans,
    }


def test_a_revisions_texts_read_in_the_active_language(questionnaire):
    reason = questionnaire.latest_revision().frozen.reasons[1]

    with translation.override("zh-hans"):
        assert str(reason.title) == "毅力"
        assert str(reason) == "毅力"
    with translation.override("en"):
        assert str(reason.title) == "Perseverance"


def test_a_revisions_text_without_chinese_reads_in_english_on_a_chinese_page(questionnaire):
    Question.objects.filter(key="drop-stuck-problem").update(statement_zh_hans="")
    # The admin refuses this now; a data file or an older revision may still hold it.
    revision = questionnaire.publish(allow_missing_texts=True)

    (statement,) = [s for s in revision.frozen.statements if s.key == "drop-stuck-problem"]
    with translation.override("zh-hans"):
        assert str(statement.text) == question("drop-stuck-problem").statement_en
        assert str(statement) == question("drop-stuck-problem").statement_en


def test_a_revisions_content_is_read_once_and_then_served_from_memory(
    small_questionnaire, django_assert_num_queries
):
    frozen = small_questionnaire.latest_revision().frozen
    again = Revision.objects.without_content().get(pk=small_questionnaire.latest_revision().pk)

    with django_assert_num_queries(0):
        assert again.frozen is frozen


# -- Publishing --------------------------------------------------------------------


def test_the_first_publish_is_revision_one_and_each_change_adds_the_next_number(
    small_questionnaire,
):
    assert small_questionnaire.latest_revision().number == 1

    Question.objects.filter(key="first-a").update(statement="Reworded once.")
    second = small_questionnaire.publish(by="editor", allow_missing_texts=True)
    Question.objects.filter(key="first-a").update(statement="Reworded twice.")
    third = small_questionnaire.publish(allow_missing_texts=True)

    assert (second.number, second.published_by) == (2, "editor")
    assert third.number == 3
    assert small_questionnaire.latest_revision() == third
    assert list(small_questionnaire.revisions.values_list("number", flat=True)) == [3, 2, 1]


def test_publishing_unchanged_content_creates_nothing(small_questionnaire):
    latest = small_questionnaire.latest_revision()

    assert small_questionnaire.publish(allow_missing_texts=True) is None
    assert list(Revision.objects.values_list("pk", flat=True)) == [latest.pk]


def test_publishing_after_an_edit_to_an_inactive_statement_creates_nothing(small_questionnaire):
    Question.objects.filter(key="first-a").update(active=False)
    small_questionnaire.publish(allow_missing_texts=True)
    Question.objects.filter(key="first-a").update(statement="Nobody is asked this.")

    assert small_questionnaire.publish(allow_missing_texts=True) is None
    assert small_questionnaire.latest_revision().number == 2


def test_publishing_freezes_only_active_statements(small_questionnaire):
    Question.objects.filter(key="second-a").update(active=False)

    revision = small_questionnaire.publish(allow_missing_texts=True)

    assert keys_by_step(revision) == [
        (1, "first", ["first-a", "first-b"]),
        (2, "second", ["second-b"]),
    ]
    assert [s.position for s in revision.frozen.statements] == [0, 1, 2]


def test_publishing_leaves_out_a_reason_whose_statements_are_all_inactive(small_questionnaire):
    Question.objects.filter(category__key="first").update(active=False)

    revision = small_questionnaire.publish(allow_missing_texts=True)

    assert keys_by_step(revision) == [(1, "second", ["second-a", "second-b"])]
    assert [s.position for s in revision.frozen.statements] == [0, 1]


def test_publishing_follows_reason_order_then_statement_order(small_questionnaire):
    ReasonCategory.objects.filter(key="first").update(order=5)
    Question.objects.filter(key="second-a").update(order=3)

    revision = small_questionnaire.publish(allow_missing_texts=True)

    assert keys_by_step(revision) == [
        (1, "second", ["second-b", "second-a"]),
        (2, "first", ["first-a", "first-b"]),
    ]


def test_publishing_leaves_earlier_revisions_as_they_were(small_questionnaire):
    first = small_questionnaire.latest_revision()
    content = first.content
    Question.objects.filter(key="first-a").update(statement="Reworded.", weight=5)

    small_questionnaire.publish(allow_missing_texts=True)

    first.refresh_from_db()
    assert first.content == content
    assert str(first.frozen.statements[0].text) == "First statement A."
    assert first.frozen.statements[0].weight == 1


def test_a_revision_does_not_include_another_questionnaires_statements(
    small_questionnaire, questionnaire
):
    assert [r.key for r in small_questionnaire.latest_revision().frozen.reasons] == [
        "first",
        "second",
    ]
    assert len(questionnaire.latest_revision().frozen.reasons) == 5


def test_edits_are_not_in_the_latest_revision_until_published(small_questionnaire):
    Question.objects.filter(key="first-a").update(statement="Not yet published.")

    latest = small_questionnaire.latest_revision()

    assert latest.number == 1
    assert str(latest.frozen.statements[0].text) == "First statement A."


# -- Saving answers ----------------------------------------------------------------


def test_saving_a_step_merges_its_answers_with_those_already_stored(small_questionnaire):
    submission = new_submission(small_questionnaire)

    submission.save_step({0: 5, 1: 4})
    Submission.objects.get(pk=submission.pk).save_step({2: 2})

    assert stored(submission) == "5420"


def test_saving_the_same_step_twice_updates_the_answers_instead_of_adding_more(
    small_questionnaire,
):
    submission = new_submission(small_questionnaire)

    submission.save_step({0: 1, 1: 1})
    submission.save_step({0: 5, 1: 2})

    assert stored(submission) == "5200"
    assert what_was_asked(submission) == [
        ("First reason", "First statement A.", "forward", 1, 5),
        ("First reason", "First statement B.", "reverse", 1, 2),
    ]


def test_saving_every_answer_without_asking_to_complete_leaves_the_submission_open(
    small_questionnaire,
):
    submission = new_submission(small_questionnaire)

    assert submission.save_step({0: 1, 1: 2, 2: 3, 3: 4}) is False

    submission.refresh_from_db()
    assert submission.completed_at is None
    assert submission.answers == "1234"


def test_asking_to_complete_with_a_statement_unanswered_leaves_the_submission_open(
    small_questionnaire,
):
    submission = new_submission(small_questionnaire)

    assert submission.save_step({0: 1, 1: 2, 3: 4}, complete=True) is False

    submission.refresh_from_db()
    assert submission.completed_at is None
    assert submission.answers == "1204"


def test_asking_to_complete_with_every_statement_answered_completes_the_submission(
    small_submission,
):
    assert small_submission.save_step({}, complete=True) is True

    small_submission.refresh_from_db()
    assert small_submission.completed_at is not None
    assert small_submission.answers == "5421"


def test_saving_after_completion_raises_and_leaves_the_answers_unchanged(small_submission):
    small_submission.save_step({3: 2}, complete=True)
    completed_at = Submission.objects.get(pk=small_submission.pk).completed_at

    with pytest.raises(AlreadyComplete):
        small_submission.save_step({0: 1, 1: 1})
    with pytest.raises(AlreadyComplete):
        small_submission.save_step({0: 1}, complete=True)

    small_submission.refresh_from_db()
    assert small_submission.answers == "5422"
    assert small_submission.completed_at == completed_at


def test_saving_with_a_stale_copy_of_a_completed_submission_raises_and_changes_nothing(
    small_submission,
):
    stale = Submission.objects.get(pk=small_submission.pk)
    small_submission.save_step({}, complete=True)

    with pytest.raises(AlreadyComplete):
        stale.save_step({0: 1})

    assert stale.is_complete
    assert stored(small_submission) == "5421"


def test_the_first_open_step_is_the_first_reason_with_an_unanswered_statement(
    small_questionnaire,
):
    submission = new_submission(small_questionnaire)
    assert submission.first_open_step().key == "first"

    submission.save_step({0: 3, 1: 3, 3: 3})
    assert submission.first_open_step().key == "second"
    assert submission.answered_count == 3

    submission.save_step({2: 3})
    assert submission.first_open_step() is None


# -- Answers keep what was asked ------------------------------------------------


def test_deleting_an_answered_statement_keeps_the_answer_and_what_was_asked(small_submission):
    before = what_was_asked(small_submission)

    question("first-a").delete()
    Questionnaire.objects.get(slug="small").publish(allow_missing_texts=True)

    assert what_was_asked(small_submission) == before
    assert before[0] == ("First reason", "First statement A.", "forward", 1, 5)
    assert len(before) == 4


def test_deleting_an_answered_statement_leaves_the_result_unchanged(small_submission):
    before = scores(small_submission)

    question("first-a").delete()
    Questionnaire.objects.get(slug="small").publish(allow_missing_texts=True)

    assert scores(small_submission) == before
    # (+1.0 - 0.5) / 2 on the first reason; first-b alone would read -50.
    assert before[0][1] == 25


def test_deleting_an_answered_reason_keeps_its_answers_and_what_was_asked(small_submission):
    ReasonCategory.objects.get(key="first").delete()
    Questionnaire.objects.get(slug="small").publish(allow_missing_texts=True)

    reason = small_submission.frozen.reasons[0]
    assert (str(reason.title), str(reason.advice)) == (
        "First reason",
        "Advice for the first reason.",
    )
    assert what_was_asked(small_submission)[:2] == [
        ("First reason", "First statement A.", "forward", 1, 5),
        ("First reason", "First statement B.", "reverse", 1, 4),
    ]


def test_deleting_an_answered_reason_leaves_the_result_unchanged(small_submission):
    before = scores(small_submission)

    ReasonCategory.objects.get(key="first").delete()
    Questionnaire.objects.get(slug="small").publish(allow_missing_texts=True)

    assert scores(small_submission) == before
    assert [title for title, *_ in before] == ["First reason", "Second reason"]


def reword_first_b() -> None:
    statement = question("first-b")
    statement.statement = "A reworded statement."
    statement.direction = "forward"
    statement.weight = 5
    statement.save()
    Questionnaire.objects.get(slug="small").publish(allow_missing_texts=True)


def test_editing_an_answered_statement_does_not_change_what_was_asked(small_submission):
    reword_first_b()

    assert what_was_asked(small_submission)[1] == (
        "First reason",
        "First statement B.",
        "reverse",
        1,
        4,
    )


def test_editing_an_answered_statement_does_not_change_the_result(small_submission):
    before = scores(small_submission)

    reword_first_b()

    assert scores(small_submission) == before


def test_editing_an_answered_reasons_thresholds_does_not_change_its_band(small_questionnaire):
    # Both answers of the first reason lean towards "may wear on you": +1.0 and +0.5.
    submission = answer_all(new_submission(small_questionnaire), {**SMALL_ANSWERS, "first-b": 2})
    reason = ReasonCategory.objects.get(key="first")
    reason.title = "Renamed"
    reason.some_signs_from, reason.strong_signs_from = 80, 90
    reason.save()
    small_questionnaire.publish(allow_missing_texts=True)

    title, score, band, _ = scores(submission)[0]
    assert (title, score, band.label) == ("First reason", 75, "Likely to wear on you")


def test_saving_a_step_again_keeps_the_statement_as_the_submissions_revision_reads(
    small_questionnaire,
):
    submission = new_submission(small_questionnaire)
    submission.save_step({0: 3, 1: 3})
    Question.objects.filter(key="first-a").update(statement="Reworded before answering again.")
    small_questionnaire.publish(allow_missing_texts=True)

    Submission.objects.get(pk=submission.pk).save_step({0: 4, 1: 4})

    assert what_was_asked(submission)[0] == ("First reason", "First statement A.", "forward", 1, 4)
    assert Submission.objects.get(pk=submission.pk).revision.number == 1


# -- Questionnaires and owners ---------------------------------------------------------


def test_a_questionnaire_with_submissions_cannot_be_deleted(small_submission):
    with pytest.raises(ProtectedError), transaction.atomic():
        small_submission.revision.questionnaire.delete()

    assert Questionnaire.objects.filter(slug="small").exists()
    assert Question.objects.filter(category__questionnaire__slug="small").count() == 4
    assert Revision.objects.filter(questionnaire__slug="small").count() == 1
    assert stored(small_submission) == "5421"


def test_a_revision_with_submissions_cannot_be_deleted(small_submission):
    with pytest.raises(ProtectedError), transaction.atomic():
        small_submission.revision.delete()

    assert Revision.objects.filter(pk=small_submission.revision_id).exists()


def test_a_questionnaire_without_submissions_can_be_deleted_with_its_statements(
    small_questionnaire,
):
    small_questionnaire.delete()

    assert not Questionnaire.objects.filter(slug="small").exists()
    assert not Question.objects.exists()
    assert not Revision.objects.exists()


def test_a_submission_is_owned_by_the_token_that_started_it(small_questionnaire):
    submission = new_submission(small_questionnaire, token="mine")

    assert submission.is_owned_by("mine")
    assert submission.owner_key != "mine"


@pytest.mark.parametrize("token", ["someone-else", "", None])
def test_a_submission_is_not_owned_by_another_or_missing_token(small_questionnaire, token):
    submission = new_submission(small_questionnaire, token="mine")

    assert not submission.is_owned_by(token)
