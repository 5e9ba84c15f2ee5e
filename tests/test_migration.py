"""Old submissions keep their answers and revision through every migration since 0003.

tests/fixtures/before_revisions.json holds the rows the code before revisions
stored (migration 0003), for submissions answered before an edit, after it,
and after a statement and a whole reason were deleted, in English and
Chinese, with two left unfinished; and the text of each completed
submission's results page as that code rendered it, in both languages.

Since migration 0007 (calibrated results) those pages are read with the new
scoring, so their text is no longer the recorded one: what must still hold
is that each renders in both languages, with the scores the pure scoring
module gives for the stored answers, and that the migration checked each
completed submission's answers for careless patterns. One submission is added
to the recorded rows for that: a copy of the first, answered "Agree" throughout.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from assessments import scoring
from assessments.models import Revision, Submission

FIXTURE = Path(__file__).parent / "fixtures" / "before_revisions.json"
BEFORE = [("assessments", "0003_model_names")]
MODELS = ["questionnaire", "reasoncategory", "question", "submission", "answeredreason", "answer"]
# The first recorded submission, and the copy of it answered "Agree" throughout.
FIRST = "f9e46827-b359-4b01-9f72-2f6e6cf5616f"
STRAIGHT_LINER = "5e1f0000-0000-4000-8000-000000000001"


def main_text(markup: str) -> str:
    """Return the visible text inside <main>, as the fixture recorded it."""
    start = markup.index(">", markup.index("<main")) + 1
    body = markup[start : markup.index("</main>", start)]
    body = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", body, flags=re.S | re.I)
    body = html.unescape(re.sub(r"<[^>]*>", " ", body))
    return re.sub(r"\s+", " ", body).strip()


def with_a_straight_liner(rows: dict) -> dict:
    """Return the rows with a copy of the first submission that answered "Agree" to everything."""
    rows = {name: list(records) for name, records in rows.items()}
    [first] = [record for record in rows["submission"] if record["pk"] == FIRST]
    rows["submission"].append(
        {"pk": STRAIGHT_LINER, "fields": {**first["fields"], "owner_key": "5" * 64}}
    )
    for record in [r for r in rows["answeredreason"] if r["fields"]["submission"] == FIRST]:
        fields = {**record["fields"], "submission": STRAIGHT_LINER}
        rows["answeredreason"].append({"pk": 1000 + record["pk"], "fields": fields})
    for record in [r for r in rows["answer"] if r["fields"]["submission"] == FIRST]:
        fields = {
            **record["fields"],
            "submission": STRAIGHT_LINER,
            "reason": 1000 + record["fields"]["reason"],
            "value": 4,
        }
        rows["answer"].append({"pk": 10000 + record["pk"], "fields": fields})
    return rows


def load_old_rows(apps, rows: dict) -> None:
    """Write the recorded rows into the tables as migration 0003 left them."""
    for name in MODELS:
        model = apps.get_model("assessments", name)
        objects = []
        for record in rows[name]:
            values = {}
            for field_name, value in record["fields"].items():
                field = model._meta.get_field(field_name)
                values[field.attname] = value
            objects.append(model(pk=record["pk"], **values))
        model.objects.bulk_create(objects)


@pytest.fixture
def migrated_old_data(transactional_db):
    """Go back to migration 0003, load the old rows, and migrate them forward."""
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    fixture["rows"] = with_a_straight_liner(fixture["rows"])
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        load_old_rows(executor.loader.project_state(BEFORE).apps, fixture["rows"])
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    except BaseException:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        raise
    return fixture


def results_page(submission_id: str, language: str) -> str:
    """Return the visible text of a results page, read by a browser that only has the link."""
    browser = Client()
    browser.cookies["django_language"] = language
    response = browser.get(f"/results/{submission_id}/")
    assert response.status_code == 200, (submission_id, language)
    markup = response.content.decode()
    assert re.search(r'<p class="answer-first"[^>]*>[^<\s]', markup), (submission_id, language)
    return main_text(markup)


def scored_from_the_revision(submission: Submission) -> scoring.Result:
    """Score the stored answers with the pure scoring module, reading the revision's document."""
    values = [int(digit) for digit in submission.answers]
    reasons, position = [], 0
    for reason in submission.revision.content["questionnaire"]["reasons"]:
        answers = []
        for order, statement in enumerate(reason["statements"]):
            if values[position]:
                answers.append(
                    scoring.AnswerInput(
                        statement=statement["text"]["en"],
                        value=values[position],
                        direction=statement["direction"],
                        weight=statement["weight"],
                        order=order,
                    )
                )
            position += 1
        reasons.append(
            scoring.ReasonInput(
                key=reason["key"],
                title=reason["title"]["en"],
                order=reason["order"],
                answers=answers,
                some_signs_from=reason["some_signs_from"],
                strong_signs_from=reason["strong_signs_from"],
            )
        )
    return scoring.score_submission(reasons)


def test_old_results_pages_read_with_the_new_scoring_in_both_languages(migrated_old_data):
    pages = migrated_old_data["pages"]
    assert len(pages) == 4
    for submission_id, recorded in pages.items():
        submission = Submission.objects.get(pk=submission_id)
        expected = scored_from_the_revision(submission)
        assert [(r.key, r.score, r.band) for r in submission.result().reasons] == [
            (r.key, r.score, r.band) for r in expected.reasons
        ]
        titles = {reason.key: reason.title for reason in submission.frozen.reasons}
        for language in recorded:
            page = results_page(submission_id, language)
            assert "/100" not in page  # the old scores, out of 100 and never negative
            with translation.override(language):
                for reason in expected.reasons:
                    shown = f"{titles[reason.key]} {reason.band.label}"
                    if reason.band.is_told:  # "not enough to tell" shows no score
                        shown += f" · {reason.signed_score}"
                    assert shown in page, (submission_id, language)


def test_old_results_say_they_were_read_with_the_scoring_that_came_after_them(
    migrated_old_data,
):
    notes = {"en": "before the scoring changed on", "zh-hans": "的计分调整。这里按现在的计分方式"}
    for submission_id, recorded in migrated_old_data["pages"].items():
        for language in recorded:
            assert notes[language] in results_page(submission_id, language), (
                submission_id,
                language,
            )


def test_migrating_checks_the_answers_of_completed_submissions(migrated_old_data):
    flags = {str(pk): found for pk, found in Submission.objects.values_list("pk", "quality_flags")}
    assert flags == {
        FIRST: "",
        STRAIGHT_LINER: "straight-line,contradictions",
        "9166d97a-09c7-4a88-b99d-0ec28abd843e": "",
        "0f9f2763-722e-4de6-8c2a-b5d74530327f": "",
        "a15f3e1e-13dd-4585-bca7-85506ab61e61": "contradictions",
        # Unfinished: checked when they are confirmed.
        "141238e6-a01f-490c-b8e2-2a8c79ea554f": "",
        "d323ac74-1201-43e8-82a3-9b3444d224b4": "",
    }
    for submission in Submission.objects.completed():
        # The same check the app makes on Confirm; no pace was recorded then.
        assert submission.step_times == []
        assert submission.quality_flags == ",".join(submission.quality().flags)


def test_identical_copies_share_one_revision(migrated_old_data):
    # A and E answered the original content (and so did the copy of A answered
    # "Agree" throughout), B answered after the edit, C after the deletions;
    # the working copy is the same as what C answered.
    completed = Submission.objects.completed()
    assert completed.count() == 5
    assert completed.values("revision").distinct().count() == 3
    first = Submission.objects.get(pk=FIRST).revision
    assert Submission.objects.get(pk=STRAIGHT_LINER).revision == first
    assert Submission.objects.get(pk="9166d97a-09c7-4a88-b99d-0ec28abd843e").revision == first
    # The newest revision is the one migration 0009 published on top of C's,
    # adding the roles and experiments; C was answered on the one before it.
    latest_answered = Revision.objects.order_by("-number")[1]
    assert Submission.objects.get(pk="a15f3e1e-13dd-4585-bca7-85506ab61e61").revision == (
        latest_answered
    )


def test_every_old_answer_is_kept_as_a_value(migrated_old_data):
    rows = migrated_old_data["rows"]
    for record in rows["submission"]:
        submission = Submission.objects.get(pk=record["pk"])
        old_values = sorted(
            answer["fields"]["value"]
            for answer in rows["answer"]
            if answer["fields"]["submission"] == record["pk"]
        )
        assert sorted(value for value in submission.answer_values() if value) == old_values
        assert len(submission.answers) == submission.frozen.statement_count


def test_an_unfinished_old_submission_carries_on_where_it_stopped(migrated_old_data):
    # D answered steps 1 and 2 after the deletions; it goes on at step 3.
    submission = Submission.objects.get(pk="d323ac74-1201-43e8-82a3-9b3444d224b4")
    assert not submission.is_complete
    assert submission.first_open_step().number == 3
    assert [reason.key for reason in submission.frozen.reasons] == [
        "constant-learning",
        "perseverance",
        "change-and-rework",
        "stakeholder-management",
    ]


def test_publishing_right_after_migrating_creates_nothing(migrated_old_data):
    submission = Submission.objects.get(pk="a15f3e1e-13dd-4585-bca7-85506ab61e61")
    assert submission.revision.questionnaire.publish() is None
