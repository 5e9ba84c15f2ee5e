"""The admin's list of submissions: its columns, its order, and its cost at scale."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.admin import CappedCountPaginator, SubmissionAdmin
from assessments.models import Submission

from .conftest import answer_step, start
from .test_admin import admin_url

REASON_KEYS = [
    "constant-learning",
    "perseverance",
    "change-and-rework",
    "stakeholder-management",
    "little-ml",
]


def column(response, name: str) -> list[str]:
    """Return the cells of one list column, top to bottom, as text."""
    cells = re.findall(rf'<td class="field-{re.escape(name)}[^"]*">(.*?)</td>', page(response))
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def headers(response) -> dict[str, str]:
    """Return {column name: header text} of the list."""
    found = re.findall(
        r'<th scope="col" class="[^"]*column-([^" ]+)[^"]*">\s*(?:<div class="text">)?\s*'
        r"(?:<a [^>]*>|<span>)([^<]*)<",
        page(response),
    )
    return {name: html.unescape(text).strip() for name, text in found}


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def add_submissions(revision, count: int, start: int = 0) -> None:
    """Store `count` submissions at once: finished ones "Agree" throughout, every third unfinished."""
    statements = revision.frozen.statement_count
    Submission.objects.bulk_create(
        Submission(
            revision=revision,
            owner_key=f"{index:064x}",
            answers="4" * statements if index % 3 else "4" * 6 + "0" * (statements - 6),
            completed_at=timezone.now() if index % 3 else None,
            quality_flags="straight-line" if index % 3 == 1 else "",
        )
        for index in range(start, start + count)
    )


@pytest.fixture
def unfinished(questionnaire, other_browser) -> Submission:
    """A submission from another browser with only the first step answered."""
    submission = start(other_browser)
    assert answer_step(other_browser, submission, 1, 4).status_code == 302
    return submission


@pytest.fixture
def chinese_admin(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return admin_client


# -- Columns --------------------------------------------------------------------------


def test_the_list_has_a_score_column_per_reason_titled_in_english(
    admin_client, questionnaire, completed_submission
):
    reasons = questionnaire.latest_revision().frozen.reasons

    shown = headers(admin_client.get(admin_url("submission")))

    assert [key for key in shown if key.startswith("score_")] == [
        f"score_{key}" for key in REASON_KEYS
    ]
    assert [shown[f"score_{reason.key}"] for reason in reasons] == [
        reason.title["en"] for reason in reasons
    ]
    assert (shown["completed"], shown["language"], shown["revision"]) == (
        "Completed",
        "Language",
        "Revision",
    )
    assert shown["quality"] == "Answer quality"


def test_the_list_titles_its_score_columns_in_chinese_for_a_chinese_admin(
    chinese_admin, questionnaire, completed_submission
):
    reasons = questionnaire.latest_revision().frozen.reasons

    shown = headers(chinese_admin.get(admin_url("submission")))

    assert [shown[f"score_{reason.key}"] for reason in reasons] == [
        reason.title["zh-hans"] for reason in reasons
    ]
    assert all(reason.title["zh-hans"] != reason.title["en"] for reason in reasons)


def test_the_list_shows_a_complete_submissions_scores_as_its_result_gives_them(
    admin_client, varied_submission
):
    result = {reason.key: reason.signed_score for reason in varied_submission.result().reasons}

    response = admin_client.get(admin_url("submission"))

    assert [column(response, f"score_{key}") for key in REASON_KEYS] == [
        [result[key]] for key in REASON_KEYS
    ]
    assert len(set(result.values())) > 1
    assert column(response, "quality") == ["No pattern found"]
    assert column(response, "language") == ["English"]
    assert column(response, "completed") != ["—"]


def test_the_list_shows_a_flagged_submissions_scores_and_its_flags(
    admin_client, completed_submission
):
    # Every answer "Agree": flagged, and scored all the same.
    result = {reason.key: reason.signed_score for reason in completed_submission.result().reasons}

    response = admin_client.get(admin_url("submission"))

    assert [column(response, f"score_{key}") for key in REASON_KEYS] == [
        [result[key]] for key in REASON_KEYS
    ]
    assert column(response, "quality") == ["Same answer in a long run, Contradicting answers"]


def test_the_list_shows_dashes_for_an_unfinished_submission(admin_client, unfinished):
    response = admin_client.get(admin_url("submission"))

    assert [column(response, f"score_{key}") for key in REASON_KEYS] == [["—"]] * 5
    assert column(response, "completed") == ["—"]
    assert column(response, "quality") == ["—"]


def test_the_list_shows_a_chinese_admin_the_flags_and_language_in_chinese(
    chinese_admin, completed_submission
):
    result = {reason.key: reason.signed_score for reason in completed_submission.result().reasons}

    response = chinese_admin.get(admin_url("submission"))

    assert [column(response, f"score_{key}") for key in REASON_KEYS] == [
        [result[key]] for key in REASON_KEYS
    ]
    [quality] = column(response, "quality")
    assert quality and quality != "Same answer in a long run, Contradicting answers"
    assert "Same answer" not in quality


def test_a_submission_on_a_revision_without_those_reasons_shows_dashes(
    admin_client, questionnaire, small_questionnaire
):
    Submission.objects.create(
        revision=small_questionnaire.latest_revision(),
        owner_key="s" * 64,
        answers="4422",
        completed_at=timezone.now(),
    )

    response = admin_client.get(admin_url("submission"))

    assert [column(response, f"score_{key}") for key in REASON_KEYS] == [["—"]] * 5


# -- Order ----------------------------------------------------------------------------


def test_the_list_puts_the_newest_completed_first_and_unfinished_ones_after(
    admin_client, questionnaire
):
    revision = questionnaire.latest_revision()
    now = timezone.now()
    rows = {
        "unfinished, started last": (now, None),
        "completed first": (now - timezone.timedelta(hours=3), now - timezone.timedelta(hours=2)),
        "completed last": (now - timezone.timedelta(hours=4), now - timezone.timedelta(hours=1)),
        "unfinished, started first": (now - timezone.timedelta(hours=5), None),
    }
    for index, (name, (started, completed)) in enumerate(rows.items()):
        Submission.objects.create(
            revision=revision,
            owner_key=f"{index:064x}",
            answers="4" * 30 if completed else "",
            started_at=started,
            completed_at=completed,
            quality_flags=name,
        )

    response = admin_client.get(admin_url("submission"))

    assert [s.quality_flags for s in response.context["cl"].result_list] == [
        "completed last",
        "completed first",
        "unfinished, started last",
        "unfinished, started first",
    ]


# -- Cost -----------------------------------------------------------------------------


def test_the_list_runs_as_many_queries_for_fifty_submissions_as_for_five(
    admin_client, questionnaire, small_questionnaire, django_assert_num_queries
):
    revision = questionnaire.latest_revision()
    add_submissions(revision, 4)
    add_submissions(small_questionnaire.latest_revision(), 1, start=1000)
    # A revision's content is read once per process; read it before counting.
    admin_client.get(admin_url("submission"))
    with CaptureQueriesContext(connection) as five:
        response = admin_client.get(admin_url("submission"))
    assert len(response.context["cl"].result_list) == 5
    add_submissions(revision, 44, start=4)
    add_submissions(small_questionnaire.latest_revision(), 1, start=1001)

    with django_assert_num_queries(len(five)):
        response = admin_client.get(admin_url("submission"))

    assert len(response.context["cl"].result_list) == 50
    assert column(response, "score_constant-learning").count("—") == 16 + 2


def test_the_list_counts_submissions_only_as_far_as_its_pages_need(
    admin_client, questionnaire, monkeypatch
):
    add_submissions(questionnaire.latest_revision(), 7)
    monkeypatch.setattr(SubmissionAdmin, "list_per_page", 2)
    monkeypatch.setattr(CappedCountPaginator, "at_least", 3)
    monkeypatch.setattr(CappedCountPaginator, "pages_ahead", 0)

    with CaptureQueriesContext(connection) as queries:
        first = admin_client.get(admin_url("submission"))
    [count] = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    last = admin_client.get(admin_url("submission"), {"p": "4"})

    assert "LIMIT 4" in count and "ORDER BY" not in count
    assert "More than 3 submissions" in page(first)
    assert "Select all the submissions these filters show" in page(first)
    assert len(last.context["cl"].result_list) == 1
    assert "7 submissions" in page(last)


def test_the_list_says_how_many_submissions_there_are_below_the_cap(
    admin_client, completed_submission, unfinished
):
    assert "2 submissions" in page(admin_client.get(admin_url("submission")))
