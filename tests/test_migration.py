"""Old submissions keep their results word for word when their copies become revisions.

tests/fixtures/before_revisions.json holds the rows the code before revisions
stored (migration 0003), for submissions answered before an edit, after it,
and after a statement and a whole reason were deleted, in English and
Chinese, with two left unfinished; and the text of each completed
submission's results page as that code rendered it, in both languages.
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

from assessments.models import Revision, Submission

FIXTURE = Path(__file__).parent / "fixtures" / "before_revisions.json"
BEFORE = [("assessments", "0003_model_names")]
MODELS = ["questionnaire", "reasoncategory", "question", "submission", "answeredreason", "answer"]


def main_text(markup: str) -> str:
    """Return the visible text inside <main>, as the fixture recorded it."""
    start = markup.index(">", markup.index("<main")) + 1
    body = markup[start : markup.index("</main>", start)]
    body = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", body, flags=re.S | re.I)
    body = html.unescape(re.sub(r"<[^>]*>", " ", body))
    return re.sub(r"\s+", " ", body).strip()


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


def test_old_results_pages_read_the_same_after_migrating_in_both_languages(migrated_old_data):
    pages = migrated_old_data["pages"]
    assert len(pages) == 4
    for submission_id, texts in pages.items():
        for language, before in texts.items():
            browser = Client()
            browser.cookies["django_language"] = language
            response = browser.get(f"/results/{submission_id}/")
            assert response.status_code == 200
            assert main_text(response.content.decode()) == before, (submission_id, language)


def test_identical_copies_share_one_revision(migrated_old_data):
    # A and E answered the original content, B answered after the edit, C after
    # the deletions; the working copy is the same as what C answered.
    completed = Submission.objects.completed()
    assert completed.count() == 4
    assert completed.values("revision").distinct().count() == 3
    first = Submission.objects.get(pk="f9e46827-b359-4b01-9f72-2f6e6cf5616f").revision
    assert Submission.objects.get(pk="9166d97a-09c7-4a88-b99d-0ec28abd843e").revision == first
    latest = Revision.objects.order_by("-number").first()
    assert Submission.objects.get(pk="a15f3e1e-13dd-4585-bca7-85506ab61e61").revision == latest


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
