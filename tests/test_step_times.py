"""How long each step took, kept to notice answers given faster than anyone can read.

A step's time is [seconds from the start until it was first shown, until all
its statements were first answered]. Time is simulated by moving the
submission's start back, or by setting the step times directly.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.test import Client

from assessments.models import Submission
from assessments.scoring import CALIBRATED_ON

from .conftest import (
    answer_step,
    check_url,
    complete,
    confirm,
    leaning,
    statements_of,
    step_url,
)
from .test_views import text


def step_times(submission: Submission) -> list:
    submission.refresh_from_db()
    return submission.step_times


def started_earlier(submission: Submission, seconds: float) -> None:
    """Move the submission's start back, as if `seconds` had passed since."""
    Submission.objects.filter(pk=submission.pk).update(
        started_at=Submission.objects.get(pk=submission.pk).started_at - timedelta(seconds=seconds)
    )


def sincerely(submission: Submission) -> dict[int, int]:
    return leaning(submission, {"perseverance": 2})


# -- Recording -----------------------------------------------------------------------


def test_showing_a_step_records_when_it_was_first_shown(respondent, submission):
    started_earlier(submission, 30)

    respondent.get(step_url(submission, 1))

    [(shown, answered)] = step_times(submission)
    assert 30 <= shown < 40
    assert answered is None


def test_showing_a_step_again_keeps_its_first_time(respondent, submission):
    respondent.get(step_url(submission, 1))
    first = step_times(submission)
    started_earlier(submission, 60)

    respondent.get(step_url(submission, 1))

    assert step_times(submission) == first


def test_a_head_request_records_nothing(respondent, submission):
    response = respondent.head(step_url(submission, 1))

    assert response.status_code == 200
    assert step_times(submission) == []


def test_a_step_gets_its_answered_time_once_all_its_statements_are_answered(respondent, submission):
    respondent.get(step_url(submission, 1))
    first, *rest = statements_of(submission, 1)
    partial = {f"q{s.position}": "2" for s in rest} | {"action": "back"}
    respondent.post(step_url(submission, 1), partial)
    assert step_times(submission)[0][1] is None
    started_earlier(submission, 45)

    answer_step(respondent, submission, 1, 2)

    [(shown, answered)] = step_times(submission)
    assert answered - shown >= 45


def test_answering_a_step_again_keeps_its_first_answered_time(respondent, submission):
    respondent.get(step_url(submission, 1))
    answer_step(respondent, submission, 1, 2)
    first = step_times(submission)
    started_earlier(submission, 60)

    answer_step(respondent, submission, 1, 4)

    assert step_times(submission) == first
    assert submission.answers.startswith("4" * 6)


# -- Speeding --------------------------------------------------------------------------


def test_answers_timed_under_a_second_a_statement_are_stored_as_speeding(respondent, submission):
    answers = sincerely(submission)
    for reason in submission.frozen.reasons:
        data = {f"q{s.position}": str(answers[s.position]) for s in reason.statements}
        respondent.post(step_url(submission, reason.number), {**data, "action": "next"})
    # Three seconds for each step of six statements: half a second a statement.
    Submission.objects.filter(pk=submission.pk).update(step_times=[[10.0, 13.0]] * 5)

    notice = text(respondent.get(check_url(submission)))
    confirm(respondent, submission)

    assert "You took about 0.5 seconds a statement" in notice
    submission.refresh_from_db()
    assert submission.quality_flags == "speeding"
    results = text(respondent.get(submission.get_absolute_url()))
    assert "Your answers do not give a clear picture" in results
    assert "You took about 0.5 seconds a statement" in results


def test_steps_shown_and_answered_at_once_are_speeding(respondent, submission):
    answers = sincerely(submission)
    for reason in submission.frozen.reasons:
        respondent.get(step_url(submission, reason.number))
        data = {f"q{s.position}": str(answers[s.position]) for s in reason.statements}
        respondent.post(step_url(submission, reason.number), {**data, "action": "next"})

    confirm(respondent, submission)

    submission.refresh_from_db()
    assert submission.quality_flags == "speeding"


def test_steps_answered_at_a_reading_pace_are_not_speeding(respondent, submission):
    answers = sincerely(submission)
    for reason in submission.frozen.reasons:
        respondent.get(step_url(submission, reason.number))
        started_earlier(submission, 40)  # about seven seconds a statement
        data = {f"q{s.position}": str(answers[s.position]) for s in reason.statements}
        respondent.post(step_url(submission, reason.number), {**data, "action": "next"})

    confirm(respondent, submission)

    submission.refresh_from_db()
    assert submission.quality_flags == ""
    assert len(submission.timings()) == 5
    # 40 s each, give or take the tenth of a second the times are stored to.
    assert all(timing.seconds >= 39.8 for timing in submission.timings())


def test_steps_never_shown_are_not_timed(respondent, submission):
    complete(respondent, submission, sincerely(submission))

    assert submission.timings() == []
    assert submission.quality_flags == ""


# -- Results read with a scoring that came after them -----------------------------------


def completed_before_the_change(submission: Submission, day: datetime.date) -> None:
    """Make the submission look like one completed by the earlier version: untimed."""
    completed_at = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    Submission.objects.filter(pk=submission.pk).update(completed_at=completed_at, step_times=[])


@pytest.mark.parametrize(
    ("language", "note"),
    [("en", "before the scoring changed on"), ("zh-hans", "的计分调整。这里按现在的计分方式")],
)
def test_results_completed_before_the_scoring_changed_say_so(completed_submission, language, note):
    completed_before_the_change(completed_submission, CALIBRATED_ON - timedelta(days=7))
    browser = Client()
    browser.cookies["django_language"] = language

    page = text(browser.get(completed_submission.get_absolute_url()))

    assert note in page


def test_the_note_in_english_gives_both_dates(respondent, completed_submission):
    completed_before_the_change(completed_submission, datetime.date(2026, 11, 20))

    page = text(respondent.get(completed_submission.get_absolute_url()))

    assert "Completed on Nov. 20, 2026, before the scoring changed on Nov. 27, 2026." in page
    assert "How long each step took was not recorded then" in page


def test_results_completed_on_the_day_of_the_change_by_the_earlier_version_say_so(
    respondent, completed_submission
):
    completed_before_the_change(completed_submission, CALIBRATED_ON)

    page = text(respondent.get(completed_submission.get_absolute_url()))

    assert "before the scoring changed" in page


def test_results_completed_with_the_current_scoring_have_no_note(respondent, completed_submission):
    Submission.objects.filter(pk=completed_submission.pk).update(
        completed_at=datetime.datetime(2026, 11, 27, 6, tzinfo=datetime.UTC)
    )

    page = text(respondent.get(completed_submission.get_absolute_url()))

    assert "before the scoring changed" not in page


def test_results_completed_now_have_no_note(respondent, completed_submission):
    page = text(respondent.get(completed_submission.get_absolute_url()))

    assert "before the scoring changed" not in page
