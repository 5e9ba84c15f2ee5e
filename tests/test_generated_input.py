"""Generated bad input: arbitrary POST bodies never cause a 500 or an unexpected change."""

from __future__ import annotations

import string

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Submission

from .conftest import answer_step, start, statements_of, step_url

ALLOWED = {200, 302, 400, 403, 404, 405, 409}
EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "0", "6", "-1", "3.0", " 4", "4 ", "", "null", "五"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=40),
    st.text(alphabet=string.digits, min_size=50, max_size=5000),
    st.booleans().map(str),
)


def field_names(real: list[str]):
    return st.one_of(
        st.sampled_from(real),
        st.sampled_from(
            [
                "action",
                "language",
                "csrfmiddlewaretoken",
                "q",
                "q-1",
                "q30",  # one past the last statement
                "q999999",
                "q01",
                "qq1",
                "Q1",
            ]
        ),
        st.text(max_size=30),
    )


def bodies(real: list[str]):
    return st.lists(
        st.tuples(field_names(real), st.lists(values, min_size=1, max_size=3)), max_size=12
    )


def expected_after(before: dict[int, int], body: list, step_positions: list[int]) -> dict[int, int]:
    """Return the answers a valid POST of `body` to an open step would leave stored."""
    posted: dict[str, str] = {}
    for name, vals in body:
        posted[name] = vals[-1]  # a repeated field counts with its last value, as in Django
    result = dict(before)
    for position in step_positions:
        value = posted.get(f"q{position}")
        if value in {"1", "2", "3", "4", "5"}:
            result[position] = int(value)
    return result


def stored(submission: Submission) -> dict[int, int]:
    """Return {statement position: value} of every answer the database holds.

    The stored string must keep one digit, 0 to 5, per statement of the revision.
    """
    answers = Submission.objects.values_list("answers", flat=True).get(pk=submission.pk)
    assert len(answers) == submission.frozen.statement_count
    assert set(answers) <= set("012345"), answers
    return {position: int(digit) for position, digit in enumerate(answers) if digit != "0"}


def real_names(submission: Submission) -> list[str]:
    """Return the field name of every statement of the submission's revision."""
    return [f"q{s.position}" for s in submission.frozen.statements]


def encode(body: list) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, vals in body:
        data.setdefault(name, []).extend(vals)
    return data


def test_generated_posts_to_an_open_step_change_only_what_a_valid_post_would(questionnaire):
    respondent = Client()
    submission = start(respondent)
    answer_step(respondent, submission, 1, 2)
    real = real_names(submission)
    step_two = [s.position for s in statements_of(submission, 2)]
    answer_step(respondent, submission, 2, 3)

    @EXAMPLES
    @given(body=bodies(real))
    def check(body):
        before = stored(submission)
        response = respondent.post(step_url(submission, 2), encode(body))
        assert response.status_code in ALLOWED
        assert stored(submission) == expected_after(before, body, step_two)

    check()


def test_generated_posts_to_a_step_not_yet_open_change_nothing(questionnaire):
    respondent = Client()
    submission = start(respondent)
    real = real_names(submission)

    @EXAMPLES
    @given(body=bodies(real), number=st.integers(min_value=2, max_value=5))
    def check(body, number):
        response = respondent.post(step_url(submission, number), encode(body))
        assert response.status_code in ALLOWED
        assert stored(submission) == {}

    check()


def test_generated_posts_from_another_browser_or_without_csrf_change_nothing(questionnaire):
    owner = Client()
    submission = start(owner)
    answer_step(owner, submission, 1, 4)
    before = stored(submission)
    real = real_names(submission)
    stranger = Client()
    no_csrf = Client(enforce_csrf_checks=True)
    no_csrf.cookies = owner.cookies  # the owner's session, but no token

    @EXAMPLES
    @given(body=bodies(real), number=st.integers(min_value=-1, max_value=7))
    def check(body, number):
        url = f"/s/{submission.pk}/step/{number}/"
        for client in [stranger, no_csrf]:
            response = client.post(url, encode(body))
            assert response.status_code in {403, 404}
        assert stored(submission) == before

    check()


def test_generated_posts_to_every_other_endpoint_never_fail(questionnaire):
    owner = Client()
    submission = start(owner)
    real = real_names(submission)
    urls = [
        reverse("assessments:landing"),
        reverse("assessments:resume", args=[submission.pk]),
        reverse("assessments:results", args=[submission.pk]),
        "/results/00000000-0000-4000-8000-000000000000/",
        "/s/00000000-0000-4000-8000-000000000000/step/1/",
        "/admin/login/",
    ]

    @EXAMPLES
    @given(body=bodies(real), url=st.sampled_from(urls))
    def check(body, url):
        response = owner.post(url, encode(body))
        assert response.status_code in ALLOWED | {429}
        assert stored(submission) == {}

    check()


def test_generated_starts_never_fail_and_reuse_the_one_empty_submission(questionnaire, settings):
    settings.MLFIT_START_LIMIT = 1_000_000  # this is about bodies, not the rate limit
    browser = Client()

    @EXAMPLES
    @given(body=bodies(["action"]))
    def check(body):
        response = browser.post(reverse("assessments:start"), encode(body))
        assert response.status_code == 302
        # Start pressed again before answering anything carries on with it.
        assert Submission.objects.count() == 1

    check()
