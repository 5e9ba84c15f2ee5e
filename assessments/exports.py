"""The CSV export of submissions: a row per submission, a column per reason and statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import Answer, AnsweredReason, Submission


def submissions_table(submissions: QuerySet[Submission]) -> Iterator[list[Any]]:
    """Yield a header row, then one row per submission.

    Columns come from what was answered, not from today's questionnaire, so
    statements that were later edited or deleted still have their column.
    A statement keeps one column across edits while it exists.
    """
    submissions = list(
        submissions.select_related("questionnaire")
        .prefetch_related(
            Prefetch(
                "answered_reasons",
                queryset=AnsweredReason.objects.prefetch_related(
                    Prefetch("answers", queryset=Answer.objects.order_by("order", "pk"))
                ),
            )
        )
        .order_by("started_at", "pk")
    )

    # Submissions come oldest first, so each column ends up titled with the
    # newest wording it was answered under.
    reason_columns: dict[tuple[int, str], tuple[tuple[int, int], str]] = {}
    statement_columns: dict[Any, tuple[tuple[int, int, int], str]] = {}
    for submission in submissions:
        for reason in submission.answered_reasons.all():
            reason_columns[reason_column(submission, reason)] = (
                (submission.questionnaire_id, reason.order),
                reason.title,
            )
            for answer in reason.answers.all():
                statement_columns[statement_column(submission, reason, answer)] = (
                    (submission.questionnaire_id, reason.order, answer.order),
                    f"{reason.title}: {answer.statement}",
                )
    reason_keys = sorted(reason_columns, key=lambda key: reason_columns[key][0])
    statement_keys = sorted(statement_columns, key=lambda key: statement_columns[key][0])
    several = len({submission.questionnaire_id for submission in submissions}) > 1
    slugs = {
        submission.questionnaire_id: submission.questionnaire.slug for submission in submissions
    }

    def heading(key: tuple, title: str) -> str:
        return f"{slugs[key[0]]} {title}" if several else title

    yield [
        "submission",
        "questionnaire",
        "started",
        "completed",
        "language",
        *(heading(key, f"score: {reason_columns[key][1]}") for key in reason_keys),
        *(heading(statement_columns[key][0], statement_columns[key][1]) for key in statement_keys),
    ]
    for submission in submissions:
        reasons = list(submission.answered_reasons.all())
        scores = {
            reason_column(submission, score.ref): score.score
            for score in submission.result(reasons).reasons
        }
        values = {
            statement_column(submission, reason, answer): answer.value
            for reason in reasons
            for answer in reason.answers.all()
        }
        yield [
            str(submission.pk),
            submission.questionnaire.slug,
            submission.started_at,
            submission.completed_at or "",
            submission.language,
            *(scores.get(key, "") for key in reason_keys),
            *(values.get(key, "") for key in statement_keys),
        ]


def reason_column(submission: Submission, reason: AnsweredReason) -> tuple[int, str]:
    return (submission.questionnaire_id, reason.key)


def statement_column(submission: Submission, reason: AnsweredReason, answer: Answer) -> Any:
    """A statement keeps its column across edits while it exists; after, its words do."""
    if answer.question_id is not None:
        return answer.question_id
    return (submission.questionnaire_id, "gone", reason.key, answer.statement)
