"""Two tabs, or a double-clicked Next, posting at the same moment on real connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from assessments.models import Answer, Submission

from .conftest import answer_step, start, step_data, step_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent writers on separate connections (CI runs it there)",
    ),
]


def tab_of(browser: Client) -> Client:
    """Return a second tab: another client sharing the browser's cookies."""
    tab = Client()
    tab.cookies = browser.cookies
    return tab


def at_once(*posts):
    """Run each (client, url, data) POST in its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)
    errors = []

    def run(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


def test_two_tabs_posting_one_step_at_once_leave_one_whole_answer_per_statement(questionnaire):
    browser = Client()
    submission = start(browser)
    other_tab = tab_of(browser)
    step_questions = [q.pk for q in submission.questionnaire.steps()[0].questions]
    for round_number in range(15):
        first, second = (1, 5) if round_number % 2 else (5, 1)
        responses = at_once(
            (browser, step_url(submission, 1), step_data(submission, 1, first)),
            (other_tab, step_url(submission, 1), step_data(submission, 1, second)),
        )
        assert [r.status_code for r in responses] == [302, 302]
        rows = list(
            Answer.objects.filter(submission=submission).values_list("question_id", "value")
        )
        assert sorted(pk for pk, _ in rows) == sorted(step_questions)
        values = {value for _, value in rows}
        # One POST's answers, whole: never a mix of the two.
        assert values in ({1}, {5}), values


def test_a_double_clicked_last_next_completes_the_submission_once(questionnaire):
    browser = Client()
    submission = start(browser)
    for number in range(1, 5):
        answer_step(browser, submission, number, 3)
    data = step_data(submission, 5, 4)
    responses = at_once(
        (browser, step_url(submission, 5), data),
        (tab_of(browser), step_url(submission, 5), data),
    )
    submission.refresh_from_db()
    assert submission.is_complete
    assert Answer.objects.filter(submission=submission).count() == 30
    assert submission.answered_reasons.count() == 5
    for response in responses:
        assert response.status_code in {302, 409}
        if response.status_code == 302:
            assert response["Location"] == submission.get_absolute_url()


def test_many_respondents_saving_at_once_each_keep_their_own_answers(questionnaire):
    browsers = [Client() for _ in range(8)]
    submissions = [start(browser) for browser in browsers]
    at_once(
        *(
            (browser, step_url(sub, 1), step_data(sub, 1, index % 5 + 1))
            for index, (browser, sub) in enumerate(zip(browsers, submissions, strict=True))
        )
    )
    for index, sub in enumerate(submissions):
        values = set(Answer.objects.filter(submission=sub).values_list("value", flat=True))
        assert values == {index % 5 + 1}
        assert Answer.objects.filter(submission=sub).count() == 6
    assert Submission.objects.count() == 8
