"""The CSV export of submissions, streamed: a row per submission, a column per reason and statement.

Columns come from the revisions the submissions were answered on. A reason
or statement keeps one column across revisions while its key stays the same,
titled with the newest wording; one that was dropped keeps its column for the
submissions that answered it.

The rows are read with one query in chunks and written out as they come:
memory stays flat however many submissions there are, and the first rows
leave before the last are read. Scores are worked out by table lookups
from the scoring module's own signals, so a row costs microseconds.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from . import scoring
from .models import Revision, Submission

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
FIXED_COLUMNS = [
    "submission",
    "questionnaire",
    "revision",
    "started",
    "completed",
    "language",
    "quality flags",
]


@dataclass
class ReasonColumn:
    """Scores one reason of one revision from the digits of its statements.

    A reason's statements hold consecutive positions, so its answers are one
    slice of the answer string. There are few distinct slices, so each is
    scored once, by the scoring module, and looked up after that.
    """

    column: int
    start: int
    end: int
    statements: list[tuple[str, int]]  # (direction, weight), in order
    scores: dict[str, int | str]

    def score(self, answers: str) -> int | str:
        digits = answers[self.start : self.end]
        score = self.scores.get(digits)
        if score is None:
            given = [
                (int(digit), direction, weight)
                for digit, (direction, weight) in zip(digits, self.statements, strict=False)
                if digit != "0"
            ]
            score = self.scores[digits] = scoring.reason_score(given) if given else ""
        return score


@dataclass
class RevisionLayout:
    """Where a revision's scores and answers go in a row."""

    number: int
    slug: str
    reasons: list[ReasonColumn]
    # (answer column, answer position) per statement
    statements: list[tuple[int, int]]


def layouts_for(revisions: list[Revision]) -> tuple[list[str], dict[int, RevisionLayout]]:
    """Return the header and each revision's layout.

    Columns follow the newest revision of each questionnaire; older
    revisions add columns only for what the newer ones no longer ask.
    """
    several = len({revision.questionnaire_id for revision in revisions}) > 1
    reason_columns: dict[tuple[str, str], str] = {}
    statement_columns: dict[tuple[str, str, str], str] = {}
    newest_first = sorted(revisions, key=lambda r: (r.questionnaire_id, -r.number))
    for revision in newest_first:
        slug = revision.questionnaire.slug
        prefix = f"{slug} " if several else ""
        for reason in revision.frozen.reasons:
            reason_columns.setdefault((slug, reason.key), f"{prefix}score: {reason.title}")
            for statement in reason.statements:
                statement_columns.setdefault(
                    (slug, reason.key, statement.key), f"{prefix}{reason.title}: {statement.text}"
                )
    reason_index = {key: i for i, key in enumerate(reason_columns, start=len(FIXED_COLUMNS))}
    statement_index = {
        key: i
        for i, key in enumerate(statement_columns, start=len(FIXED_COLUMNS) + len(reason_index))
    }
    layouts = {}
    for revision in revisions:
        slug = revision.questionnaire.slug
        frozen = revision.frozen
        layouts[revision.pk] = RevisionLayout(
            number=revision.number,
            slug=slug,
            reasons=[
                ReasonColumn(
                    column=reason_index[(slug, reason.key)],
                    start=reason.statements[0].position,
                    end=reason.statements[-1].position + 1,
                    statements=[(s.direction, s.weight) for s in reason.statements],
                    scores={},
                )
                for reason in frozen.reasons
            ],
            statements=[
                (statement_index[(slug, reason.key, statement.key)], statement.position)
                for reason in frozen.reasons
                for statement in reason.statements
            ],
        )
    header = [*FIXED_COLUMNS, *reason_columns.values(), *statement_columns.values()]
    return header, layouts


def submission_rows(submissions: QuerySet[Submission], chunk_size: int = CHUNK_SIZE):
    """Yield (id, revision id, started, completed, language, flags, answers), oldest first.

    One query, read `chunk_size` rows at a time (a server-side cursor on
    PostgreSQL), so memory stays flat however many rows there are.
    """
    return (
        submissions.order_by("started_at", "pk")
        .values_list(
            "pk",
            "revision_id",
            "started_at",
            "completed_at",
            "language",
            "quality_flags",
            "answers",
        )
        .iterator(chunk_size=chunk_size)
    )


def submissions_table(
    submissions: QuerySet[Submission], chunk_size: int = CHUNK_SIZE
) -> Iterator[list[Any]]:
    """Yield a header row, then one row per submission."""
    revisions = list(
        Revision.objects.filter(pk__in=submissions.order_by().values("revision"))
        .select_related("questionnaire")
        .without_content()
    )
    header, layouts = layouts_for(revisions)
    yield header
    width = len(header)
    for pk, revision_id, started, completed, language, flags, answers in submission_rows(
        submissions, chunk_size
    ):
        layout = layouts[revision_id]
        row: list[Any] = [""] * width
        row[: len(FIXED_COLUMNS)] = [
            str(pk),
            layout.slug,
            layout.number,
            started.isoformat(),
            completed.isoformat() if completed else "",
            language,
            flags,
        ]
        for reason in layout.reasons:
            row[reason.column] = reason.score(answers)
        given = len(answers)
        for column, position in layout.statements:
            if position < given and answers[position] != "0":
                row[column] = answers[position]
        yield row


class _Echo:
    """A file-like object that hands back what is written, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]], rows_per_write: int = 200) -> Iterator[str]:
    """Yield the rows as CSV text, several rows per piece, logging a failure for what it is."""
    writer = csv.writer(_Echo())
    batch: list[str] = []
    written = 0
    try:
        for row in rows:
            batch.append(writer.writerow(row))
            if len(batch) >= rows_per_write:
                written += len(batch)
                yield "".join(batch)
                batch = []
    except Exception:
        # The response has started, so no error page can replace it: the
        # download is cut short, and the log says where and why.
        logger.exception(
            "CSV export of submissions failed after %d lines (the header included).",
            written + len(batch),
        )
        raise
    if batch:
        yield "".join(batch)


def csv_response(submissions: QuerySet[Submission]) -> StreamingHttpResponse:
    """Return the submissions as a streamed CSV download."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        csv_lines(submissions_table(submissions)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mlfit-submissions-{stamp}.csv"'
    return response
