"""An admin edits the questionnaire between a page being shown and being posted."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Answer, Question, ReasonCategory

from .conftest import answer_step, complete, start, step_data, step_url
from .test_views import text

CHANGED = "The questionnaire was updated while you were answering."


def shown_page(client, submission, number):
    """GET the step like a browser and return what its form would post, all "Agree"."""
    response = client.get(step_url(submission, number))
    assert response.status_code == 200
    step = submission.questionnaire.steps()[number - 1]
    return {**step_data(submission, number, 4), "reason": str(step.category.pk)}, step


def stored_for(submission, questions) -> dict[int, int]:
    return dict(
        Answer.objects.filter(submission=submission, question__in=questions).values_list(
            "question_id", "value"
        )
    )


def test_answers_to_a_reason_moved_meanwhile_go_to_that_reason(respondent, submission):
    answer_step(respondent, submission, 1)
    data, shown = shown_page(respondent, submission, 2)
    perseverance = ReasonCategory.objects.get(key="perseverance")
    ReasonCategory.objects.filter(key="change-and-rework").update(order=2)
    ReasonCategory.objects.filter(key="perseverance").update(order=3)

    response = respondent.post(step_url(submission, 2), data)

    assert response["Location"] == reverse("assessments:resume", args=[submission.pk])
    assert stored_for(submission, perseverance.questions.all()) == {
        q.pk: 4 for q in shown.questions
    }
    page = respondent.get(response["Location"], follow=True)
    assert CHANGED in text(page)
    assert "Step 2 of 5" in text(page)
    assert "Change and rework" in text(page)


def test_a_statement_deactivated_meanwhile_is_skipped_and_the_rest_saved(respondent, submission):
    data, shown = shown_page(respondent, submission, 1)
    gone = shown.questions[2]
    Question.objects.filter(pk=gone.pk).update(active=False)

    response = respondent.post(step_url(submission, 1), data)

    assert response["Location"] == step_url(submission, 2)
    kept = [q for q in shown.questions if q != gone]
    assert stored_for(submission, shown.questions) == {q.pk: 4 for q in kept}


def test_a_statement_deleted_meanwhile_is_skipped_and_results_stay_computable(
    respondent, submission
):
    data, shown = shown_page(respondent, submission, 1)
    Question.objects.filter(pk=shown.questions[0].pk).delete()

    respondent.post(step_url(submission, 1), data)
    complete(respondent, submission, 4)

    response = respondent.get(submission.get_absolute_url())
    assert response.status_code == 200
    assert "Constant learning" in text(response)
    assert Answer.objects.filter(submission=submission).count() == 29


def test_a_statement_added_meanwhile_is_asked_for_and_nothing_is_lost(respondent, submission):
    data, shown = shown_page(respondent, submission, 1)
    added = Question.objects.create(
        category=shown.category, order=50, statement="A statement added while you answered."
    )

    response = respondent.post(step_url(submission, 1), data)

    assert response.status_code == 200
    assert "1 statement still needs an answer" in text(response)
    assert "A statement added while you answered." in text(response)
    assert stored_for(submission, shown.questions) == {q.pk: 4 for q in shown.questions}
    assert not Answer.objects.filter(question=added).exists()


def test_a_reason_no_longer_asked_sends_the_person_on_with_a_clear_message(respondent, submission):
    answer_step(respondent, submission, 1)
    data, shown = shown_page(respondent, submission, 2)
    shown.category.questions.update(active=False)

    response = respondent.post(step_url(submission, 2), data)

    assert response["Location"] == reverse("assessments:resume", args=[submission.pk])
    page = text(respondent.get(response["Location"], follow=True))
    assert CHANGED in page
    assert "Step 2 of 4" in page
    complete(respondent, submission, 3)
    assert submission.is_complete


def test_a_reason_deleted_meanwhile_keeps_nothing_half_saved(respondent, submission):
    data, shown = shown_page(respondent, submission, 1)
    ReasonCategory.objects.filter(pk=shown.category.pk).delete()

    response = respondent.post(step_url(submission, 1), data)

    assert response.status_code == 302
    assert not Answer.objects.filter(submission=submission).exists()
    assert not submission.answered_reasons.exists()
    assert "Step 1 of 4" in text(respondent.get(response["Location"], follow=True))


def test_a_forged_reason_id_changes_nothing(respondent, submission):
    data, _ = shown_page(respondent, submission, 1)
    for forged in ["999999", "abc", "", "-1", "1 OR 1=1"]:
        response = respondent.post(step_url(submission, 1), {**data, "reason": forged})
        assert response.status_code == 302
    assert not Answer.objects.filter(submission=submission).exists()


def test_a_new_respondent_after_a_reorder_sees_the_new_order(other_browser, questionnaire):
    ReasonCategory.objects.filter(key="little-ml").update(order=0)
    fresh = start(other_browser)
    page = text(other_browser.get(step_url(fresh, 1)))
    assert "Step 1 of 5" in page
    assert "Little ML" in page
