"""The check-answers page: every answer with a way to change it, then one Confirm.

Nothing is final until Confirm: the last step's Next leads here, a "Change"
link opens a step that comes back here, and Confirm completes the submission,
stores what the answer-quality check found and shows the results.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from assessments.models import Submission

from .conftest import (
    answer_step,
    check_url,
    complete,
    confirm,
    leaning,
    statements_of,
    step_data,
    step_url,
)
from .test_views import text

LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


def resume_url(submission: Submission) -> str:
    return reverse("assessments:resume", args=[submission.pk])


def answer_every_step(client, submission: Submission, values: dict[int, int] | int = 3) -> None:
    """Answer every step with Next, without confirming; `values` as for `complete`."""
    for reason in submission.frozen.reasons:
        if isinstance(values, int):
            data = step_data(submission, reason.number, values)
        else:
            data = {f"q{s.position}": str(values[s.position]) for s in reason.statements}
            data["action"] = "next"
        response = client.post(step_url(submission, reason.number), data)
        assert response.status_code == 302


def checked_answers(response) -> list[tuple[str, str]]:
    """Return (statement, answer) for each row of the check page, in order."""
    rows = re.findall(
        r'<dt>(.*?)</dt>\s*<dd class="check-answer">(.*?)</dd>', response.content.decode(), re.S
    )
    return [(html.unescape(statement), html.unescape(answer)) for statement, answer in rows]


def change_links(response) -> list[str]:
    found = re.findall(
        r'<dd class="check-change"><a href="([^"]*)">Change', response.content.decode()
    )
    return [html.unescape(link) for link in found]


def quality_notice(response) -> str | None:
    """Return the text of the page's answer-quality notice, or None when it has none."""
    found = re.search(
        r'<section class="quality-notice[^"]*".*?</section>', response.content.decode(), re.S
    )
    if found is None:
        return None
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", found[0]))).strip()


def answer_first(response) -> str:
    found = re.search(r'<p class="answer-first"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert found, "no first sentence on the page"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", found[1]))).strip()


def cycling(submission: Submission) -> dict[int, int]:
    """Answers that cycle through 1..5, so that every label shows on the page."""
    return {s.position: s.position % 5 + 1 for s in submission.frozen.statements}


@pytest.fixture
def answered(respondent, submission) -> Submission:
    """A submission with every step answered, cycling through 1..5, not yet confirmed."""
    answer_every_step(respondent, submission, cycling(submission))
    submission.refresh_from_db()
    return submission


# -- Getting there -----------------------------------------------------------------


def test_the_last_steps_next_leads_to_the_check_page_not_the_results(respondent, submission):
    for number in range(1, 5):
        answer_step(respondent, submission, number)

    response = answer_step(respondent, submission, 5)

    assert response.status_code == 302
    assert response["Location"] == resume_url(submission)
    onwards = respondent.get(response["Location"])
    assert onwards["Location"] == check_url(submission)
    page = text(respondent.get(check_url(submission)))
    assert "Check your answers" in page
    assert "Confirm and see my results" in page
    submission.refresh_from_db()
    assert not submission.is_complete
    assert submission.quality_flags == ""


def test_the_last_step_offers_check_your_answers_as_its_next_button(respondent, submission):
    for number in range(1, 5):
        answer_step(respondent, submission, number)

    page = respondent.get(step_url(submission, 5)).content.decode()

    assert re.search(r'value="next" class="btn btn-primary btn-lg">Check your answers<', page)
    assert 'value="back"' in page


def test_the_check_page_lists_every_statement_with_its_answer(respondent, answered):
    response = respondent.get(check_url(answered))

    assert response.status_code == 200
    assert "You answered all 30 statements." in text(response)
    assert checked_answers(response) == [
        (str(statement.text), LABELS[statement.position % 5 + 1])
        for statement in answered.frozen.statements
    ]
    for number in range(1, 6):
        assert f'<h2 id="check-step-{number}" class="card-heading">Step {number}</h2>' in (
            response.content.decode()
        )


def test_each_change_link_opens_its_step_at_its_statement_for_checking(respondent, answered):
    links = change_links(respondent.get(check_url(answered)))

    assert links == [
        f"{step_url(answered, reason.number)}?checking#fs-id_q{statement.position}"
        for reason in answered.frozen.reasons
        for statement in reason.statements
    ]


# -- Changing an answer ---------------------------------------------------------------


def test_a_step_opened_to_change_an_answer_saves_and_checks_and_has_no_back(respondent, answered):
    response = respondent.get(f"{step_url(answered, 3)}?checking")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="checking" value="1">' in page
    assert re.search(
        r'value="next" class="btn btn-primary btn-lg">Save and check your answers<', page
    )
    assert 'value="back"' not in page
    assert ">Check your answers<" not in page


def test_changing_an_answer_from_the_check_page_saves_it_and_comes_back(respondent, answered):
    target = statements_of(answered, 3)[0]
    data = {
        **{f"q{s.position}": str(s.position % 5 + 1) for s in statements_of(answered, 3)},
        f"q{target.position}": "1" if target.position % 5 + 1 != 1 else "5",
        "checking": "1",
        "action": "next",
    }

    response = respondent.post(step_url(answered, 3), data, follow=True)

    assert response.redirect_chain == [(resume_url(answered), 302), (check_url(answered), 302)]
    new_value = int(data[f"q{target.position}"])
    answered.refresh_from_db()
    assert answered.answer_values()[target.position] == new_value
    assert (str(target.text), LABELS[new_value]) in checked_answers(response)
    assert not answered.is_complete


def test_a_step_opened_for_checking_keeps_its_missing_answers_named(respondent, answered):
    first, missing, *rest = statements_of(answered, 2)
    data = {f"q{s.position}": "2" for s in [first, *rest]} | {"checking": "1", "action": "next"}

    response = respondent.post(step_url(answered, 2), data)

    assert response.status_code == 200
    assert "1 statement still needs an answer" in text(response)
    # Still opened for checking: its button and hidden field stay.
    assert "Save and check your answers" in text(response)
    assert '<input type="hidden" name="checking" value="1">' in response.content.decode()


# -- Confirming -----------------------------------------------------------------------


def test_confirm_completes_the_submission_stores_its_quality_and_shows_the_results(
    respondent, submission
):
    answer_every_step(respondent, submission, 4)

    response = confirm(respondent, submission)

    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    submission.refresh_from_db()
    assert submission.is_complete
    assert submission.quality_flags == "straight-line,contradictions"
    assert respondent.get(response["Location"]).status_code == 200


def test_confirming_twice_just_shows_the_results_and_changes_nothing(respondent, answered):
    confirm(respondent, answered)
    answered.refresh_from_db()
    before = (answered.completed_at, answered.quality_flags, answered.answers)

    response = confirm(respondent, answered)

    assert response.status_code == 302
    assert response["Location"] == answered.get_absolute_url()
    answered.refresh_from_db()
    assert (answered.completed_at, answered.quality_flags, answered.answers) == before


def test_the_check_page_of_a_finished_submission_sends_to_the_results(
    respondent, completed_submission
):
    response = respondent.get(check_url(completed_submission))

    assert response.status_code == 302
    assert response["Location"] == completed_submission.get_absolute_url()


def test_the_check_page_with_statements_unanswered_sends_to_the_first_open_step(
    respondent, submission
):
    answer_step(respondent, submission, 1)
    answer_step(respondent, submission, 2)

    response = respondent.get(check_url(submission), follow=True)

    assert response.redirect_chain == [(step_url(submission, 3), 302)]
    assert "Please answer every statement before checking your answers." in text(response)


def test_confirm_with_statements_unanswered_completes_nothing(respondent, submission):
    answer_step(respondent, submission, 1)

    response = confirm(respondent, submission)

    assert response["Location"] == step_url(submission, 2)
    submission.refresh_from_db()
    assert not submission.is_complete


def test_resuming_with_everything_answered_goes_to_the_check_page(respondent, answered):
    response = respondent.get(resume_url(answered))

    assert response["Location"] == check_url(answered)
    answered.refresh_from_db()
    assert not answered.is_complete


# -- Who may see it ------------------------------------------------------------------


def test_another_browser_can_neither_see_nor_confirm_the_check_page(other_browser, answered):
    shown = other_browser.get(check_url(answered))
    confirmed = other_browser.post(check_url(answered))

    assert shown.status_code == confirmed.status_code == 403
    assert "This questionnaire belongs to another browser" in text(shown)
    answered.refresh_from_db()
    assert not answered.is_complete


@pytest.mark.parametrize(
    "url",
    ["/s/not-a-uuid/check/", "/s/00000000-0000-4000-8000-000000000000/check/"],
    ids=["malformed", "unknown"],
)
def test_the_check_page_of_no_such_submission_is_a_404(respondent, questionnaire, url):
    assert respondent.get(url).status_code == 404
    assert respondent.post(url).status_code == 404


def test_the_check_page_answers_head_without_confirming(respondent, answered):
    response = respondent.head(check_url(answered))

    assert response.status_code == 200
    assert response.content == b""
    answered.refresh_from_db()
    assert not answered.is_complete


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed_on_the_check_page(respondent, answered, method):
    assert getattr(respondent, method)(check_url(answered)).status_code == 405


# -- Answer quality --------------------------------------------------------------------


def test_the_check_page_points_out_the_same_answer_everywhere_and_which_steps_contradict(
    respondent, submission
):
    answer_every_step(respondent, submission, 4)

    notice = quality_notice(respondent.get(check_url(submission)))

    assert notice is not None
    assert notice.startswith("Before you confirm")
    assert "You gave the same answer, “Agree”, to every statement." in notice
    assert (
        "Your answers in step 1, step 2, step 3, step 4 and step 5 contradict each other" in notice
    )
    # The steps are numbered, not named, as on the step pages themselves.
    assert "Perseverance" not in notice


def test_the_check_page_has_no_notice_for_sincere_answers(respondent, submission):
    answer_every_step(respondent, submission, leaning(submission, {"perseverance": 2}))

    response = respondent.get(check_url(submission))

    assert quality_notice(response) is None
    assert "Before you confirm" not in text(response)


def test_all_neutral_answers_do_not_give_a_clear_picture_and_flag_nothing(respondent, submission):
    complete(respondent, submission, 3)

    response = respondent.get(submission.get_absolute_url())

    assert submission.quality_flags == "mostly-neutral"
    assert answer_first(response).startswith("Your answers do not give a clear picture")
    notice = quality_notice(response)
    assert notice.startswith("Read this result with care")
    assert "100% of your answers were “Neither agree nor disagree”." in notice
    page = response.content.decode()
    assert page.count('<span class="band-label">No clear lean</span>') == 5
    assert '<span class="band-label">May wear on you</span>' not in page
    assert '<span class="band-label">Likely to wear on you</span>' not in page
    assert "Answers that say it may wear on you" not in page
    assert page.count("None of the answers here leaned either way.") == 5


def test_a_clear_profile_opens_with_a_sentence_naming_the_reason_that_stood_out(
    respondent, submission
):
    complete(respondent, submission, leaning(submission, {"stakeholder-management": 2}))

    response = respondent.get(submission.get_absolute_url())

    assert submission.quality_flags == ""
    assert answer_first(response) == (
        "Most of the job looks like a good fit; one part is worth testing first: "
        "Stakeholder management."
    )
    assert '<a href="#reason-stakeholder-management"><strong>' in response.content.decode()
    assert quality_notice(response) is None


def test_a_reason_that_fits_says_so_with_the_answers_that_show_it(respondent, submission):
    complete(respondent, submission, leaning(submission, {"stakeholder-management": 2}))

    page = text(respondent.get(submission.get_absolute_url()))

    section = page[page.index("Constant learning Fits you · −50 The tools") :]
    section = section[: section.index("If you want to check")]
    assert "Answers that say it fits you" in section
    assert "Answers that say it may wear on you" not in section
    strongest = statements_of(submission, 1)[1]  # self-taught-skill, reverse-keyed, weight 2
    assert f"{strongest.text} Your answer: Agree" in section
