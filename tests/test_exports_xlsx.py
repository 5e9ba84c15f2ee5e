"""The XLSX export: the CSV's rows with numbers as numbers and dates as dates, and a codebook."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse

from assessments import exports, workbook
from assessments.models import Question, Submission

from .conftest import FORMULA_TEXTS, answer_step, close_response, complete, start


def read_workbook(response) -> openpyxl.Workbook:
    content = b"".join(response.streaming_content)
    close_response(response)
    return openpyxl.load_workbook(io.BytesIO(content))


def export_all() -> openpyxl.Workbook:
    return read_workbook(workbook.xlsx_response(Submission.objects.all()))


def sheet_rows(book: openpyxl.Workbook, name: str) -> list[tuple]:
    return list(book[name].values)


def codebook_by_column(book: openpyxl.Workbook) -> dict[str, list[dict]]:
    """Return the codebook's rows about columns, as {column title: [row as a dict]}."""
    header, *rows = sheet_rows(book, "Codebook")
    entries: dict[str, list[dict]] = {}
    for row in rows:
        if not any(row):
            break  # the scale follows the first empty row
        entries.setdefault(row[0], []).append(dict(zip(header, row, strict=True)))
    return entries


@pytest.fixture
def unfinished(questionnaire, other_browser) -> Submission:
    """A submission with only its first step answered, all "Agree"."""
    submission = start(other_browser)
    assert answer_step(other_browser, submission, 1, 4).status_code == 302
    submission.refresh_from_db()
    return submission


# -- The file ---------------------------------------------------------------------------------


def test_the_workbook_is_sent_from_an_unnamed_temporary_file_as_an_attachment(
    completed_submission,
):
    response = workbook.xlsx_response(Submission.objects.all())

    assert isinstance(response, FileResponse)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == workbook.CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="mlfit-submissions-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    temporary = response.file_to_stream
    assert isinstance(temporary.name, int)  # a descriptor: the file has no name on disk
    book = read_workbook(response)
    assert temporary.closed
    assert book.sheetnames == ["Submissions", "Codebook"]


def test_the_submissions_sheet_has_the_csv_header_and_rows(varied_submission, completed_submission):
    csv_header, *csv_rows = exports.submissions_table(Submission.objects.all())

    header, *rows = sheet_rows(export_all(), "Submissions")

    assert list(header) == csv_header
    assert [row[0] for row in rows] == [row[0] for row in csv_rows]
    assert [list(row[7:]) for row in rows] == [row[7:] for row in csv_rows]


def test_numbers_are_numbers_and_dates_are_dates_in_utc(varied_submission):
    header, row = sheet_rows(export_all(), "Submissions")

    cells = dict(zip(header, row, strict=True))
    assert cells["revision"] == 1
    started = varied_submission.started_at.astimezone(UTC).replace(tzinfo=None)
    assert abs(cells["started"] - started) < timedelta(milliseconds=1)
    completed = varied_submission.completed_at.astimezone(UTC).replace(tzinfo=None)
    assert abs(cells["completed"] - completed) < timedelta(milliseconds=1)
    scores = {f"score: {r.title}": r.score for r in varied_submission.result().reasons}
    assert {column: cells[column] for column in scores} == scores
    assert all(type(score) is int for score in scores.values())
    assert list(row[12:]) == [position % 5 + 1 for position in range(30)]


def test_date_cells_are_formatted_as_dates(varied_submission):
    sheet = export_all()["Submissions"]

    assert sheet["D2"].is_date and sheet["E2"].is_date
    assert sheet["D2"].number_format == "yyyy-mm-dd h:mm:ss"


def test_an_unfinished_submission_leaves_its_blanks_empty(unfinished):
    header, row = sheet_rows(export_all(), "Submissions")

    cells = dict(zip(header, row, strict=True))
    assert cells["completed"] is None
    assert cells["quality flags"] is None
    assert cells["score: Constant learning"] == unfinished.result().reasons[0].score
    assert cells["score: Little ML"] is None
    assert list(row[12:18]) == [4] * 6
    assert set(row[18:]) == {None}


# -- The codebook ----------------------------------------------------------------------------


def test_the_codebook_says_what_every_column_of_the_submissions_sheet_means(varied_submission):
    book = export_all()
    header = sheet_rows(book, "Submissions")[0]

    entries = codebook_by_column(book)

    assert list(entries) == list(header)
    for index, title in enumerate(header):
        for entry in entries[title]:
            assert entry["Letter"] == openpyxl.utils.get_column_letter(index + 1)
            assert entry["Meaning"]
    assert "UTC" in entries["started"][0]["Meaning"]
    assert "en, zh-hans" in entries["language"][0]["Meaning"]


def test_the_codebook_gives_each_statement_in_both_languages_with_its_reason_keying_and_weight(
    varied_submission,
):
    statement = Question.objects.get(key="skip-the-maths")
    column = f"Constant learning: {statement.statement_en}"

    [entry] = codebook_by_column(export_all())[column]

    assert entry == {
        "Column": column,
        "Letter": "Q",
        "Meaning": str(workbook.ANSWER_MEANING),
        "Reason": "Constant learning",
        "Key": "constant-learning/skip-the-maths",
        "Statement (en)": statement.statement_en,
        "Statement (zh-hans)": statement.statement_zh_hans,
        "Keying": "forward",
        "Weight": 2,
        "Revisions": "1",
    }


def test_the_codebook_names_the_reason_of_each_score(varied_submission):
    [entry] = codebook_by_column(export_all())["score: Perseverance"]

    assert (entry["Reason"], entry["Key"], entry["Revisions"]) == (
        "Perseverance",
        "perseverance",
        "1",
    )
    assert entry["Meaning"].startswith("The reason's score, from -100")
    assert entry["Keying"] is entry["Weight"] is entry["Statement (en)"] is None


def test_a_statement_reweighted_in_a_later_revision_has_a_codebook_row_per_weight(
    questionnaire, varied_submission, other_browser
):
    Question.objects.filter(key="skip-the-maths").update(weight=3)
    questionnaire.publish()
    newer = start(other_browser)
    complete(other_browser, newer, 2)
    statement = Question.objects.get(key="skip-the-maths")

    entries = codebook_by_column(export_all())

    reweighted = entries[f"Constant learning: {statement.statement_en}"]
    assert [(entry["Weight"], entry["Revisions"]) for entry in reweighted] == [(3, "2"), (2, "1")]
    [unchanged] = entries["score: Perseverance"]
    assert unchanged["Revisions"] == "1, 2"


def test_the_codebook_gives_the_answer_scale_in_both_languages(varied_submission):
    rows = sheet_rows(export_all(), "Codebook")

    start_of_scale = rows.index(("Answer", "Meaning (en)", "Meaning (zh-hans)", *[None] * 7))
    scale = [row[:3] for row in rows[start_of_scale + 1 : start_of_scale + 7]]
    assert scale == [
        (1, "Strongly disagree", "非常不同意"),
        (2, "Disagree", "不同意"),
        (3, "Neither agree nor disagree", "既不同意也不反对"),
        (4, "Agree", "同意"),
        (5, "Strongly agree", "非常同意"),
        ("(blank)", "not answered (stored as 0)", "未作答（存为 0）"),
    ]
    keying = {
        row[0]: row[1] for row in rows[start_of_scale + 7 :] if row[0] in ("forward", "reverse")
    }
    assert set(keying) == {"forward", "reverse"}


# -- Formula injection ------------------------------------------------------------------------


def test_no_cell_of_the_workbook_is_a_formula_and_text_is_neutralised(formula_submission):
    book = export_all()

    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    header, row = sheet_rows(book, "Submissions")
    # XML reads a carriage return back as a line feed.
    texts = [text.replace("\r", "\n") for text in FORMULA_TEXTS]
    assert header[8:] == tuple(f"'=cmd|' /C calc'!A0: {text}" for text in texts)
    assert row[1] == "'-1"
    entries = codebook_by_column(book)
    statements = [entries[title][0] for title in header[8:]]
    assert [entry["Statement (en)"] for entry in statements] == ["'" + text for text in texts]
    assert [entry["Statement (zh-hans)"] for entry in statements] == [
        f"'={order}+1" for order in range(1, 7)
    ]


def test_a_negative_score_stays_a_number_in_the_workbook(formula_submission):
    sheet = export_all()["Submissions"]

    score = sheet["H2"]
    assert (score.value, score.data_type) == (-100, "n")
    assert [cell.value for cell in sheet[2][8:]] == [1, 5, 1, 5, 1, 5]
