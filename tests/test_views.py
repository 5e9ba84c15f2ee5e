"""The respondent's journey through the views, including every bad input we could think of."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import views
from assessments.models import Question, Questionnaire, ReasonCategory, Submission

from .conftest import (
    answer_step,
    check_url,
    complete,
    confirm,
    leaning,
    start,
    statements_of,
    step_data,
    step_url,
)


def text(response) -> str:
    """Return the page's visible text with tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").strip()


def stored(submission: Submission) -> dict[int, int]:
    """Return {statement position: value} of every answer the database holds."""
    submission.refresh_from_db()
    return {position: value for position, value in enumerate(submission.answer_values()) if value}


questions_of = statements_of


# -- Landing page and start ----------------------------------------------------------


def test_the_landing_page_explains_what_this_is_and_how_long_it_takes(respondent, questionnaire):
    page = text(respondent.get(reverse("assessments:landing")))
    assert "Is machine-learning engineering for you?" in page
    assert "It takes about five minutes" in page
    assert "30 statements On 5 short pages" in page
    assert "No account, no name, no email" in page
    for title in [
        "Constant learning",
        "Perseverance",
        "Change and rework",
        "Stakeholder management",
        "Little ML",
    ]:
        assert title in page
    assert "Start the questionnaire" in page


def test_the_landing_page_offers_to_continue_a_questionnaire_in_progress(respondent, submission):
    page = text(respondent.get(reverse("assessments:landing")))
    assert "You have a questionnaire in progress" in page
    assert "Continue where I stopped" in page


def test_another_browser_is_not_offered_someone_elses_questionnaire(other_browser, submission):
    page = text(other_browser.get(reverse("assessments:landing")))
    assert "Continue where I stopped" not in page
    assert "Start the questionnaire" in page


def test_the_landing_page_says_so_when_nothing_is_published(respondent, questionnaire):
    Questionnaire.objects.update(published=False)
    response = respondent.get(reverse("assessments:landing"))
    assert response.status_code == 503
    assert "The questionnaire is not open right now" in text(response)


def test_starting_creates_a_submission_owned_by_this_browser(respondent, questionnaire):
    response = respondent.post(reverse("assessments:start"))
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(submission, 1)
    assert submission.revision == questionnaire.latest_revision()
    assert submission.answers == "0" * 30
    assert submission.is_owned_by(owner_secret(respondent))
    assert not submission.is_complete


def owner_secret(browser: Client) -> str:
    """Return the owner secret kept in the browser's signed cookie."""
    request = RequestFactory().get("/")
    request.COOKIES["mlfit_owner"] = browser.cookies["mlfit_owner"].value
    return views.owner_token(request)


def test_answering_keeps_no_session_in_the_database(respondent, submission):
    complete(respondent, submission, 4)
    assert not Session.objects.exists()
    cookie = respondent.cookies["mlfit_owner"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_a_tampered_owner_cookie_owns_nothing(respondent, submission):
    respondent.cookies["mlfit_owner"] = respondent.cookies["mlfit_owner"].value.replace(":", ";", 1)
    response = respondent.get(step_url(submission, 1))
    assert response.status_code == 403


def test_starting_needs_a_post(respondent, questionnaire):
    response = respondent.get(reverse("assessments:start"))
    assert response.status_code == 405
    assert not Submission.objects.exists()


def test_starting_without_a_published_questionnaire_creates_nothing(respondent, questionnaire):
    Questionnaire.objects.update(published=False)
    response = respondent.post(reverse("assessments:start"))
    assert response.status_code == 503
    assert not Submission.objects.exists()


def test_a_post_without_a_csrf_token_is_refused_with_a_clear_page(questionnaire):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("assessments:start"))
    assert response.status_code == 403
    assert "Your page had expired" in text(response)
    assert not Submission.objects.exists()


# -- A step: showing it ------------------------------------------------------------------


def test_a_step_shows_its_number_progress_and_every_statement_as_a_scale(respondent, submission):
    response = respondent.get(step_url(submission, 1))
    page = text(response)
    html = response.content.decode()
    assert "<title>Step 1 of 5 · mlfit</title>" in html
    assert "How much does each statement sound like you?" in page
    # The bar counts statements answered in the whole questionnaire: none yet.
    assert re.search(r'<progress[^>]*max="30"[^>]*value="0"', html)
    for question in questions_of(submission, 1):
        assert str(question.text) in page
        assert html.count(f'name="q{question.position}"') == 5
    assert html.count("<fieldset") == 6
    assert html.count("<legend") == 6
    for label in [
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ]:
        assert page.count(label) >= 6


def test_a_step_does_not_name_its_reason(respondent, submission):
    # A heading like "Perseverance" invites answering as one would like to be seen.
    reason = submission.frozen.reasons[1]
    answer_step(respondent, submission, 1)

    page = text(respondent.get(step_url(submission, 2)))

    assert "Step 2 of 5" in page
    assert str(reason.title) not in page
    assert str(reason.summary) not in page


def test_a_reloaded_step_shows_the_answers_already_saved(respondent, submission):
    answer_step(respondent, submission, 1, 2)
    html = respondent.get(step_url(submission, 1)).content.decode()
    for question in questions_of(submission, 1):
        assert re.search(rf'name="q{question.position}" value="2"[^>]*checked', html)
        assert not re.search(rf'name="q{question.position}" value="4"[^>]*checked', html)


def test_a_later_step_cannot_be_skipped_to(respondent, submission):
    answer_step(respondent, submission, 1)
    response = respondent.get(step_url(submission, 4))
    assert response.status_code == 302
    assert response["Location"] == step_url(submission, 2)


@pytest.mark.parametrize("number", [0, 6, 99])
def test_a_step_that_does_not_exist_is_a_clear_404(respondent, submission, number):
    response = respondent.get(step_url(submission, number))
    assert response.status_code == 404
    assert "There is no such step" in text(response)


def test_an_unknown_submission_is_a_404(respondent, questionnaire):
    response = respondent.get("/s/00000000-0000-4000-8000-000000000000/step/1/")
    assert response.status_code == 404
    assert "This page does not exist" in text(response)


def test_a_malformed_submission_id_is_a_404(respondent, questionnaire):
    assert respondent.get("/s/not-a-uuid/step/1/").status_code == 404


def test_another_browser_cannot_open_a_step(other_browser, submission):
    response = other_browser.get(step_url(submission, 1))
    assert response.status_code == 403
    assert "This questionnaire belongs to another browser" in text(response)


def test_a_finished_submission_sends_its_steps_to_the_results(respondent, completed_submission):
    response = respondent.get(step_url(completed_submission, 2))
    assert response.status_code == 302
    assert response["Location"] == completed_submission.get_absolute_url()


def progress(response) -> tuple[int, int]:
    """Return (value, max) of the step page's progress bar."""
    bar = re.search(r"<progress[^>]*>", response.content.decode())[0]
    return int(re.search(r'value="(\d+)"', bar)[1]), int(re.search(r'max="(\d+)"', bar)[1])


def time_left_shown(response) -> str:
    """Return the time left that the step page shows next to its progress bar."""
    found = re.search(r'<p[^>]*id="time-left"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    return found[1].strip()


def test_a_fresh_questionnaire_shows_no_progress_and_the_whole_time_left(respondent, submission):
    response = respondent.get(step_url(submission, 1))
    assert progress(response) == (0, 30)
    # 30 statements at about 10 seconds each.
    assert time_left_shown(response) == "About 5 minutes left"
    assert "Step 1 of 5" in text(response)


def test_progress_counts_the_statements_answered_across_steps(respondent, submission):
    answer_step(respondent, submission, 1)
    answer_step(respondent, submission, 2)
    response = respondent.get(step_url(submission, 3))
    assert progress(response) == (12, 30)
    assert time_left_shown(response) == "About 3 minutes left"  # 18 x 10 s
    assert "Step 3 of 5" in text(response)


def test_progress_counts_the_answers_kept_from_an_incomplete_step(respondent, submission):
    answer_step(respondent, submission, 1)
    first, second, *_ = questions_of(submission, 2)
    data = {f"q{first.position}": "2", f"q{second.position}": "4", "action": "next"}
    response = respondent.post(step_url(submission, 2), data)
    assert response.status_code == 200
    assert progress(response) == (8, 30)
    assert time_left_shown(response) == "About 4 minutes left"  # 22 x 10 s = 220 s


def test_the_last_statements_say_less_than_a_minute_and_a_complete_page_says_nothing(
    respondent, submission
):
    for number in range(1, 6):
        answer_step(respondent, submission, number)
    response = respondent.get(step_url(submission, 5))
    assert progress(response) == (30, 30)
    assert time_left_shown(response) == ""
    # Every count of statements the page's script may still meet, with its words.
    texts = json.loads(
        unescape(re.search(r'id="time-left" data-texts="([^"]*)"', response.content.decode())[1])
    )
    assert texts == {
        "0": "",
        "1": "Less than a minute left",
        "2": "Less than a minute left",
        "3": "Less than a minute left",
        "4": "Less than a minute left",
        "5": "Less than a minute left",
        "6": "About 1 minute left",
    }


@pytest.mark.parametrize(
    ("statements", "said"),
    [
        (0, ""),
        (1, "Less than a minute left"),
        (5, "Less than a minute left"),
        (6, "About 1 minute left"),
        (7, "About 2 minutes left"),
        (12, "About 2 minutes left"),
        (13, "About 3 minutes left"),
        (30, "About 5 minutes left"),
    ],
)
def test_the_time_left_is_ten_seconds_a_statement_rounded_up_to_whole_minutes(statements, said):
    assert views.time_left(statements) == said


def back_button(response) -> str:
    return re.search(r'<button[^>]*value="back"[^>]*>(.*?)</button>', response.content.decode())[1]


def test_back_on_the_first_step_says_it_goes_to_the_start_page(respondent, submission):
    assert back_button(respondent.get(step_url(submission, 1))) == "Back to the start page"
    answer_step(respondent, submission, 1)
    assert back_button(respondent.get(step_url(submission, 2))) == "Back"


def test_only_the_missing_statements_are_marked_as_errors(respondent, submission):
    first, second, *missing = questions_of(submission, 1)
    data = {f"q{first.position}": "1", f"q{second.position}": "5", "action": "next"}
    html = respondent.post(step_url(submission, 1), data).content.decode()
    marked = re.findall(r'<fieldset id="fs-id_q(\d+)" class="statement has-error"', html)
    assert marked == [str(question.position) for question in missing]
    summary = html[html.index('id="error-summary"') : html.index("</ul>")]
    for question in missing:
        assert f'href="#fs-id_q{question.position}"' in summary
    assert f'href="#fs-id_q{first.position}"' not in summary


# -- A step: posting it ------------------------------------------------------------------


def test_next_saves_the_step_and_moves_on(respondent, submission):
    response = answer_step(respondent, submission, 1, 4)
    assert response.status_code == 302
    assert response["Location"] == step_url(submission, 2)
    assert stored(submission) == {q.position: 4 for q in questions_of(submission, 1)}
    assert submission.answers == "4" * 6 + "0" * 24


def test_an_unanswered_statement_is_named_and_other_answers_stay_selected(respondent, submission):
    first, missing, *rest = questions_of(submission, 1)
    data = step_data(submission, 1, 5)
    del data[f"q{missing.position}"]
    response = respondent.post(step_url(submission, 1), data)
    html = response.content.decode()
    page = text(response)
    assert response.status_code == 200
    assert "1 statement still needs an answer" in page
    block = html[html.index(f'id="fs-id_q{missing.position}"') :]
    block = block[: block.index("</fieldset>")]
    assert "Please choose an answer for this statement." in block
    for question in [first, *rest]:
        assert re.search(rf'name="q{question.position}" value="5"[^>]*checked', html)
    # What was answered is already kept; the step is not complete, so it stays open.
    assert stored(submission) == {q.position: 5 for q in [first, *rest]}
    assert respondent.get(reverse("assessments:resume", args=[submission.pk]))[
        "Location"
    ] == step_url(submission, 1)


def test_an_empty_post_changes_nothing_and_names_every_statement(respondent, submission):
    answer_step(respondent, submission, 1, 2)
    response = respondent.post(step_url(submission, 1), {"action": "next"})
    assert "6 statements still need an answer" in text(response)
    assert set(stored(submission).values()) == {2}


@pytest.mark.parametrize("bad", ["0", "6", "-1", "3.0", "abc", "", " 3", "1e1", "٣", "3" * 5000])
def test_a_value_outside_the_scale_is_an_error_and_keeps_the_stored_answer(
    respondent, submission, bad
):
    answer_step(respondent, submission, 1, 2)
    target = questions_of(submission, 1)[0]
    data = step_data(submission, 1, 2, **{f"q{target.position}": bad})
    response = respondent.post(step_url(submission, 1), data)
    assert response.status_code == 200
    assert "statement still needs an answer" in text(response)
    assert stored(submission)[target.position] == 2
    assert len(stored(submission)) == 6


def test_a_value_sent_twice_for_one_statement_uses_one_of_them_and_stores_one_answer(
    respondent, submission
):
    target = questions_of(submission, 1)[0]
    data = step_data(submission, 1, 3)
    data[f"q{target.position}"] = ["1", "5"]
    respondent.post(step_url(submission, 1), data)
    assert len(submission.answers) == 30
    assert stored(submission)[target.position] in {1, 5}


def test_unknown_and_other_steps_question_ids_are_ignored(respondent, submission):
    other_step = questions_of(submission, 2)
    data = step_data(submission, 1, 3, q999999="5", q30="1", qabc="2", **{"q-1": "4"})
    data.update({f"q{q.position}": "5" for q in other_step})
    response = respondent.post(step_url(submission, 1), data)
    assert response.status_code == 302
    assert set(stored(submission)) == {q.position for q in questions_of(submission, 1)}


def test_posting_to_a_later_step_saves_nothing(respondent, submission):
    response = respondent.post(step_url(submission, 3), step_data(submission, 3, 5))
    assert response.status_code == 302
    assert response["Location"] == step_url(submission, 1)
    assert stored(submission) == {}


def test_another_browser_cannot_change_answers(respondent, other_browser, submission):
    answer_step(respondent, submission, 1, 2)
    response = other_browser.post(step_url(submission, 1), step_data(submission, 1, 5))
    assert response.status_code == 403
    assert set(stored(submission).values()) == {2}


def test_a_post_to_an_unknown_submission_is_a_404(respondent, questionnaire):
    response = respondent.post("/s/00000000-0000-4000-8000-000000000000/step/1/", {"q1": "3"})
    assert response.status_code == 404
    assert not Submission.objects.exists()


def test_a_finished_submission_cannot_be_changed(respondent, completed_submission):
    before = stored(completed_submission)
    response = respondent.post(
        step_url(completed_submission, 1), step_data(completed_submission, 1, 1)
    )
    assert response.status_code == 409
    assert "This questionnaire is already finished" in text(response)
    assert f'href="{completed_submission.get_absolute_url()}"' in response.content.decode()
    assert stored(completed_submission) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed_on_a_step(respondent, submission, method):
    response = getattr(respondent, method)(step_url(submission, 1))
    assert response.status_code == 405


def test_back_keeps_the_answers_given_and_goes_to_the_previous_step(respondent, submission):
    answer_step(respondent, submission, 1, 4)
    partial = questions_of(submission, 2)[:2]
    data = {f"q{q.position}": "1" for q in partial} | {"action": "back"}
    response = respondent.post(step_url(submission, 2), data)
    assert response["Location"] == step_url(submission, 1)
    assert all(stored(submission)[q.position] == 1 for q in partial)
    html = respondent.get(step_url(submission, 2)).content.decode()
    assert re.search(rf'name="q{partial[0].position}" value="1"[^>]*checked', html)


def test_back_on_the_first_step_returns_to_the_landing_page(respondent, submission):
    response = respondent.post(step_url(submission, 1), {"action": "back"})
    assert response["Location"] == reverse("assessments:landing")


def test_confirming_the_checked_answers_completes_the_submission_and_shows_results(
    respondent, submission
):
    for number in range(1, 6):
        answer_step(respondent, submission, number, 3)
    assert "Continue where I stopped" in text(respondent.get(reverse("assessments:landing")))
    response = confirm(respondent, submission)
    submission.refresh_from_db()
    assert submission.is_complete
    assert response["Location"] == submission.get_absolute_url()
    assert len(stored(submission)) == 30
    assert "Continue where I stopped" not in text(respondent.get(reverse("assessments:landing")))


def test_resuming_goes_to_the_first_unanswered_step(respondent, submission):
    answer_step(respondent, submission, 1)
    answer_step(respondent, submission, 2)
    response = respondent.get(reverse("assessments:resume", args=[submission.pk]))
    assert response["Location"] == step_url(submission, 3)


def test_a_statement_added_and_published_after_starting_is_not_asked(respondent, submission):
    for number in range(1, 5):
        answer_step(respondent, submission, number)
    reason = ReasonCategory.objects.get(key="constant-learning")
    Question.objects.create(category=reason, order=99, statement="A statement added later.")
    reason.questionnaire.publish(allow_missing_texts=True)
    response = respondent.get(reverse("assessments:resume", args=[submission.pk]))
    assert response["Location"] == step_url(submission, 5)
    answer_step(respondent, submission, 5)
    check = text(respondent.get(check_url(submission)))
    assert "You answered all 30 statements." in check
    assert "A statement added later." not in check
    confirm(respondent, submission)
    submission.refresh_from_db()
    assert submission.is_complete
    assert "A statement added later." not in text(respondent.get(submission.get_absolute_url()))


def test_another_browser_cannot_resume(other_browser, submission):
    response = other_browser.get(reverse("assessments:resume", args=[submission.pk]))
    assert response.status_code == 403


# -- Results ------------------------------------------------------------------------------


def pattern_values(submission: Submission) -> dict[int, int]:
    """Point hard at stakeholder management, a little at perseverance, neither way at change
    and rework, and away from the other two as far as the scale goes."""
    return leaning(
        submission,
        {"stakeholder-management": 2, "perseverance": 1, "change-and-rework": 0},
        default=-2,
    )


def answer_first(response) -> str:
    """Return the text of the results page's first sentence."""
    found = re.search(r'<p class="answer-first"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert found, "no first sentence on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[1])).strip()


def test_the_results_explain_each_reason_with_the_persons_own_answers(respondent, submission):
    complete(respondent, submission, pattern_values(submission))
    response = respondent.get(submission.get_absolute_url())
    page = text(response)
    assert "Your results" in page
    assert answer_first(response) == (
        "Two parts of the job may wear on you, and nothing else stood out: "
        "Stakeholder management, then Perseverance."
    )
    assert "Stakeholder management Likely to wear on you · +100" in page
    assert "Perseverance May wear on you · +50" in page
    assert "Change and rework No clear lean · 0" in page
    assert "Constant learning Fits you · −100" in page
    stakeholder = ReasonCategory.objects.get(key="stakeholder-management")
    strongest = stakeholder.questions.filter(weight=2, direction="forward").get()
    section = page[page.index("Likely to wear on you · +100 Much of the job") :]
    assert section.index("Answers that say it may wear on you") < section.index(
        f"{strongest.statement} Your answer: Strongly agree"
    )
    assert stakeholder.why_it_matters[:60] in page
    assert stakeholder.advice[:60] in page
    assert "None of the answers here leaned either way." in page
    assert page.count("Answers that say it fits you") == 2


def test_results_without_any_notable_reason_say_so_gently(respondent, submission):
    complete(respondent, submission, leaning(submission, {}))
    response = respondent.get(submission.get_absolute_url())
    assert answer_first(response) == (
        "Every part of the job these questions cover looks like a good fit for you."
    )
    html = response.content.decode()
    # Once on each reason's detail; the chart and its table say it too.
    assert html.count('<span class="band-label">Fits you</span>') == 5
    assert '<span class="band-label">May wear on you</span>' not in html
    assert '<span class="band-label">Likely to wear on you</span>' not in html
    assert "Read this result with care" not in text(response)


def test_results_offer_their_link_and_a_way_to_answer_again(respondent, completed_submission):
    response = respondent.get(completed_submission.get_absolute_url())
    html = response.content.decode()
    assert (
        f'<code id="share-link" class="share-url">http://testserver/results/{completed_submission.pk}/</code>'
        in html
    )
    assert "Answer again" in text(response)
    respondent.post(reverse("assessments:start"))
    assert Submission.objects.count() == 2
    assert Submission.objects.in_progress().count() == 1


def test_another_browser_can_read_finished_results_but_not_change_them(
    other_browser, completed_submission
):
    response = other_browser.get(completed_submission.get_absolute_url())
    assert response.status_code == 200
    assert "Results of a completed questionnaire" in text(response)
    change = other_browser.post(
        step_url(completed_submission, 1), step_data(completed_submission, 1, 1)
    )
    assert change.status_code == 403


def test_results_are_read_only(respondent, completed_submission):
    response = respondent.post(completed_submission.get_absolute_url(), {"q1": "1"})
    assert response.status_code == 405


def test_unfinished_results_send_the_owner_back_to_the_questionnaire(respondent, submission):
    response = respondent.get(submission.get_absolute_url())
    assert response["Location"] == reverse("assessments:resume", args=[submission.pk])


def test_unfinished_results_are_not_shown_to_another_browser(other_browser, submission):
    response = other_browser.get(submission.get_absolute_url())
    assert response.status_code == 404
    assert "These results are not ready" in text(response)


def test_old_results_stay_the_same_after_the_questionnaire_is_edited(respondent, submission):
    complete(respondent, submission, pattern_values(submission))
    before = text(respondent.get(submission.get_absolute_url()))
    reason = ReasonCategory.objects.get(key="stakeholder-management")
    reason.title = "Talking to people"
    reason.advice = "Completely new advice."
    reason.strong_signs_from = 100
    reason.save()
    question = reason.questions.first()
    question.statement = "An edited statement."
    question.direction = "reverse"
    question.weight = 5
    question.save()
    reason.questions.last().delete()
    ReasonCategory.objects.get(key="little-ml").delete()
    assert reason.questionnaire.publish() is not None
    cache.clear()  # read it afresh, not from the results cache
    after = text(respondent.get(submission.get_absolute_url()))
    assert after == before


def test_a_new_respondent_sees_an_edited_statement_once_it_is_published(
    respondent, other_browser, completed_submission
):
    question = Question.objects.get(key=questions_of(completed_submission, 1)[0].key)
    question.statement = "A freshly edited statement."
    question.save()
    before_publishing = start(other_browser)
    assert "A freshly edited statement." not in text(
        other_browser.get(step_url(before_publishing, 1))
    )
    question.category.questionnaire.publish()
    fresh = start(other_browser)
    assert "A freshly edited statement." in text(other_browser.get(step_url(fresh, 1)))


# -- Query counts -------------------------------------------------------------------------


def grow(questionnaire: Questionnaire, extra: int) -> None:
    """Add `extra` statements to every reason and publish them."""
    for reason in questionnaire.reasons.all():
        Question.objects.bulk_create(
            Question(category=reason, key=f"extra-{n}", order=100 + n, statement=f"Extra {n}.")
            for n in range(extra)
        )
    questionnaire.publish(allow_missing_texts=True)  # English only: only the count matters


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_step_page_needs_few_queries_however_many_statements(
    respondent, questionnaire, django_assert_max_num_queries, django_assert_num_queries
):
    small = start(respondent)
    answer_step(respondent, small, 1)
    # The first showing also records when the step was shown: one locked write.
    with django_assert_max_num_queries(5):
        respondent.get(step_url(small, 2))
    with django_assert_num_queries(1):
        respondent.get(step_url(small, 2))
    grow(questionnaire, 20)
    large = start(respondent)
    answer_step(respondent, large, 1)
    assert count_queries(respondent, step_url(large, 2)) == 5
    assert count_queries(respondent, step_url(large, 2)) == count_queries(
        respondent, step_url(small, 2)
    )


def test_the_last_step_post_and_the_confirm_need_at_most_five_queries_each(
    respondent, submission, django_assert_max_num_queries
):
    for number in range(1, 5):
        answer_step(respondent, submission, number)
    with django_assert_max_num_queries(5):
        response = answer_step(respondent, submission, 5)
    assert response["Location"] == reverse("assessments:resume", args=[submission.pk])
    with django_assert_max_num_queries(1):
        assert respondent.get(check_url(submission)).status_code == 200
    with django_assert_max_num_queries(5):
        response = confirm(respondent, submission)
    assert response["Location"] == submission.get_absolute_url()


def test_the_results_page_needs_few_queries_however_many_statements(
    respondent, questionnaire, django_assert_max_num_queries
):
    small = start(respondent)
    complete(respondent, small, 3)
    grow(questionnaire, 20)
    large = start(respondent)
    complete(respondent, large, 3)
    with django_assert_max_num_queries(5):
        respondent.get(large.get_absolute_url())
    assert count_queries(respondent, small.get_absolute_url()) == count_queries(
        respondent, large.get_absolute_url()
    )


def test_the_landing_page_needs_few_queries(respondent, submission, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        respondent.get(reverse("assessments:landing"))
