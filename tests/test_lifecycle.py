"""Removing unfinished submissions that were abandoned long ago."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import Questionnaire, Revision, Submission

from .conftest import answer_step, complete, start


def age(submission: Submission, days: int) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        started_at=timezone.now() - timedelta(days=days)
    )


@pytest.fixture
def old_and_new(questionnaire, respondent, other_browser):
    abandoned = start(respondent)
    answer_step(respondent, abandoned, 1)
    age(abandoned, 40)
    finished = start(other_browser)
    complete(other_browser, finished, 3)
    age(finished, 400)
    recent = start(other_browser)
    age(recent, 5)
    return abandoned, finished, recent


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_unfinished", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_what_would_go_and_deletes_nothing(old_and_new):
    abandoned, finished, recent = old_and_new
    output = purge("--days", "30", "--dry-run")
    assert str(abandoned.pk) in output
    assert str(finished.pk) not in output
    assert str(recent.pk) not in output
    assert "Would delete 1 unfinished submission " in output
    assert Submission.objects.count() == 3


def test_unfinished_submissions_older_than_the_limit_are_deleted_with_their_answers(old_and_new):
    _, finished, recent = old_and_new
    output = purge("--days", "30")
    assert "Deleted 1 unfinished submission " in output
    # The answers are part of the submission's row: they go with it.
    assert set(Submission.objects.values_list("pk", flat=True)) == {finished.pk, recent.pk}


def test_purging_keeps_the_questionnaire_and_the_revision_the_submissions_answered(old_and_new):
    abandoned, _, _ = old_and_new
    purge("--days", "30")
    assert Revision.objects.filter(pk=abandoned.revision_id).exists()
    assert Questionnaire.objects.filter(pk=abandoned.revision.questionnaire_id).exists()


def test_completed_submissions_are_never_touched_however_old(old_and_new):
    _, finished, _ = old_and_new
    purge("--days", "1")
    finished.refresh_from_db()
    assert finished.is_complete
    assert finished.answers == "3" * 30


def test_purging_twice_is_harmless(old_and_new):
    purge("--days", "30")
    assert "Deleted 0 unfinished submissions" in purge("--days", "30")
    assert Submission.objects.count() == 2


def test_a_limit_below_one_day_is_refused(old_and_new):
    with pytest.raises(CommandError, match="at least 1"):
        purge("--days", "0")
    assert Submission.objects.count() == 3
