"""Publishing revisions: what respondents answer, and what an admin is told before publishing."""

from __future__ import annotations

import copy
import uuid

import pytest
from django.core.cache import cache
from django.db.models import ProtectedError
from django.urls import reverse

from assessments.changes import describe_changes
from assessments.datafile import revision_document
from assessments.models import Question, ReasonCategory, Revision, Submission

from .conftest import (
    answer_step,
    check_url,
    complete,
    confirm,
    start,
    statements_of,
    step_data,
    step_url,
)
from .test_views import text


def reword_first_statement(questionnaire, words: str) -> Question:
    question = Question.objects.get(
        category__questionnaire=questionnaire, key="postpone-learning-new-tool"
    )
    question.statement = words
    question.save()
    return question


# -- Publishing -----------------------------------------------------------------


def test_loading_the_questionnaire_publishes_revision_one(questionnaire):
    revision = questionnaire.latest_revision()
    assert revision.number == 1
    assert revision.frozen.statement_count == 30
    assert [reason.key for reason in revision.frozen.reasons][0] == "constant-learning"


def test_publishing_unchanged_content_creates_nothing(questionnaire):
    assert questionnaire.publish() is None
    assert questionnaire.revisions.count() == 1


def test_publishing_an_edit_creates_the_next_revision_and_keeps_the_old_one(questionnaire):
    reword_first_statement(questionnaire, "A reworded statement.")
    revision = questionnaire.publish(by="editor")
    assert revision.number == 2
    assert revision.published_by == "editor"
    first = questionnaire.revisions.get(number=1)
    assert str(first.frozen.statements[0].text) != "A reworded statement."
    assert str(revision.frozen.statements[0].text) == "A reworded statement."


def test_edits_reach_new_respondents_only_once_published(respondent, other_browser, questionnaire):
    reword_first_statement(questionnaire, "A reworded statement.")
    before = start(respondent)
    assert "A reworded statement." not in text(respondent.get(step_url(before, 1)))
    questionnaire.publish()
    after = start(other_browser)
    assert "A reworded statement." in text(other_browser.get(step_url(after, 1)))


def test_a_person_midway_across_a_publish_finishes_the_version_they_started(
    respondent, other_browser, questionnaire
):
    midway = start(respondent)
    answer_step(respondent, midway, 1, 4)
    answer_step(respondent, midway, 2, 4)
    reword_first_statement(questionnaire, "A reworded statement.")
    ReasonCategory.objects.get(key="little-ml").delete()
    questionnaire.publish()

    # The same five steps, old wording and all, to the end.
    page = text(respondent.get(step_url(midway, 5)))
    assert "Step 5 of 5" not in page  # steps 3 and 4 come first
    for number in (3, 4, 5):
        assert answer_step(respondent, midway, number, 4).status_code == 302
    check = text(respondent.get(check_url(midway)))
    assert "You answered all 30 statements." in check
    assert str(midway.frozen.statements[0].text) in check
    assert "A reworded statement." not in check
    assert confirm(respondent, midway)["Location"] == midway.get_absolute_url()
    midway.refresh_from_db()
    assert midway.is_complete
    assert midway.revision.number == 1
    results = text(respondent.get(midway.get_absolute_url()))
    assert "Little ML" in results
    # Someone starting now gets the new revision: four steps.
    fresh = start(other_browser)
    assert fresh.revision.number == 2
    assert "Step 1 of 4" in text(other_browser.get(step_url(fresh, 1)))


def test_a_page_shown_before_a_publish_and_posted_after_it_saves_every_answer(
    respondent, submission, questionnaire
):
    data = step_data(submission, 1, 5)
    ReasonCategory.objects.filter(key="perseverance").update(order=0)
    Question.objects.filter(key="postpone-learning-new-tool").delete()
    questionnaire.publish()

    response = respondent.post(step_url(submission, 1), data)

    assert response["Location"] == step_url(submission, 2)
    submission.refresh_from_db()
    assert submission.answer_values()[:6] == [5] * 6


def test_deleting_a_live_statement_changes_no_result_and_no_answer(
    respondent, completed_submission, questionnaire
):
    before = text(respondent.get(completed_submission.get_absolute_url()))
    answers = completed_submission.answers
    Question.objects.filter(category__questionnaire=questionnaire).first().delete()
    questionnaire.publish()
    completed_submission.refresh_from_db()
    assert completed_submission.answers == answers
    cache.clear()  # read it afresh, not from the results cache
    assert text(respondent.get(completed_submission.get_absolute_url())) == before


def test_a_published_revision_cannot_be_deleted_while_submissions_use_it(completed_submission):
    revision = completed_submission.revision
    with pytest.raises(ProtectedError):
        revision.delete()
    assert Revision.objects.filter(pk=revision.pk).exists()


def test_inactive_statements_are_not_frozen(questionnaire):
    Question.objects.filter(key="postpone-learning-new-tool").update(active=False)
    revision = questionnaire.publish()
    assert revision.frozen.statement_count == 29
    assert "postpone-learning-new-tool" not in [s.key for s in revision.frozen.statements]


def test_the_resume_link_goes_to_the_first_open_step_of_the_submissions_own_revision(
    respondent, submission, questionnaire
):
    answer_step(respondent, submission, 1)
    ReasonCategory.objects.get(key="perseverance").delete()
    questionnaire.publish()
    response = respondent.get(reverse("assessments:resume", args=[submission.pk]))
    assert response["Location"] == step_url(submission, 2)
    page = text(respondent.get(response["Location"]))
    assert "Step 2 of 5" in page
    for statement in statements_of(submission, 2):
        assert str(statement.text) in page
    assert statements_of(submission, 2)[0].key == "drop-stuck-problem"


def test_statements_keep_their_positions_for_the_whole_submission(respondent, submission):
    complete(
        respondent,
        submission,
        {s.position: 1 + s.position % 5 for s in submission.frozen.statements},
    )
    assert submission.answers == "".join(str(1 + position % 5) for position in range(30))
    assert [s.position for s in statements_of(submission, 2)] == list(range(6, 12))
    assert Submission.objects.completed().count() == 1


# -- What changed ---------------------------------------------------------------


def changes_after(questionnaire, edit) -> list:
    old = revision_document(questionnaire)
    new = copy.deepcopy(old)
    edit(new["questionnaire"])
    return describe_changes(old, new)


def test_nothing_to_compare_before_the_first_revision(questionnaire):
    assert describe_changes(None, revision_document(questionnaire)) == []


def test_identical_documents_have_no_changes(questionnaire):
    assert changes_after(questionnaire, lambda data: None) == []


def test_a_reworded_statement_is_named_with_its_old_and_new_words(questionnaire):
    def edit(data):
        data["reasons"][0]["statements"][0]["text"]["en"] = "New words."

    [change] = changes_after(questionnaire, edit)
    assert change.kind == "reworded"
    assert change.where == "Constant learning"
    assert "→ “New words.”" in change.description
    assert "(en)" in change.description


def test_a_statement_reworded_only_in_chinese_is_named_with_its_chinese_words(questionnaire):
    def edit(data):
        data["reasons"][0]["statements"][0]["text"]["zh-hans"] = "新的说法。"

    [change] = changes_after(questionnaire, edit)
    assert "Reworded (zh-hans): “" in change.description
    assert "” → “新的说法。”" in change.description


def test_a_statement_whose_chinese_was_emptied_shows_the_chinese_going_to_nothing(
    questionnaire,
):
    before = []

    def edit(data):
        texts = data["reasons"][0]["statements"][0]["text"]
        before.append(texts["zh-hans"])
        texts["zh-hans"] = ""

    [change] = changes_after(questionnaire, edit)
    assert before[0]
    assert f"Reworded (zh-hans): “{before[0]}” → “”" in change.description


def test_a_rekeyed_statement_and_a_new_weight_are_named(questionnaire):
    def edit(data):
        statement = data["reasons"][1]["statements"][0]
        statement["direction"] = "reverse" if statement["direction"] == "forward" else "forward"
        statement["weight"] = 5

    kinds = [change.kind for change in changes_after(questionnaire, edit)]
    assert kinds == ["rekeyed", "reweighted"]


def test_added_and_removed_statements_and_reasons_are_named(questionnaire):
    def edit(data):
        data["reasons"][0]["statements"].pop()
        data["reasons"][2]["statements"].append(
            {
                "key": "new-one",
                "order": 99,
                "direction": "forward",
                "weight": 1,
                "text": {"en": "A new statement.", "zh-hans": ""},
                "help_text": {"en": "", "zh-hans": ""},
            }
        )
        data["reasons"].pop()

    changes = changes_after(questionnaire, edit)
    kinds = sorted((change.kind, change.where) for change in changes)
    assert kinds == [
        ("added", "Change and rework"),
        ("removed", "Constant learning"),
        ("removed", "Little ML"),
    ]
    assert any("A new statement." in change.description for change in changes)


def test_changed_thresholds_and_a_new_order_are_named(questionnaire):
    def edit(data):
        data["reasons"][3]["some_signs_from"] = 20
        data["reasons"][0], data["reasons"][1] = data["reasons"][1], data["reasons"][0]

    changes = changes_after(questionnaire, edit)
    assert [change.kind for change in changes] == ["thresholds", "reordered"]
    assert changes[0].description == (
        "Band thresholds: “may wear on you” from 25 to 20, “likely to wear on you” from 60 to 60."
    )


def test_the_page_lookup_reads_what_the_orm_reads(completed_submission):
    fields = (
        "pk",
        "revision_id",
        "owner_key",
        "started_at",
        "completed_at",
        "language",
        "answers",
        "step_times",
        "quality_flags",
    )
    written = Submission.objects.page_lookup(completed_submission.pk)
    built = Submission.objects.with_digest().get(pk=completed_submission.pk)
    assert [getattr(written, f) for f in fields] == [getattr(built, f) for f in fields]
    assert written.revision_digest == built.revision_digest == completed_submission.revision.digest
    assert written.frozen is built.frozen


def test_the_page_lookup_finds_nothing_for_an_unknown_or_malformed_id(questionnaire):
    assert Submission.objects.page_lookup(uuid.uuid4()) is None
    assert Submission.objects.page_lookup("not-a-uuid") is None
