"""Exports of submissions: a row per submission, a column per reason and statement.

Columns come from the revisions the submissions were answered on. A reason
or statement keeps one column across revisions while its key stays the same,
titled with the newest wording; one that was dropped keeps its column for the
submissions that answered it.

The rows are read with one query in chunks and written out as they come:
memory stays flat however many submissions there are. Scores are worked out
by table lookups from the scoring module's own signals, so a row costs
microseconds.

- CSV is streamed: the first rows leave before the last are read. The
  "Excel-friendly" variant starts with a UTF-8 byte-order mark, without which
  Excel reads the file as the local code page and garbles the Chinese.
- XLSX (`assessments.workbook`) writes the same rows, with a codebook.

Formula injection: a spreadsheet runs a cell that starts with = + - or @ as
a formula (and a leading tab or carriage return can hide one), so any text
cell that starts with one of those gets a leading apostrophe, in both formats
(OWASP's advice on CSV injection). Only text is touched: the scores, answers
and revision numbers the export computes are written as numbers, so a score
of -40 stays the number -40, in CSV as in XLSX.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from . import scoring
from .models import FrozenReason, FrozenStatement, Revision, Submission

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
ANSWER_VALUES = {str(value): value for value, _label in scoring.SCALE}

# -- Formula injection ------------------------------------------------------------

# What a spreadsheet may read as the start of a formula. The NUL is the
# OWASP ASVS's addition (1.2.10); openpyxl drops it anyway.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralised(text: str) -> str:
    """Return text a spreadsheet shows as text: a leading ' when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# -- The table ----------------------------------------------------------------------


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
    scores: dict[str, int | None]

    def score(self, answers: str) -> int | None:
        digits = answers[self.start : self.end]
        try:
            return self.scores[digits]
        except KeyError:
            given = [
                (int(digit), direction, weight)
                for digit, (direction, weight) in zip(digits, self.statements, strict=False)
                if digit != "0"
            ]
            score = self.scores[digits] = scoring.reason_score(given) if given else None
            return score


@dataclass
class RevisionLayout:
    """Where a revision's scores and answers go in a row."""

    number: int
    slug: str
    reasons: list[ReasonColumn]
    # (answer column, answer position) per statement
    statements: list[tuple[int, int]]


@dataclass
class Source:
    """A reason, or one of its statements, as one revision asks it: what a column holds."""

    revision: int
    reason: FrozenReason
    statement: FrozenStatement | None = None


@dataclass
class Columns:
    """The header, where each revision's values go, and what each column was asked as."""

    header: list[str]
    layouts: dict[int, RevisionLayout]
    # Per score or statement column (by index), newest revision first.
    sources: dict[int, list[Source]] = field(default_factory=dict)


def columns_for(revisions: list[Revision]) -> Columns:
    """Return the columns of an export of submissions answered on these revisions.

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
    sources: dict[int, list[Source]] = {}
    for revision in newest_first:
        slug = revision.questionnaire.slug
        for reason in revision.frozen.reasons:
            sources.setdefault(reason_index[(slug, reason.key)], []).append(
                Source(revision.number, reason)
            )
            for statement in reason.statements:
                sources.setdefault(statement_index[(slug, reason.key, statement.key)], []).append(
                    Source(revision.number, reason, statement)
                )
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
    return Columns(header, layouts, sources)


def columns_of(submissions: QuerySet[Submission]) -> Columns:
    """Return the columns of an export of these submissions, in one query."""
    revisions = list(
        Revision.objects.filter(pk__in=submissions.order_by().values("revision"))
        .select_related("questionnaire")
        .without_content()
    )
    return columns_for(revisions)


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
    submissions: QuerySet[Submission],
    chunk_size: int = CHUNK_SIZE,
    columns: Columns | None = None,
) -> Iterator[list[Any]]:
    """Yield a header row, then one row per submission.

    Values keep their type for each format to write its own way: text,
    whole numbers, datetimes, and None where a cell is blank.
    """
    columns = columns or columns_of(submissions)
    yield list(columns.header)
    width = len(columns.header)
    for pk, revision_id, started, completed, language, flags, answers in submission_rows(
        submissions, chunk_size
    ):
        layout = columns.layouts[revision_id]
        row: list[Any] = [None] * width
        row[: len(FIXED_COLUMNS)] = [
            str(pk),
            layout.slug,
            layout.number,
            started,
            completed,
            language,
            flags or None,
        ]
        for reason in layout.reasons:
            row[reason.column] = reason.score(answers)
        given = len(answers)
        for column, position in layout.statements:
            if position < given:
                row[column] = ANSWER_VALUES.get(answers[position])  # None for "0"
        yield row


# -- CSV ------------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what is written, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_values(row: list[Any]) -> list[Any]:
    """Return a row as CSV writes it: numbers, neutralised text, ISO dates, "" for blanks."""
    # Numbers first: most cells are scores and answers.
    return [
        value
        if type(value) is int
        else ""
        if value is None
        else neutralised(value)
        if isinstance(value, str)
        else value.isoformat()
        if isinstance(value, datetime)
        else value
        for value in row
    ]


def csv_lines(rows: Iterable[list[Any]], rows_per_write: int = 200) -> Iterator[str]:
    """Yield the rows as CSV text, several rows per piece, logging a failure for what it is."""
    writer = csv.writer(_Echo())
    batch: list[str] = []
    written = 0
    try:
        for row in rows:
            batch.append(writer.writerow(csv_values(row)))
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


def with_byte_order_mark(lines: Iterator[str]) -> Iterator[str]:
    """Yield a UTF-8 byte-order mark, then the lines: how Excel knows the file is UTF-8."""
    yield "\ufeff"
    yield from lines


def download_name(extension: str) -> str:
    return f"mlfit-submissions-{timezone.localtime():%Y%m%d-%H%M%S}.{extension}"


def csv_response(
    submissions: QuerySet[Submission], *, excel: bool = False
) -> StreamingHttpResponse:
    """Return the submissions as a streamed CSV download; `excel` starts it with a BOM."""
    lines = csv_lines(submissions_table(submissions))
    response = StreamingHttpResponse(
        with_byte_order_mark(lines) if excel else lines, content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{download_name("csv")}"'
    return response
