"""The CSV export streams, defuses formulas, and reads the same few queries for any number of rows."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse

from assessments import exports, workbook
from assessments.models import Question, Submission
from assessments.models.revisions import frozen_revision

from .conftest import FORMULA_TEXTS, close_response, complete, start


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def many_submissions(questionnaire):
    call_command("generate_submissions", count=450, seed=7, stdout=io.StringIO())
    return Submission.objects.all()


def test_the_export_is_a_streamed_response(many_submissions):
    response = exports.csv_response(many_submissions)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mlfit-submissions-')
    rows = read_csv(response)
    assert len(rows) == 451
    assert rows[0][:7] == exports.FIXED_COLUMNS
    assert exports.FIXED_COLUMNS[5:] == ["language", "quality flags"]


def test_the_first_rows_leave_before_the_whole_set_is_read(many_submissions, monkeypatch):
    read = []
    real_rows = exports.submission_rows

    def counted(submissions, chunk_size):
        for row in real_rows(submissions, chunk_size=50):
            read.append(row)
            yield row

    monkeypatch.setattr(exports, "submission_rows", counted)
    pieces = iter(exports.csv_response(many_submissions).streaming_content)
    first = next(pieces)
    assert first.startswith(b"submission,questionnaire,revision")
    assert 0 < len(read) < 450
    rest = b"".join(pieces)
    assert len(read) == 450
    assert (first + rest).count(b"\n") == 451


def test_scores_in_the_export_match_the_results_page(respondent, questionnaire):
    submission = start(respondent)
    complete(
        respondent,
        submission,
        {s.position: 1 + s.position % 5 for s in submission.frozen.statements},
    )
    header, row = read_csv(exports.csv_response(Submission.objects.all()))
    scores = {score.key: score.score for score in submission.result().reasons}
    by_title = {reason.key: f"score: {reason.title}" for reason in submission.frozen.reasons}
    for key, score in scores.items():
        assert row[header.index(by_title[key])] == str(score)
    assert row[header.index("revision")] == "1"
    assert row[header.index("quality flags")] == ""
    assert row[7 + 5 :] == [str(1 + position % 5) for position in range(30)]


def test_a_statement_dropped_in_a_later_revision_keeps_its_column(respondent, questionnaire):
    old = start(respondent)
    complete(respondent, old, 4)
    dropped = Question.objects.get(key="postpone-learning-new-tool")
    dropped.delete()
    questionnaire.publish()
    new = start(respondent)
    complete(respondent, new, 2)
    header, *rows = read_csv(exports.csv_response(Submission.objects.all()))
    column = header.index(f"Constant learning: {dropped.statement}")
    values = {row[0]: row for row in rows}
    assert values[str(old.pk)][column] == "4"
    assert values[str(new.pk)][column] == ""
    assert {values[str(old.pk)][2], values[str(new.pk)][2]} == {"1", "2"}


def test_unfinished_answers_are_left_blank(respondent, submission):
    header, row = read_csv(exports.csv_response(Submission.objects.all()))
    assert row[3] != "" and row[4] == ""
    assert set(row[6:]) == {""}  # no quality flags, scores or answers yet


def test_an_export_that_fails_midway_is_logged_as_a_failed_export(
    many_submissions, monkeypatch, caplog
):
    real_rows = exports.submission_rows

    def breaking(submissions, chunk_size):
        for number, row in enumerate(real_rows(submissions, chunk_size), start=1):
            if number == 300:
                raise RuntimeError("disk full")
            yield row

    monkeypatch.setattr(exports, "submission_rows", breaking)
    pieces = exports.csv_response(many_submissions).streaming_content
    with caplog.at_level(logging.ERROR, logger="assessments.exports"), pytest.raises(RuntimeError):
        b"".join(pieces)
    [record] = caplog.records
    assert record.getMessage() == (
        "CSV export of submissions failed after 300 lines (the header included)."
    )
    assert "database" not in record.getMessage().lower()


def test_generated_submissions_are_complete_varied_and_in_both_languages(many_submissions):
    assert many_submissions.count() == 450
    assert many_submissions.completed().count() == 450
    answers = list(many_submissions.values_list("answers", flat=True))
    assert all(len(a) == 30 and set(a) <= set("12345") for a in answers)
    assert len(set(answers)) > 400
    assert set(many_submissions.values_list("language", flat=True)) == {"en", "zh-hans"}
    days = {s.started_at.date() for s in many_submissions}
    assert len(days) > 100


# -- Excel-friendly CSV ---------------------------------------------------------------------


def test_an_excel_friendly_csv_starts_with_a_utf8_byte_order_mark(completed_submission):
    content = b"".join(exports.csv_response(Submission.objects.all(), excel=True).streaming_content)

    assert content.startswith(b"\xef\xbb\xbfsubmission,questionnaire,revision,")
    assert content.count(b"\xef\xbb\xbf") == 1


def test_a_plain_csv_has_no_byte_order_mark(completed_submission):
    content = b"".join(exports.csv_response(Submission.objects.all()).streaming_content)

    assert content.startswith(b"submission,questionnaire,revision,")
    assert b"\xef\xbb\xbf" not in content


# -- Formula injection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(1+1)", "\tTab first", "\r=1+1", "-40"],
)
def test_text_that_a_spreadsheet_could_read_as_a_formula_gets_a_leading_apostrophe(text):
    assert exports.neutralised(text) == "'" + text


@pytest.mark.parametrize("text", ["", "1+1", "ml-engineering-fit", "straight-line", "'=1", " =1"])
def test_other_text_is_left_as_it_is(text):
    assert exports.neutralised(text) == text


def test_text_cells_of_the_csv_are_neutralised_while_scores_stay_numbers(formula_submission):
    content = b"".join(exports.csv_response(Submission.objects.all()).streaming_content).decode()

    header, row = list(csv.reader(io.StringIO(content)))
    assert header[7] == "score: =cmd|' /C calc'!A0"  # starts with "score", so no formula
    assert header[8:] == [f"'=cmd|' /C calc'!A0: {text}" for text in FORMULA_TEXTS]
    assert row[1] == "'-1"  # the slug, text
    assert row[7] == "-100"  # the score, a number
    assert row[8:] == ["1", "5", "1", "5", "1", "5"]
    # In the file itself the score is a bare number, the slug a neutralised text.
    assert f",'-1,1,{row[3]}," in content
    assert ",-100,1,5,1,5,1,5\r\n" in content


# -- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_makes_the_same_few_queries_however_many_submissions_it_holds(
    questionnaire, count, file_format, django_assert_max_num_queries
):
    call_command("generate_submissions", count=count, seed=3, stdout=io.StringIO())
    frozen_revision.cache_clear()  # so the revision's content is read, as in a fresh process
    respond = workbook.xlsx_response if file_format == "xlsx" else exports.csv_response

    # The revisions, the content of the one they were answered on, the rows.
    with django_assert_max_num_queries(3):
        response = respond(Submission.objects.all())
        content = b"".join(response.streaming_content)
        close_response(response)

    assert len(content) > 1000
