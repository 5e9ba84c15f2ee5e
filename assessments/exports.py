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

    reason_columns: dict[str, tuple[int, str]] = {}
    statement_columns: dict[Any, tuple[tuple[int, int], str]] = {}
    for submission in submissions:
        for reason in submission.answered_reasons.all():
            reason_columns.setdefault(reason.key, (reason.order, reason.title))
            for answer in reason.answers.all():
                column = answer.question_id or ("gone", reason.key, answer.statement)
                statement_columns[column] = (
                    (reason.order, answer.order),
                    f"{reason.title}: {answer.statement}",
                )
    reason_keys = sorted(reason_columns, key=lambda key: reason_columns[key])
    statement_keys = sorted(statement_columns, key=lambda key: statement_columns[key][0])

    yield [
        "submission",
        "questionnaire",
        "started",
        "completed",
        *(f"score: {reason_columns[key][1]}" for key in reason_keys),
        *(statement_columns[key][1] for key in statement_keys),
    ]
    for submission in submissions:
        reasons = list(submission.answered_reasons.all())
        scores = {score.key: score.score for score in submission.result(reasons).reasons}
        values = {
            answer.question_id or ("gone", reason.key, answer.statement): answer.value
            for reason in reasons
            for answer in reason.answers.all()
        }
        yield [
            str(submission.pk),
            submission.questionnaire.slug,
            submission.started_at,
            submission.completed_at or "",
            *(scores.get(key, "") for key in reason_keys),
            *(values.get(key, "") for key in statement_keys),
        ]
