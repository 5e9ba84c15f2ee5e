"""The XLSX export: the submissions' sheet and a codebook that says what every column means.

openpyxl writes the workbook in write-only mode, a row at a time as the
rows are read, into a temporary file (openpyxl itself keeps each sheet in a
temporary file until the workbook is saved, and writes strings inline, so no
table of strings grows in memory). The response then sends that file (a
FileResponse, streamed in blocks) and deletes it once sent: a workbook is a
zip, whose directory comes last, so nothing can leave before the last row
is written.

The "Submissions" sheet has the CSV's columns, with numbers as numbers and
dates as dates (in UTC: Excel has no time zones). Its text is neutralised
against formula injection as in the CSV, which matters more here: openpyxl
writes any string that starts with "=" as a formula.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import scoring
from .exports import (
    FIXED_COLUMNS,
    Columns,
    Source,
    columns_of,
    download_name,
    neutralised,
    submissions_table,
)
from .models import Submission

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)


def xlsx_value(value: Any) -> Any:
    """Return a value as the workbook holds it: neutralised text, numbers, dates in UTC."""
    if isinstance(value, str):
        # Control characters are not allowed in a worksheet; openpyxl refuses them.
        return neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, datetime):
        # Excel has no time zones: the codebook says these are UTC.
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


FIXED_MEANINGS = {
    "submission": _("The submission's id, which is also its results link."),
    "questionnaire": _("The questionnaire's slug."),
    "revision": _("The number of the revision of the questionnaire it was answered on."),
    "started": _("When it was started, in UTC."),
    "completed": _("When its answers were confirmed, in UTC; blank if it is unfinished."),
    "language": _("The language it was last answered in: %(codes)s."),
    "quality flags": _(
        "Answer-quality patterns found when its answers were confirmed, comma-separated: "
        "straight-line, contradictions, speeding, mostly-neutral; blank when none was found."
    ),
}
SCORE_MEANING = _(
    "The reason's score, from -100 (every answer says this part of the job fits) to +100 "
    "(every answer says it may wear on the person); blank when none of its statements was "
    "answered."
)
ANSWER_MEANING = _(
    "The answer to the statement: 1 (strongly disagree) to 5 (strongly agree); blank when "
    "it was not answered."
)
KEYING_MEANINGS = {
    scoring.FORWARD: _("agreeing suggests this part of the job may wear on the person"),
    scoring.REVERSE: _("agreeing suggests this part of the job fits the person"),
}


def codebook_header() -> list[str]:
    languages = [code for code, _name in settings.LANGUAGES]
    return [
        gettext("Column"),
        gettext("Letter"),
        gettext("Meaning"),
        gettext("Reason"),
        gettext("Key"),
        *(gettext("Statement (%(language)s)") % {"language": code} for code in languages),
        gettext("Keying"),
        gettext("Weight"),
        gettext("Revisions"),
    ]


def codebook_rows(columns: Columns) -> Iterator[list[Any]]:
    """Yield a row per column of the Submissions sheet, then the scale, keying and weight.

    A score or statement column asked the same way by several revisions
    takes one row naming them all; one whose wording, keying or weight
    changed takes a row per way it was asked.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    for index, title in enumerate(columns.header):
        letter = get_column_letter(index + 1)
        if index < len(FIXED_COLUMNS):
            meaning = str(FIXED_MEANINGS[title]) % {"codes": ", ".join(languages)}
            yield [title, letter, meaning, *[None] * (len(languages) + 5)]
            continue
        ways: dict[tuple, list[int]] = {}
        for source in columns.sources[index]:
            ways.setdefault(way_asked(source, languages), []).append(source.revision)
        for way, revisions in ways.items():
            yield [title, letter, *way, ", ".join(str(number) for number in sorted(revisions))]
    yield []
    yield [
        gettext("Answer"),
        *(gettext("Meaning (%(language)s)") % {"language": code} for code in languages),
    ]
    for value, label in scoring.SCALE:
        yield [value, *(translated(label, code) for code in languages)]
    yield [
        gettext("(blank)"),
        *(translated(_("not answered (stored as 0)"), code) for code in languages),
    ]
    yield []
    yield [gettext("Keying"), gettext("Meaning")]
    for direction, meaning in KEYING_MEANINGS.items():
        yield [direction, str(meaning)]
    yield []
    yield [
        gettext("Weight"),
        gettext(
            "How much an answer counts in its reason's score against the reason's other "
            "statements; 0 means asked but not scored."
        ),
    ]


def way_asked(source: Source, languages: list[str]) -> tuple:
    """Return what the codebook says of a column as one revision asks it, its revisions aside."""
    reason, statement = source.reason, source.statement
    if statement is None:
        return (
            str(SCORE_MEANING),
            str(reason.title),
            reason.key,
            *[None] * len(languages),
            None,
            None,
        )
    return (
        str(ANSWER_MEANING),
        str(reason.title),
        f"{reason.key}/{statement.key}",
        *(statement.text.get(code, "") for code in languages),
        statement.direction,
        statement.weight,
    )


def translated(text, language: str) -> str:
    with translation.override(language):
        return str(text)


def bold_row(sheet, values: list[Any]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=xlsx_value(value))
        cell.font = BOLD
        cells.append(cell)
    return cells


def write_workbook(submissions: QuerySet[Submission], file: IO[bytes]) -> None:
    """Write the submissions and the codebook as an XLSX workbook into `file`."""
    columns = columns_of(submissions)
    workbook = Workbook(write_only=True)
    # Sheet names stay English in every language, so that scripts can find them.
    sheet = workbook.create_sheet("Submissions")
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 38
    for letter in "DE":
        sheet.column_dimensions[letter].width = 20
    rows = submissions_table(submissions, columns=columns)
    sheet.append(bold_row(sheet, next(rows)))
    for row in rows:
        sheet.append([xlsx_value(value) for value in row])
    codebook = workbook.create_sheet("Codebook")
    codebook.freeze_panes = "A2"
    codebook.column_dimensions["A"].width = 50
    codebook.column_dimensions["C"].width = 60
    codebook.append(bold_row(codebook, codebook_header()))
    for row in codebook_rows(columns):
        codebook.append([xlsx_value(value) for value in row])
    workbook.save(file)


def too_many_rows(submissions: QuerySet[Submission]) -> bool:
    """Return whether the submissions are more than one workbook holds (MLFIT_XLSX_MAX_ROWS).

    Counts at most one past the limit, so asking costs the same for a million.
    """
    limit = settings.MLFIT_XLSX_MAX_ROWS
    return submissions.order_by()[: limit + 1].count() > limit


def too_many_rows_message() -> str:
    return gettext(
        "A workbook holds at most %(limit)s submissions: it is sent only once it is written "
        "in full, and a larger one takes longer to write than the server waits. Choose CSV, "
        "which starts downloading at once however many there are, or narrow the selection."
    ) % {"limit": number_format(settings.MLFIT_XLSX_MAX_ROWS, force_grouping=True)}


def xlsx_response(submissions: QuerySet[Submission]) -> FileResponse:
    """Return the submissions as an XLSX download, written to a temporary file first."""
    # Deleted when closed: by the response once sent, or here if writing fails.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        write_workbook(submissions, file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return FileResponse(
        file, as_attachment=True, filename=download_name("xlsx"), content_type=CONTENT_TYPE
    )
