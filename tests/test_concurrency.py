"""Two tabs, or a double-clicked Next, posting at the same moment on real connections."""

from __future__ import annotations

import threading
from functools import partial

import pytest
from django.db import connection, connections
from django.test import Client

from assessments.models import Submission

from .conftest import answer_step, check_url, start, statements_of, step_data, step_url
from .test_views import text

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


def all_at_once(*calls):
    """Run each call in its own thread, released together; return what each returned."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def at_once(*posts):
    """Run each (client, url, data) POST in its own thread, released together."""
    return all_at_once(*(partial(client.post, url, data) for client, url, data in posts))


def answers_of(submission: Submission) -> list[int]:
    """Return the answer to each statement of the revision as the database holds it."""
    submission.refresh_from_db()
    return submission.answer_values()


def test_two_tabs_posting_one_step_at_once_leave_one_whole_answer_per_statement(questionnaire):
    browser = Client()
    submission = start(browser)
    other_tab = tab_of(browser)
    positions = [s.position for s in statements_of(submission, 1)]
    for round_number in range(15):
        first, second = (1, 5) if round_number % 2 else (5, 1)
        responses = at_once(
            (browser, step_url(submission, 1), step_data(submission, 1, first)),
            (other_tab, step_url(submission, 1), step_data(submission, 1, second)),
        )
        assert [r.status_code for r in responses] == [302, 302]
        values = answers_of(submission)
        assert len(submission.answers) == 30
        assert values[6:] == [0] * 24
        # One POST's answers, whole: never a mix of the two.
        assert {values[position] for position in positions} in ({1}, {5}), values


def test_a_double_clicked_confirm_completes_the_submission_once(questionnaire):
    browser = Client()
    submission = start(browser)
    for number in range(1, 6):
        answer_step(browser, submission, number, 3 if number < 5 else 4)
    responses = at_once(
        (browser, check_url(submission), {}),
        (tab_of(browser), check_url(submission), {}),
    )
    assert answers_of(submission) == [3] * 24 + [4] * 6
    assert submission.is_complete
    completed_at = submission.completed_at
    # Both clicks end on the results; the second finds them ready and writes nothing.
    assert [(r.status_code, r["Location"]) for r in responses] == [
        (302, submission.get_absolute_url())
    ] * 2
    submission.refresh_from_db()
    assert submission.completed_at == completed_at


def test_an_earlier_step_posted_while_confirming_never_changes_a_finished_submission(
    questionnaire,
):
    """Thirty races of one tab's Confirm against another tab saving step 1 again.

    Whichever comes first, the answers read right after completion are the
    final ones: a step that arrives too late is refused (409) and leaves nothing.
    """
    for round_number in range(30):
        browser = Client()
        submission = start(browser)
        for number in range(1, 6):
            answer_step(browser, submission, number, 3 if number < 5 else 4)
        results_url = submission.get_absolute_url()
        new_value = 1 if round_number % 2 else 5
        seen_at_completion = {}

        def finish(browser=browser, submission=submission, seen=seen_at_completion):
            response = browser.post(check_url(submission))
            seen["answers"] = Submission.objects.get(pk=submission.pk).answers
            seen["results"] = text(browser.get(submission.get_absolute_url()))
            return response

        save_step_one = partial(
            tab_of(browser).post, step_url(submission, 1), step_data(submission, 1, new_value)
        )
        if round_number % 2:
            last, earlier = all_at_once(finish, save_step_one)
        else:
            earlier, last = all_at_once(save_step_one, finish)

        submission.refresh_from_db()
        assert submission.is_complete
        assert (last.status_code, last["Location"]) == (302, results_url)
        assert submission.answers == seen_at_completion["answers"]
        assert text(browser.get(results_url)) == seen_at_completion["results"]
        values = submission.answer_values()
        assert earlier.status_code in {302, 409}
        # Saved before Confirm completed it, or refused and not saved at all.
        assert values[:6] == [new_value if earlier.status_code == 302 else 3] * 6
        assert values[6:] == [3] * 18 + [4] * 6


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
        assert answers_of(sub) == [index % 5 + 1] * 6 + [0] * 24
    assert Submission.objects.count() == 8
