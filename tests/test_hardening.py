"""Requests an attacker can send: unreadable or huge bodies, odd cookies, HEAD, caching."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Submission
from mlfit.cache import RedisCache

from .conftest import answer_step, confirm, start, step_data, step_url
from .test_views import text


@pytest.fixture
def strict_browser(questionnaire) -> Client:
    """A browser that sends CSRF tokens as a real one does (the checks are on)."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.get(reverse("assessments:landing"))
    return browser


def raw_post(browser: Client, path: str, body: bytes, content_type: str):
    token = browser.cookies["csrftoken"].value
    return browser.generic(
        "POST", path, data=body, content_type=content_type, HTTP_X_CSRFTOKEN=token
    )


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/form-data",
        "multipart/form-data; boundary=",
    ],
)
def test_a_body_that_cannot_be_read_gets_a_400_page_with_the_usual_headers(
    strict_browser, content_type
):
    response = raw_post(strict_browser, "/start/", "a=\xff\xfe".encode("latin-1"), content_type)
    assert response.status_code == 400
    assert "That request could not be understood" in text(response)
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert not Submission.objects.exists()


def test_a_body_larger_than_the_limit_is_refused_unread(strict_browser, settings):
    settings.MLFIT_MAX_REQUEST_BYTES = 10_000
    body = b"--x\r\nContent-Disposition: form-data; name=f; filename=a\r\n\r\n" + b"a" * 20_000
    response = raw_post(strict_browser, "/start/", body, "multipart/form-data; boundary=x")
    assert response.status_code == 413
    assert "That was more than this site accepts" in text(response)
    assert "Content-Security-Policy" in response
    assert not Submission.objects.exists()


def test_a_step_post_of_normal_size_is_not_affected_by_the_limit(respondent, submission):
    assert answer_step(respondent, submission, 1, 4)["Location"] == step_url(submission, 2)


def test_a_session_cookie_holding_a_nul_counts_as_no_session(db):
    browser = Client(raise_request_exception=False)
    browser.cookies["sessionid"] = "\x00aaaaaaaaaa"
    response = browser.get("/admin/login/")
    assert response.status_code == 200
    assert "Log in" in text(response)


def test_head_is_answered_wherever_get_is(respondent, completed_submission, other_browser):
    submission = start(other_browser)
    for browser, path in [
        (respondent, reverse("assessments:landing")),
        (respondent, reverse("assessments:health")),
        (respondent, completed_submission.get_absolute_url()),
        (other_browser, step_url(submission, 1)),
    ]:
        response = browser.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


def test_pages_with_a_persons_answers_are_never_stored_by_browsers_or_proxies(
    respondent, completed_submission, other_browser
):
    submission = start(other_browser)
    for browser, path in [
        (other_browser, step_url(submission, 1)),
        (respondent, completed_submission.get_absolute_url()),
        (other_browser, reverse("assessments:landing")),
    ]:
        cache_control = browser.get(path)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, path


def test_results_ask_search_engines_not_to_list_them(respondent, completed_submission):
    response = respondent.get(completed_submission.get_absolute_url())
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_pressing_start_again_before_answering_reuses_the_empty_submission(
    respondent, questionnaire
):
    first = start(respondent)
    response = respondent.post(reverse("assessments:start"))
    assert response["Location"] == step_url(first, 1)
    assert Submission.objects.count() == 1


def test_start_after_answering_something_begins_afresh(respondent, questionnaire):
    first = start(respondent)
    answer_step(respondent, first, 1, 4)
    second = start(respondent)
    assert second.pk != first.pk
    assert Submission.objects.count() == 2


def test_a_flood_of_starts_meets_a_429_page_and_creates_nothing_more(settings, questionnaire):
    settings.MLFIT_START_LIMIT = 3
    flood = [Client() for _ in range(5)]
    statuses = [browser.post(reverse("assessments:start")).status_code for browser in flood]
    assert statuses == [302, 302, 302, 429, 429]
    assert Submission.objects.count() == 3
    refused = flood[-1].post(reverse("assessments:start"))
    assert "That was a lot in a short time" in text(refused)
    assert 0 < int(refused["Retry-After"]) <= settings.MLFIT_RATE_WINDOW_SECONDS


def test_the_limit_counts_each_client_on_its_own(settings, questionnaire):
    settings.MLFIT_START_LIMIT = 1
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    assert first.post(reverse("assessments:start")).status_code == 302
    assert second.post(reverse("assessments:start")).status_code == 302
    assert first.post(reverse("assessments:start")).status_code == 429


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwards(settings, questionnaire):
    settings.MLFIT_START_LIMIT = 1
    settings.MLFIT_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    one = Client(HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1", **proxy)
    two = Client(HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert one.post(reverse("assessments:start")).status_code == 302
    assert two.post(reverse("assessments:start")).status_code == 302
    assert one.post(reverse("assessments:start")).status_code == 429


def test_answering_steps_stays_well_under_the_post_limit(settings, respondent, submission):
    settings.MLFIT_POST_LIMIT = 10
    for number in range(1, 6):
        assert answer_step(respondent, submission, number, 3).status_code == 302
    # One answer changed from the check page, then Confirm: seven posts in all.
    change = step_data(submission, 2, 4, checking="1")
    assert respondent.post(step_url(submission, 2), change).status_code == 302
    assert confirm(respondent, submission)["Location"] == submission.get_absolute_url()
    submission.refresh_from_db()
    assert submission.is_complete


@pytest.fixture
def redis_down(settings, monkeypatch):
    """A Redis cache that cannot be reached: nothing listens on port 1."""
    monkeypatch.setattr(RedisCache, "_last_warning", float("-inf"))
    settings.CACHES = {
        "default": {
            "BACKEND": "mlfit.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_with_redis_down_starts_are_let_through_and_logged(
    redis_down, settings, questionnaire, caplog
):
    settings.MLFIT_START_LIMIT = 1
    flood = [Client() for _ in range(3)]
    statuses = [browser.post(reverse("assessments:start")).status_code for browser in flood]
    assert statuses == [302, 302, 302]
    assert "Redis cache unreachable" in caplog.text


def test_with_redis_down_results_are_served_uncached(redis_down, respondent, completed_submission):
    response = respondent.get(completed_submission.get_absolute_url())
    assert response.status_code == 200
    assert "Your results" in text(response)
