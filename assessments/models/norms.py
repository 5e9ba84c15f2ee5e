"""Norms: how many people have each reason score, per revision, for the results page's percentiles.

A row counts the completed submissions without an answer-quality flag that
have one score on one reason of one revision. The counts are added to in the
transaction that completes a submission (`Submission.save_step`) and taken
away in the one that deletes it, so the results page reads a person's place
among the others from at most a few hundred small rows (one query) instead
of scoring every submission on each view. `rebuild_norms` recounts them from
the submissions, should they ever drift.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import statistics
from .revisions import Revision


class ReasonScoreCountQuerySet(models.QuerySet):
    def counts_for(self, revision_id: int) -> dict[str, np.ndarray]:
        """Return {reason key: 201 counts, for scores -100..+100} of a revision, in one query."""
        counts: dict[str, np.ndarray] = {}
        rows = self.filter(revision_id=revision_id, people__gt=0).values_list(
            "reason_key", "score", "people"
        )
        for key, score, people in rows:
            if key not in counts:
                counts[key] = np.zeros(statistics.SCORE_COUNT, dtype=np.int64)
            counts[key][score - statistics.LOWEST_SCORE] += people
        return counts

    def count_in(self, revision_id: int, scores: Mapping[str, int]) -> None:
        """Count one person more on each reason's score: {reason key: score}, in one query."""
        self.add(revision_id, {(key, score): 1 for key, score in scores.items()})

    def add(self, revision_id: int, counts: Mapping[tuple[str, int], int]) -> None:
        """Add people to the counts: {(reason key, score): how many}, in one query.

        Written as one INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite
        3.24+ both have it) because the ORM cannot add to a count that may not
        exist yet in one statement: the database adds under the row's lock,
        so two completions at once never lose one another's count. Rows go
        in key order, so that two transactions lock them in the same order
        and cannot deadlock.
        """
        if not counts:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = [connection.ops.quote_name(name) for name in ("revision_id", "reason_key", "score")]
        people = connection.ops.quote_name("people")
        rows = sorted(counts.items())
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        parameters = [
            item for (key, score), count in rows for item in (revision_id, key, score, count)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}, {people}) VALUES {values} "
                f"ON CONFLICT ({', '.join(names)}) "
                f"DO UPDATE SET {people} = {table}.{people} + EXCLUDED.{people}",
                parameters,
            )

    def take_away(self, revision_id: int, scores: Mapping[str, int]) -> None:
        """Count one person less on each reason's score: {reason key: score}, in one query."""
        if not scores:
            return
        matching = Q()
        for key, score in scores.items():
            matching |= Q(reason_key=key, score=score)
        self.filter(matching, revision_id=revision_id, people__gt=0).update(people=F("people") - 1)

    def rebuild(self, revision: Revision) -> int:
        """Count again, from its submissions, how many people have each score on a revision.

        Return how many submissions were counted. The old counts are deleted
        first, which waits for completions being counted right now; those
        committed by then are read, and those after are added on top.
        """
        from .submissions import Submission

        frozen = revision.frozen
        with transaction.atomic():
            self.filter(revision=revision).delete()
            answers = list(
                Submission.objects.completed()
                .filter(revision=revision, quality_flags="")
                .values_list("answers", flat=True)
            )
            self.add(revision.pk, score_counts(frozen.reasons, answers))
        return len(answers)


def score_counts(reasons, answers: list[str]) -> dict[tuple[str, int], int]:
    """Return {(reason key, score): people} of stored answer strings, scored on `reasons`.

    `reasons` are a revision's FrozenReasons (anything with a key and
    statements that have a position, direction and weight).
    """
    if not answers:
        return {}
    count = sum(len(reason.statements) for reason in reasons)
    values = statistics.answer_array(answers, count)
    counted = {}
    for reason in reasons:
        positions = [statement.position for statement in reason.statements]
        scores = statistics.reason_scores(
            values[:, positions],
            [statement.direction for statement in reason.statements],
            [statement.weight for statement in reason.statements],
        )
        tally = statistics.score_counts(scores)
        for index in np.flatnonzero(tally):
            counted[(reason.key, int(index) + statistics.LOWEST_SCORE)] = int(tally[index])
    return counted


class ReasonScoreCount(models.Model):
    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="score_counts",
        verbose_name=_("revision"),
        help_text=_("The revision the people answered."),
    )
    reason_key = models.CharField(
        _("reason key"), max_length=60, help_text=_("The reason, by its key in the revision.")
    )
    score = models.SmallIntegerField(
        _("score"), help_text=_("A reason score, from −100 (fits you) to +100 (may wear on you).")
    )
    people = models.PositiveIntegerField(
        _("people"),
        default=0,
        help_text=_(
            "How many completed submissions without an answer-quality flag have this score "
            "on this reason."
        ),
    )

    objects = ReasonScoreCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("reason score count")
        verbose_name_plural = _("reason score counts")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "reason_key", "score"], name="reason_score_count_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason_key} {self.score:+d}: {self.people}"
